/**
 * A connection to PostgreSQL or PGlite reduced to the few operations a store needs, so one SQL text runs on
 * both: parameterised statements, a transaction, LISTEN, close.
 *
 * When to use: write a store of your own (an outbox, a ledger) that runs on the embedded PGlite and on a
 * PostgreSQL server; open one with `openPGliteExecutor` (`@pipe/shards/pglite`) or `openPostgresExecutor`
 * (`@pipe/shards/postgres`). The shard stores are built on it.
 *
 * Details: statements use `$1, $2, ...` placeholders and are prepared on PostgreSQL. `transaction` runs at the
 * server's default isolation (READ COMMITTED); inside it, `tx.transaction(fn)` runs `fn` in the same
 * transaction. A driver error rejects the promise with the driver's error (it may carry SQL text and values:
 * keep it in server logs).
 *
 * Gotchas: PGlite runs one statement at a time; its `listen` is absent, so tail changes by polling or through
 * an in-process notifier there.
 *
 * @example
 * ```ts
 * import { openPGliteExecutor, type SqlExecutor } from "@pipe/shards/pglite";
 * const db: SqlExecutor = (await openPGliteExecutor({ dataDir: "memory://" })).unwrap();
 * await db.transaction(async (tx) => {
 *   await tx.query("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
 *   await tx.query("INSERT INTO notes VALUES ($1, $2)", [1, "hello"]);
 * });
 * console.log(await db.query<{ body: string }>("SELECT body FROM notes WHERE id = $1", [1])); // [ { body: 'hello' } ]
 * await db.close();
 * ```
 */
export interface SqlExecutor {
  /** Which engine answers: `"pglite"` (embedded) or `"postgres"` (a server, through the `postgres` driver). */
  readonly kind: "pglite" | "postgres";
  /** Runs one parameterised statement (`$1`, `$2`, ...) and returns its rows. */
  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the throw is passed on). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel` (PostgreSQL only): `onNotify` runs for each notification and again after
   * the driver reconnects (a notification may have been missed). Returns the unsubscribe function.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Closes the connection(s), and releases a PGlite data directory's lock; statements after it fail. */
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name and returns it double-quoted, ready to be put into SQL text (`${quoted}.table`).
 *
 * Details: accepts lowercase SQL identifiers of at most 63 characters (`[a-z_][a-z0-9_]*`), which need no
 * escaping and keep their case.
 *
 * Gotchas: a schema name is configuration, not request data: anything else is a programming error and throws a
 * `RangeError` naming the value.
 *
 * @example
 * ```ts
 * import { quoteSqlSchema } from "@pipe/shards/postgres";
 * console.log(`SELECT * FROM ${quoteSqlSchema("ingest")}.outbox`); // SELECT * FROM "ingest".outbox
 * ```
 */
export function quoteSqlSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new RangeError(
      `Invalid schema name "${schema}": use a lowercase SQL identifier ([a-z_][a-z0-9_]*).`,
    );
  }
  return `"${schema}"`;
}
