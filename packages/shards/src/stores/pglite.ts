import type { PGlite } from "@electric-sql/pglite";
import { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import type { DataDirectoryLockOptions } from "../internal/data-dir-lock-contract.ts";
import { migrate } from "../internal/sql-migrations.ts";
import { SqlShardRepository } from "../internal/sql-repository.ts";
import { repositoryFailure } from "../internal/store-common.ts";
import { openPglite, pgliteExecutor } from "./pglite-executor.ts";
import { quoteSqlSchema, type SqlExecutor } from "./sql-executor.ts";

/**
 * Options of {@link PGliteShardRepository.open}.
 *
 * @example
 * ```ts
 * import type { PGliteShardRepositoryOptions } from "@pipe/shards/pglite";
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
  /** An already-open PGlite instance to use instead (not closed by `close()`, not locked: the caller's). */
  readonly pglite?: PGlite | undefined;
  /**
   * Timing of the exclusive lock held on a file-system `dataDir` (see `acquireDataDirectoryLock`; default: stale
   * after 10 s without a heartbeat, heartbeat every second).
   */
  readonly lock?: DataDirectoryLockOptions | undefined;
  /** Schema holding the tables (lowercase identifier; default `public`). */
  readonly schema?: string | undefined;
  /** Clock for `updatedAt`/`createdAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
}

/**
 * The embedded {@link @pipe/shards!ShardRepository}: a real PostgreSQL engine in WebAssembly (PGlite), persisted to a
 * data directory or kept in memory; no server to install. Runs on every supported runtime (Node, Deno, Bun).
 *
 * When to use: the default store of a single control-plane instance, and realistic tests.
 *
 * Details: the same schema, versioned migrations (applied on open under an advisory lock) and SQL as
 * `PostgresShardRepository`. PGlite runs one statement at a time, so transactions are serialised; `watch` tails
 * through an in-process notifier.
 *
 * Gotchas: one process per data directory, enforced: `open` takes an exclusive lock on a file-system `dataDir`
 * (`acquireDataDirectoryLock`) and fails with `shards.control.repository.locked`, naming the directory and the
 * holder (pid, host, start time), while another live process holds it; a lock left by a crashed process is taken
 * over once stale (10 s by default), so a restart right after a crash waits that long. `close()` releases the
 * lock. `open` fails with `shards.control.repository.failure` when the engine cannot start or migrate. Abort is
 * checked before each call.
 *
 * @example
 * ```ts
 * import { PGliteShardRepository } from "@pipe/shards/pglite";
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

  /**
   * Opens (creating when needed) the database, locking a file-system data directory first, and applies pending
   * migrations.
   */
  static async open(options: PGliteShardRepositoryOptions = {}): Promise<Result<PGliteShardRepository>> {
    const schema = options.schema ?? "public";
    const quoted = quoteSqlSchema(schema);
    const opened =
      options.pglite === undefined
        ? await openPglite(options.dataDir, options.lock, (e) =>
            repositoryFailure(e, "shards.repository.open"),
          )
        : ok({ db: options.pglite, exec: pgliteExecutor(options.pglite, undefined, undefined) });
    if (opened.isErr) return err(opened.error);
    const { db, exec } = opened.value;
    try {
      await migrate(exec, quoted);
      return ok(
        new PGliteShardRepository(db, exec, quoted, schema, options.timeProvider ?? TimeProvider.system),
      );
    } catch (e) {
      await exec.close().catch(() => undefined);
      return err(repositoryFailure(e, "shards.repository.open"));
    }
  }
}
