import { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import type postgres from "postgres";
import { migrate } from "../internal/sql-migrations.ts";
import { SqlShardRepository } from "../internal/sql-repository.ts";
import { repositoryFailure } from "../internal/store-common.ts";
import { connectPostgres, type PostgresExecutorOptions, postgresExecutor } from "./postgres-executor.ts";
import { quoteSqlSchema, type SqlExecutor } from "./sql-executor.ts";

/**
 * Options of {@link PostgresShardRepository.open}.
 *
 * @example
 * ```ts
 * import type { PostgresShardRepositoryOptions } from "@pipe/shards/postgres";
 * const o: PostgresShardRepositoryOptions = { url: "postgres://postgres@127.0.0.1:5432/test", schema: "shards" };
 * console.log(o.schema);
 * ```
 */
export interface PostgresShardRepositoryOptions extends PostgresExecutorOptions {
  /** Schema holding the tables (lowercase identifier; default `public`); created when missing. */
  readonly schema?: string | undefined;
  /** Clock for `updatedAt`/`createdAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
}

type Sql = postgres.Sql;

/**
 * The scale-out {@link @pipe/shards!ShardRepository} on a PostgreSQL server, through the `postgres` driver (Node, Deno,
 * Bun). Several control-plane instances can share one database.
 *
 * When to use: more than one control-plane instance, or an existing PostgreSQL deployment.
 *
 * Details: the same schema, migrations and SQL as `PGliteShardRepository`. Migrations run on open inside one
 * transaction holding `pg_advisory_xact_lock`, so instances starting together do not race. An upsert reads
 * its shard `FOR UPDATE`, so writers of one shard are serialised: an unconditional upsert always succeeds
 * (last writer wins, every write in history) and an `expectedVersion` is checked against the committed
 * version, never lost; positions come from a counter row locked to
 * commit, so they become visible in order. `watch` tails through LISTEN/NOTIFY (channel
 * `pipe_shards_<schema>`) and re-reads by position after a reconnect, so nothing is missed or duplicated.
 *
 * Gotchas: `open` fails with `shards.control.repository.failure` when the server cannot be reached. Abort is
 * checked before each call; a running statement completes.
 *
 * @example
 * ```ts
 * import { PostgresShardRepository } from "@pipe/shards/postgres";
 * const opened = await PostgresShardRepository.open({ url: "postgres://postgres@127.0.0.1:5432/test" });
 * if (opened.isOk) await opened.value.close();
 * else console.log(opened.error.code); // "shards.control.repository.failure"
 * ```
 */
export class PostgresShardRepository extends SqlShardRepository {
  /** The underlying `postgres` client (for raw SQL baselines). */
  readonly sql: Sql;

  private constructor(sql: Sql, exec: SqlExecutor, quoted: string, schema: string, time: TimeProvider) {
    super(exec, quoted, schema, time);
    this.sql = sql;
  }

  /** Connects, applies pending migrations and starts listening for changes. */
  static async open(options: PostgresShardRepositoryOptions): Promise<Result<PostgresShardRepository>> {
    const schema = options.schema ?? "public";
    const quoted = quoteSqlSchema(schema);
    const sql = connectPostgres(options);
    try {
      const exec = postgresExecutor(sql, sql);
      await migrate(exec, quoted);
      const repo = new PostgresShardRepository(
        sql,
        exec,
        quoted,
        schema,
        options.timeProvider ?? TimeProvider.system,
      );
      await repo.startListening();
      return ok(repo);
    } catch (e) {
      await sql.end({ timeout: 1 }).catch(() => undefined);
      return err(repositoryFailure(e, "shards.repository.open"));
    }
  }
}
