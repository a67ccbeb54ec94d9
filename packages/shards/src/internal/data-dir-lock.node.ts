/// <reference types="node" />
/**
 * The data-directory lock on runtimes with `node:fs` (Node, Deno, Bun): selected by the `#data-dir-lock`
 * import condition, so the shared modules never import `node:*`.
 *
 * The lock is `proper-lockfile`'s: an atomic `mkdir` of `<dir>/.pipe.lock` whose mtime the holder refreshes
 * every heartbeat, reported as compromised when removed or taken over, and removed when the process exits. A
 * waiter that sees the mtime change fails at once (a live holder); one that sees it unchanged for the stale
 * period removes it and takes over, so a crashed holder never blocks a restart and a reused process id cannot
 * keep a dead holder's lock alive. The holder record (`<dir>/.pipe.lock.json`) only names the holder in errors.
 */
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { pid } from "node:process";
import { err, ok, PipeError, type Result } from "@pipe/result";
import {
  type DataDirectoryLock,
  type DataDirectoryLockHolder,
  type DataDirectoryLockOptions,
  HOLDER_NAME,
  LOCK_NAME,
  lockedError,
  lockTiming,
  lostError,
  parseHolder,
} from "./data-dir-lock-contract.ts";
import { repositoryFailure } from "./store-common.ts";

/**
 * `proper-lockfile`, loaded on first use: it installs process exit and signal hooks when it loads, which a
 * process that never locks a directory should not get.
 */
let lockfileModule: Promise<typeof import("proper-lockfile")> | undefined;

/** `proper-lockfile`'s stale period: a century, so only the observation below decides staleness. */
const NEVER_STALE = 100 * 365 * 24 * 3_600_000;

/** Directories this process holds, so a second opener in the same process fails without waiting. */
const held = new Set<string>();

async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function readHolder(path: string): Promise<DataDirectoryLockHolder | undefined> {
  return parseHolder(await readFile(path, "utf8").catch(() => undefined));
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      done();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

class HeldLock implements DataDirectoryLock {
  lost: PipeError | undefined;
  #released = false;

  constructor(
    readonly directory: string,
    readonly holder: DataDirectoryLockHolder,
    private readonly unlock: () => Promise<void>,
  ) {}

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.directory);
    if (this.lost !== undefined) return; // The directory may be someone else's now: touch nothing.
    await rm(join(this.directory, HOLDER_NAME), { force: true }).catch(() => undefined);
    await this.unlock().catch(() => undefined);
  }
}

/** Takes the exclusive lock on `directory` (created when missing). @internal */
export async function acquire(
  directory: string,
  options: DataDirectoryLockOptions = {},
): Promise<Result<DataDirectoryLock>> {
  const { staleMs, heartbeatMs } = lockTiming(options);
  const dir = resolve(directory);
  const lockPath = join(dir, LOCK_NAME);
  const holderPath = join(dir, HOLDER_NAME);
  const signal = options.signal;
  const poll = Math.min(250, heartbeatMs / 4);
  // The waiter judges staleness by what it observes, not by comparing the lock's mtime with its clock: a holder
  // whose event loop was busy (an engine starting) refreshes late but soon, and is still alive. A lock seen
  // refreshed belongs to a live process; one left unchanged for `staleMs` belongs to a dead one.
  let seen: { mtime: number; since: number } | undefined;
  // Bounds the loop even against a lock that keeps appearing and vanishing.
  const deadline = Date.now() + 2 * staleMs + 4 * heartbeatMs;
  let lock: HeldLock | undefined;
  const onCompromised = (cause: unknown): void => {
    if (lock === undefined || lock.lost !== undefined) return;
    lock.lost = lostError(dir, cause);
    held.delete(dir);
    options.onLost?.(lock.lost);
  };
  for (;;) {
    if (signal?.aborted) return err(PipeError.canceled("Data directory lock canceled.", signal.reason));
    if (held.has(dir) || Date.now() > deadline) return err(lockedError(dir, await readHolder(holderPath)));
    let unlock: () => Promise<void>;
    try {
      await mkdir(dir, { recursive: true });
      lockfileModule ??= import("proper-lockfile");
      const loaded = await lockfileModule;
      // A CommonJS package: its exports object is the default export on every runtime.
      const lockfile = (loaded as { default?: typeof loaded }).default ?? loaded;
      unlock = await lockfile.lock(dir, {
        lockfilePath: lockPath,
        realpath: false,
        // Never judged stale by `proper-lockfile` itself (see above); it still refreshes every heartbeat and
        // reports a lock removed or taken over as compromised.
        stale: NEVER_STALE,
        update: heartbeatMs,
        retries: 0,
        onCompromised,
      });
    } catch (e) {
      if ((e as { code?: unknown }).code !== "ELOCKED")
        return err(repositoryFailure(e, "shards.repository.lock"));
      const mtime = await mtimeOf(lockPath);
      if (mtime === undefined) continue; // Released meanwhile: try again at once.
      const now = Date.now();
      if (seen === undefined) seen = { mtime, since: now };
      else if (mtime !== seen.mtime) return err(lockedError(dir, await readHolder(holderPath)));
      else if (now - seen.since >= staleMs) {
        // Unchanged for the whole stale period: the holder is dead. Remove its lock unless it moved meanwhile.
        if ((await mtimeOf(lockPath)) === seen.mtime) await rmdir(lockPath).catch(() => undefined);
        seen = undefined;
        continue;
      }
      await pause(poll, signal);
      continue;
    }
    const now = Date.now();
    const holder: DataDirectoryLockHolder = {
      pid,
      hostname: hostname(),
      startedAt: new Date(performance.timeOrigin).toISOString(),
      acquiredAt: new Date(now).toISOString(),
    };
    lock = new HeldLock(dir, holder, unlock);
    held.add(dir);
    try {
      const temp = `${holderPath}.${pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(holder)}\n`);
      await rename(temp, holderPath);
    } catch (e) {
      await lock.release();
      return err(repositoryFailure(e, "shards.repository.lock"));
    }
    return ok(lock);
  }
}
