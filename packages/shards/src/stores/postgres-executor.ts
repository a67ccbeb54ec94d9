import { err, ok, PipeError, type Result } from "@pipe/result";
import postgres from "postgres";
import { ShardErrorCodes } from "../codes.ts";
import type { SqlExecutor } from "./sql-executor.ts";

/**
 * Options of {@link openPostgresExecutor}.
 *
 * @example
 * ```ts
 * import type { PostgresExecutorOptions } from "@pipe/shards/postgres";
 * const options: PostgresExecutorOptions = { url: "postgres://postgres@127.0.0.1:5432/test", maxConnections: 4 };
 * console.log(options.maxConnections);
 * ```
 */
export interface PostgresExecutorOptions {
  /** Connection URL (`postgres://user:pass@host:port/db`). */
  readonly url: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number | undefined;
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeoutSeconds?: number | undefined;
}

/**
 * Connects to a PostgreSQL server as a {@link SqlExecutor} (a pool of connections through the `postgres`
 * driver), and checks that the server answers before returning.
 *
 * When to use: a store of your own that runs on PostgreSQL in production and on PGlite (`openPGliteExecutor`
 * from `@pipe/shards/pglite`) when embedded; the reference apps' outbox stores do.
 *
 * Details: statements are prepared; `transaction` takes one pooled connection for its duration; `listen` uses a
 * dedicated connection and calls back again after a reconnect. Server notices are dropped.
 *
 * Error codes: `shards.control.repository.failure` when the server cannot be reached or refuses the login
 * within `connectTimeoutSeconds` (the message carries the driver's text; the pool is closed again).
 *
 * @example
 * ```ts
 * import { openPostgresExecutor } from "@pipe/shards/postgres";
 * const opened = await openPostgresExecutor({ url: "postgres://postgres@127.0.0.1:5432/test", connectTimeoutSeconds: 2 });
 * if (opened.isOk) {
 *   console.log(await opened.value.query<{ one: number }>("SELECT $1::int AS one", [1])); // [ { one: 1 } ]
 *   await opened.value.close();
 * } else console.log(opened.error.code); // "shards.control.repository.failure"
 * ```
 */
export async function openPostgresExecutor(options: PostgresExecutorOptions): Promise<Result<SqlExecutor>> {
  const sql = connectPostgres(options);
  try {
    await sql`select 1`;
  } catch (cause) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    const text = cause instanceof Error ? cause.message : String(cause);
    return err(
      PipeError.from(`The database could not be opened: ${text}`, ShardErrorCodes.repositoryFailure, {
        cause,
        metadata: { stage: "sql.open" },
      }),
    );
  }
  return ok(postgresExecutor(sql, sql));
}

/** A `postgres` pool configured from `options` (connects lazily, on the first statement). @internal */
export function connectPostgres(options: PostgresExecutorOptions): postgres.Sql {
  return postgres(options.url, {
    max: options.maxConnections ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => undefined,
  });
}

/** A {@link SqlExecutor} over the pool `root` or one of its transactions (`sql`); `close()` ends the pool. @internal */
export function postgresExecutor(
  sql: postgres.Sql | postgres.TransactionSql,
  root: postgres.Sql,
): SqlExecutor {
  return {
    kind: "postgres",
    async query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
      return (await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      })) as unknown as R[];
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (sql !== root) return fn(this);
      return root.begin((tx) => fn(postgresExecutor(tx, root))) as Promise<T>;
    },
    async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
      const subscription = await root.listen(channel, onNotify, onNotify);
      return () => subscription.unlisten();
    },
    close: () => root.end({ timeout: 5 }),
  };
}
