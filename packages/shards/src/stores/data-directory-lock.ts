import type { Result } from "@pipe/result";
import { acquire } from "#data-dir-lock";
import type { DataDirectoryLock, DataDirectoryLockOptions } from "../internal/data-dir-lock-contract.ts";

export type {
  DataDirectoryLock,
  DataDirectoryLockHolder,
  DataDirectoryLockOptions,
} from "../internal/data-dir-lock-contract.ts";

/**
 * Takes the exclusive lock an embedded store holds on its data directory, so two processes never open one
 * directory (each would see only its own writes, and one side's acknowledged writes would vanish).
 *
 * When to use: `PGliteShardRepository.open` takes it for every file-system `dataDir`; call it yourself before
 * opening another embedded engine on a directory (the reference apps do for their PGlite stores).
 *
 * Details: the lock is a directory `<dir>/.pipe.lock` created atomically and refreshed by the holder every
 * `heartbeatMs` (the maintained `proper-lockfile` package); `<dir>/.pipe.lock.json` records the holder's pid,
 * host and start time for error messages. Ownership is judged only by the heartbeat, as this caller observes
 * it: a lock seen refreshed belongs to a live process and the call fails at once (within about one heartbeat);
 * a lock seen unchanged for `staleMs` (a holder killed with SIGKILL, a dead host, a reused pid) is taken over. Held locks are removed on `release()` and when the
 * process exits. The directory is created when missing. Runs on Node, Deno and Bun (the `#data-dir-lock`
 * import condition picks the `node:fs` adapter; other runtimes get one that refuses).
 *
 * Error codes: `shards.control.repository.locked` (held by another live process; metadata `directory` and
 * `holder`), `shards.control.repository.failure` (the lock could not be written, or no file system),
 * `error.canceled` (the signal aborted the wait).
 *
 * Abort: the signal ends the wait for a stale lock; a held lock is unaffected.
 *
 * Gotchas: a restart after a crash waits `staleMs` (default 10 s) before taking the old lock over.
 * Timing values out of range throw a `RangeError`. A holder whose event loop is blocked longer than `staleMs`
 * can be taken over; it then sees `lost` set and `onLost` called.
 *
 * @example
 * ```ts
 * import { acquireDataDirectoryLock } from "@pipe/shards/pglite";
 * const first = (await acquireDataDirectoryLock("./.data/example")).unwrap();
 * const second = await acquireDataDirectoryLock("./.data/example");
 * console.log(second.isErr && second.error.code); // "shards.control.repository.locked"
 * await first.release();
 * ```
 */
export function acquireDataDirectoryLock(
  directory: string,
  options?: DataDirectoryLockOptions,
): Promise<Result<DataDirectoryLock>> {
  return acquire(directory, options);
}
