import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
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

function pgliteExecutor(db: PGlite | Transaction, owned: PGlite | undefined): SqlExecutor {
  return {
    kind: "pglite",
    async query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
      return (await db.query<R>(text, params as unknown[] | undefined)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (!("transaction" in db)) return fn(this);
      return db.transaction((tx) => fn(pgliteExecutor(tx, undefined)));
    },
    close: async () => {
      if (owned !== undefined && !owned.closed) await owned.close();
    },
  };
}

/** Opens PGlite on a data directory (or `memory://`). @internal */
export async function openPglite(dataDir: string): Promise<SqlExecutor> {
  if (!dataDir.includes("://")) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return pgliteExecutor(db, db);
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
