import { PGlite, type Transaction } from "@electric-sql/pglite";
import { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import { quoteSchema, type SqlExecutor } from "../internal/sql-executor.ts";
import { migrate } from "../internal/sql-migrations.ts";
import { SqlShardRepository } from "../internal/sql-repository.ts";
import { repositoryFailure } from "../internal/store-common.ts";

/**
 * Options of {@link PGliteShardRepository.open}.
 *
 * @example
 * ```ts
 * import type { PGliteShardRepositoryOptions } from "@pipe/shards";
 * const persisted: PGliteShardRepositoryOptions = { dataDir: "./.data/shards" };
 * console.log(persisted.dataDir);
 * ```
 */
export interface PGliteShardRepositoryOptions {
  /**
   * Where the database lives: a file-system directory (Node, Deno, Bun), `idb://name` in browsers, or
   * `memory://` (the default: nothing persisted).
   */
  readonly dataDir?: string | undefined;
  /** An already-open PGlite instance to use instead (not closed by `close()`). */
  readonly pglite?: PGlite | undefined;
  /** Schema holding the tables (lowercase identifier; default `public`). */
  readonly schema?: string | undefined;
  /** Clock for `updatedAt`/`createdAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
}

function executor(db: PGlite | Transaction, owned: PGlite | undefined): SqlExecutor {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
      return (await db.query<R>(text, params as unknown[] | undefined)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (!("transaction" in db)) return fn(this);
      return db.transaction((tx) => fn(executor(tx, undefined)));
    },
    notifies: false,
    close: async () => {
      if (owned !== undefined && !owned.closed) await owned.close();
    },
  };
}

/**
 * The embedded {@link ShardRepository}: a real PostgreSQL engine in WebAssembly (PGlite), persisted to a
 * data directory or kept in memory; no server to install. Runs on every supported runtime (Node, Deno, Bun).
 *
 * When to use: the default store of a single control-plane instance, and realistic tests.
 *
 * Details: the same schema, versioned migrations (applied on open under an advisory lock) and SQL as
 * `PostgresShardRepository`. PGlite runs one statement at a time, so transactions are serialised; `watch` tails
 * through an in-process notifier.
 *
 * Gotchas: one process per data directory. `open` fails with `shards.control.repository.failure` when the
 * engine cannot start or migrate. Abort is checked before each call.
 *
 * @example
 * ```ts
 * import { PGliteShardRepository } from "@pipe/shards";
 * const repo = (await PGliteShardRepository.open()).unwrap(); // in memory
 * await repo.upsert({ namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a" });
 * console.log((await repo.get({ namespace: "ns", shardId: "s1" })).unwrap()?.version); // 1
 * await repo.close();
 * ```
 */
export class PGliteShardRepository extends SqlShardRepository {
  /** The underlying PGlite instance (for raw SQL baselines, backups). */
  readonly pglite: PGlite;

  private constructor(db: PGlite, exec: SqlExecutor, quoted: string, schema: string, time: TimeProvider) {
    super(exec, quoted, schema, time);
    this.pglite = db;
  }

  /** Opens (creating when needed) the database and applies pending migrations. */
  static async open(options: PGliteShardRepositoryOptions = {}): Promise<Result<PGliteShardRepository>> {
    const schema = options.schema ?? "public";
    const quoted = quoteSchema(schema);
    let db: PGlite | undefined = options.pglite;
    const owned = db === undefined;
    try {
      db ??= await PGlite.create(options.dataDir ?? "memory://");
      const exec = executor(db, owned ? db : undefined);
      await migrate(exec, quoted);
      return ok(
        new PGliteShardRepository(db, exec, quoted, schema, options.timeProvider ?? TimeProvider.system),
      );
    } catch (e) {
      if (owned && db !== undefined && !db.closed) await db.close().catch(() => undefined);
      return err(repositoryFailure(e, "shards.repository.open"));
    }
  }
}
