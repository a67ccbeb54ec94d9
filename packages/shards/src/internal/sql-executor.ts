/**
 * The few operations the SQL repository needs from a driver; PGlite and `postgres` adapters implement it so
 * both stores run the same SQL. @internal
 */
export interface SqlExecutor {
  /** Runs one parameterised statement and returns its rows. */
  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]>;
  /** Runs `fn` in one transaction (READ COMMITTED); a throw rolls back. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel` (PostgreSQL only); `onNotify` runs for each notification and after a
   * reconnect. Returns the unsubscribe function.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Whether mutations should `pg_notify` other processes. */
  readonly notifies: boolean;
  close(): Promise<void>;
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
