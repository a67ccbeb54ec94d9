import { PGlite, type Transaction } from "@electric-sql/pglite";
import { acquireDataDirectoryLock, type DataDirectoryLock } from "@pipe/shards/pglite";
import postgres from "postgres";

/** The few operations the store needs from a driver; PGlite and `postgres` both implement it. @internal */
export interface SqlExecutor {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]>;
  /** Runs `fn` in one transaction; a throw rolls back. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Closes the connection(s). */
  close(): Promise<void>;
  /** "pglite" or "postgres". */
  readonly kind: "pglite" | "postgres";
}

function pgliteExecutor(
  db: PGlite | Transaction,
  owned: PGlite | undefined,
  lock?: DataDirectoryLock,
): SqlExecutor {
  return {
    kind: "pglite",
    async query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
      if (lock?.lost !== undefined) throw new Error(lock.lost.message, { cause: lock.lost });
      return (await db.query<R>(text, params as unknown[] | undefined)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (!("transaction" in db)) return fn(this);
      if (lock?.lost !== undefined) return Promise.reject(new Error(lock.lost.message, { cause: lock.lost }));
      return db.transaction((tx) => fn(pgliteExecutor(tx, undefined, lock)));
    },
    close: async () => {
      try {
        if (owned !== undefined && !owned.closed) await owned.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/**
 * Opens PGlite on a data directory (or `memory://`). A file-system directory is locked first, so a second
 * process on it fails here (the error names the directory and the holder); closing releases the lock.
 * @internal
 */
export async function openPglite(dataDir: string): Promise<SqlExecutor> {
  const dir = dataDir.startsWith("file://") ? dataDir.slice("file://".length) : dataDir;
  let lock: DataDirectoryLock | undefined;
  if (dir !== "" && !dir.includes("://")) {
    const locked = await acquireDataDirectoryLock(dir);
    if (locked.isErr) throw new Error(locked.error.message, { cause: locked.error });
    lock = locked.value;
  }
  try {
    const db = await PGlite.create(dataDir);
    return pgliteExecutor(db, db, lock);
  } catch (e) {
    await lock?.release();
    throw e;
  }
}

type Sql = postgres.Sql;
type TxSql = postgres.TransactionSql;

function postgresExecutor(sql: Sql | TxSql, root: Sql): SqlExecutor {
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
    close: () => root.end({ timeout: 5 }),
  };
}

/** Connects to PostgreSQL (a pool of `max` connections); throws when the server does not answer. @internal */
export async function openPostgres(url: string, max: number): Promise<SqlExecutor> {
  const sql = postgres(url, { max, connect_timeout: 5, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw e;
  }
  return postgresExecutor(sql, sql);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name (lowercase identifier) and returns it quoted. @internal */
export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new RangeError(
      `Invalid schema name "${schema}": use a lowercase SQL identifier ([a-z_][a-z0-9_]*).`,
    );
  }
  return `"${schema}"`;
}
