import { PGlite, type Transaction } from "@electric-sql/pglite";
import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import {
  type DataDirectoryLock,
  type DataDirectoryLockOptions,
  pgliteFileSystemDir,
} from "../internal/data-dir-lock-contract.ts";
import { acquireDataDirectoryLock } from "./data-directory-lock.ts";
import type { SqlExecutor } from "./sql-executor.ts";

/**
 * Options of {@link openPGliteExecutor}.
 *
 * @example
 * ```ts
 * import type { PGliteExecutorOptions } from "@pipe/shards/pglite";
 * const options: PGliteExecutorOptions = { dataDir: "./.data/outbox", lock: { staleMs: 5_000 } };
 * console.log(options.dataDir);
 * ```
 */
export interface PGliteExecutorOptions {
  /**
   * Where the database lives: a file-system directory (Node, Deno, Bun; `file://` accepted), `idb://name` in
   * browsers, or `memory://` (the default: nothing persisted).
   */
  readonly dataDir?: string | undefined;
  /** Timing and abort of the lock taken on a file-system `dataDir` (see `acquireDataDirectoryLock`). */
  readonly lock?: DataDirectoryLockOptions | undefined;
}

/**
 * Opens PGlite as a {@link SqlExecutor}, locking a file-system data directory first so that a second process
 * never opens it too (each would see only its own writes).
 *
 * When to use: an embedded store of your own next to (or instead of) the shard stores; the reference apps' outbox
 * stores use it, and `openPostgresExecutor` (`@pipe/shards/postgres`) when a server is configured.
 *
 * Details: the lock is `acquireDataDirectoryLock`'s; `close()` closes PGlite, then releases it. Once the lock is
 * lost (taken over after the holder stalled for `staleMs`), every statement rejects with the lock's `lost`
 * error instead of writing. `memory://` and `idb://` need no lock.
 *
 * Error codes: `shards.control.repository.locked` (another live process holds the directory; metadata `directory`
 * and `holder`), `shards.control.repository.failure` (the lock could not be written, or PGlite failed to start;
 * the message carries the engine's text), `error.canceled` (`lock.signal` aborted the wait).
 *
 * Abort: `lock.signal` ends the wait for a stale lock; an open executor is unaffected.
 *
 * @example
 * ```ts
 * import { openPGliteExecutor } from "@pipe/shards/pglite";
 * const db = (await openPGliteExecutor({ dataDir: "./.data/example-executor" })).unwrap();
 * const again = await openPGliteExecutor({ dataDir: "./.data/example-executor" });
 * console.log(again.isErr && again.error.code); // "shards.control.repository.locked"
 * console.log(await db.query<{ one: number }>("SELECT 1 AS one")); // [ { one: 1 } ]
 * await db.close();
 * ```
 */
export async function openPGliteExecutor(options: PGliteExecutorOptions = {}): Promise<Result<SqlExecutor>> {
  const opened = await openPglite(options.dataDir, options.lock, (cause) => {
    const text = cause instanceof Error ? cause.message : String(cause);
    return PipeError.from(`The database could not be opened: ${text}`, ShardErrorCodes.repositoryFailure, {
      cause,
      metadata: { stage: "sql.open" },
    });
  });
  return opened.isErr ? err(opened.error) : ok(opened.value.exec);
}

/**
 * Locks a file-system `dataDir`, then starts PGlite on it; `wrap` turns an engine failure into the caller's
 * error. The lock is released when the engine fails to start. @internal
 */
export async function openPglite(
  dataDir: string | undefined,
  lockOptions: DataDirectoryLockOptions | undefined,
  wrap: (cause: unknown) => PipeError,
): Promise<Result<{ readonly db: PGlite; readonly exec: SqlExecutor }>> {
  const dir = pgliteFileSystemDir(dataDir);
  let lock: DataDirectoryLock | undefined;
  if (dir !== undefined) {
    const locked = await acquireDataDirectoryLock(dir, lockOptions);
    if (locked.isErr) return err(locked.error);
    lock = locked.value;
  }
  try {
    const db = await PGlite.create(dataDir ?? "memory://");
    return ok({ db, exec: pgliteExecutor(db, db, lock) });
  } catch (e) {
    await lock?.release();
    return err(wrap(e));
  }
}

/**
 * A {@link SqlExecutor} over a PGlite instance or one of its transactions; `close()` closes `owned` (when given)
 * and releases `lock`. @internal
 */
export function pgliteExecutor(
  db: PGlite | Transaction,
  owned: PGlite | undefined,
  lock: DataDirectoryLock | undefined,
): SqlExecutor {
  return {
    kind: "pglite",
    async query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
      if (lock?.lost !== undefined) throw lock.lost;
      return (await db.query<R>(text, params as unknown[] | undefined)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (!("transaction" in db)) return fn(this);
      if (lock?.lost !== undefined) return Promise.reject(lock.lost);
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
