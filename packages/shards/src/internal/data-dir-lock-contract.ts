import { PipeError } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";

/**
 * Timing of a data-directory lock (see `acquireDataDirectoryLock`).
 *
 * Details: the holder refreshes the lock every `heartbeatMs`. A second opener that sees the lock refreshed fails
 * at once (within about one heartbeat); one that sees it unchanged for `staleMs` judges the holder dead and
 * takes the lock over, so a restart after a crash waits `staleMs`.
 *
 * Gotchas: a holder whose event loop stays blocked longer than `staleMs` can lose its lock to a new opener; it
 * then refuses further statements (the lock's `lost` is set).
 *
 * @example
 * ```ts
 * import type { DataDirectoryLockOptions } from "@pipe/shards/pglite";
 * const fast: DataDirectoryLockOptions = { staleMs: 2_000, heartbeatMs: 1_000 };
 * console.log(fast.staleMs); // 2000
 * ```
 */
export interface DataDirectoryLockOptions {
  /** How long an unrefreshed lock is honoured, in ms (integer >= 2000; default 10000). */
  readonly staleMs?: number | undefined;
  /** How often the holder refreshes its lock, in ms (integer from 1000 to `staleMs / 2`; default 1000). */
  readonly heartbeatMs?: number | undefined;
  /** Aborts the wait for a stale lock (the result is then `error.canceled`). */
  readonly signal?: AbortSignal | undefined;
  /** Called once when the lock is lost while held (taken over after a stale period, or removed). */
  readonly onLost?: ((error: PipeError) => void) | undefined;
}

/**
 * Who holds a data-directory lock, as recorded next to it by the holder.
 *
 * @example
 * ```ts
 * import type { DataDirectoryLockHolder } from "@pipe/shards/pglite";
 * const h: DataDirectoryLockHolder = { pid: 42, hostname: "db-1", startedAt: "2026-01-01T00:00:00.000Z", acquiredAt: "2026-01-01T00:00:01.000Z" };
 * console.log(h.pid); // 42
 * ```
 */
export interface DataDirectoryLockHolder {
  /** The holder's process id (informative only: ownership is decided by the heartbeat, never by pid). */
  readonly pid: number;
  /** The holder's host name. */
  readonly hostname: string;
  /** When the holder process started (ISO 8601). */
  readonly startedAt: string;
  /** When the holder took the lock (ISO 8601). */
  readonly acquiredAt: string;
}

/**
 * An exclusive, held lock on a data directory.
 *
 * @example
 * ```ts
 * import { acquireDataDirectoryLock } from "@pipe/shards/pglite";
 * const lock = (await acquireDataDirectoryLock("./.data/example")).unwrap();
 * console.log(lock.holder.pid > 0); // true
 * await lock.release();
 * ```
 */
export interface DataDirectoryLock {
  /** The absolute directory path the lock guards. */
  readonly directory: string;
  /** This process, as recorded for other openers. */
  readonly holder: DataDirectoryLockHolder;
  /** Set when the lock was lost while held: the directory may now belong to another process. */
  readonly lost: PipeError | undefined;
  /** Stops the heartbeat and removes the lock. Idempotent. */
  release(): Promise<void>;
}

/** Name of the lock directory inside the data directory. @internal */
export const LOCK_NAME = ".pipe.lock";
/** Name of the holder record inside the data directory. @internal */
export const HOLDER_NAME = ".pipe.lock.json";

/** Default and validated timing. @internal */
export function lockTiming(options: DataDirectoryLockOptions): { staleMs: number; heartbeatMs: number } {
  const staleMs = options.staleMs ?? 10_000;
  if (!Number.isSafeInteger(staleMs) || staleMs < 2_000) {
    throw new RangeError(`staleMs must be an integer >= 2000 (got ${String(options.staleMs)}).`);
  }
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  if (!Number.isSafeInteger(heartbeatMs) || heartbeatMs < 1_000 || heartbeatMs > staleMs / 2) {
    throw new RangeError(
      `heartbeatMs must be an integer from 1000 to staleMs / 2 = ${staleMs / 2} (got ${String(options.heartbeatMs)}).`,
    );
  }
  return { staleMs, heartbeatMs };
}

/** Parses a holder record; undefined when it is missing or not one. @internal */
export function parseHolder(text: string | undefined): DataDirectoryLockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Record<keyof DataDirectoryLockHolder, unknown>>;
    if (
      typeof v.pid === "number" &&
      typeof v.hostname === "string" &&
      typeof v.startedAt === "string" &&
      typeof v.acquiredAt === "string"
    ) {
      return { pid: v.pid, hostname: v.hostname, startedAt: v.startedAt, acquiredAt: v.acquiredAt };
    }
  } catch {
    // An unreadable record only means the holder is unknown.
  }
  return undefined;
}

/** `shards.control.repository.locked` naming the directory and the holder. @internal */
export function lockedError(directory: string, holder: DataDirectoryLockHolder | undefined): PipeError {
  const who =
    holder === undefined
      ? "an unknown holder (no readable holder record)"
      : `pid ${holder.pid} on host ${holder.hostname}, process started ${holder.startedAt}, lock taken ${holder.acquiredAt}`;
  return PipeError.from(
    `Data directory "${directory}" is locked by another live process: ${who}. Stop that process or use another data directory.`,
    ShardErrorCodes.repositoryLocked,
    { metadata: { directory, holder: holder ?? null } },
  );
}

/** The error a store reports after its lock was lost. @internal */
export function lostError(directory: string, cause: unknown): PipeError {
  return PipeError.from(
    `Lost the lock on data directory "${directory}": another process may now own it; this store refuses further statements.`,
    ShardErrorCodes.repositoryFailure,
    { cause, metadata: { directory, stage: "shards.repository.lock" } },
  );
}

/**
 * The file-system directory a PGlite `dataDir` names, or undefined when it is not on the file system
 * (`memory://`, `idb://`, `opfs-ahp://`, any other `scheme://`, or none: in-memory), as PGlite reads it. @internal
 */
export function pgliteFileSystemDir(dataDir: string | undefined): string | undefined {
  if (dataDir === undefined || dataDir === "") return undefined;
  if (dataDir.startsWith("file://")) return dataDir.slice("file://".length) || undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir) ? undefined : dataDir;
}
