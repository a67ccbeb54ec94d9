/**
 * The exclusive data-directory lock of the embedded store: a second opener fails at start naming the directory
 * and the holder; a holder killed with SIGKILL does not block a restart; a lock record whose pid is alive but
 * is not the holder (a reused pid) is judged by its heartbeat, never by the pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ShardErrorCodes } from "../src/index.ts";
import { pgliteFileSystemDir } from "../src/internal/data-dir-lock-contract.ts";
import { acquireDataDirectoryLock, PGliteShardRepository } from "../src/pglite/index.ts";

const root = mkdtempSync(join(tmpdir(), "pipe-lock-"));
let n = 0;
const freshDir = (): string => join(root, `d${n++}`);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** Starts a child that opens the store on `dir` and resolves once it has written (it then idles). */
function holdInChild(dir: string, staleMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=@pipe/source", "--import", "tsx", "test/fixtures/hold-pglite.ts", dir, String(staleMs)],
    { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let errText = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.stderr?.on("data", (d: Buffer) => {
      errText += d.toString();
    });
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${errText}`)));
  });
}

/** Polls `open` until it succeeds or `deadlineMs` passes; returns the repository and the attempts made. */
async function openWithin(dir: string, deadlineMs: number, staleMs: number) {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    const r = await PGliteShardRepository.open({ dataDir: dir, lock: { staleMs, heartbeatMs: 1_000 } });
    if (r.isOk || Date.now() > until) return { result: r, attempt };
  }
}

describe("PGlite data-directory lock", () => {
  it("refuses a second opener in the same process, naming the directory and holder, until the first closes", async () => {
    const dir = freshDir();
    const first = (await PGliteShardRepository.open({ dataDir: dir })).unwrap();
    (
      await first.upsert({ namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a" })
    ).unwrap();

    const second = await PGliteShardRepository.open({ dataDir: dir });
    expect(second.isErr).toBe(true);
    const e = second.isErr ? second.error : undefined;
    expect(e?.code).toBe(ShardErrorCodes.repositoryLocked);
    expect(e?.message).toContain(dir);
    expect(e?.message).toContain(`pid ${process.pid}`);
    expect(e?.message).toContain(hostname());
    expect(e?.metadata).toMatchObject({ directory: dir, holder: { pid: process.pid, hostname: hostname() } });

    await first.close();
    const again = (await PGliteShardRepository.open({ dataDir: dir })).unwrap();
    expect((await again.get({ namespace: "ns", shardId: "s1" })).unwrap()?.ownerNodeId).toBe("a");
    await again.close();
  });

  it("refuses a second process while the holder is alive, and takes over once it is killed with SIGKILL", async () => {
    const dir = freshDir();
    // A generous stale period while the holder lives (its first heartbeat can be late while its engine starts
    // on a busy machine; a heartbeat seen refuses at once), a short one once it is dead (a quick takeover).
    const child = await holdInChild(dir, 10_000);

    const refused = await PGliteShardRepository.open({ dataDir: dir, lock: { staleMs: 60_000 } });
    expect(refused.isErr && refused.error.code).toBe(ShardErrorCodes.repositoryLocked);
    expect(refused.isErr && refused.error.message).toContain(`pid ${child.pid}`);

    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const { result } = await openWithin(dir, 30_000, 2_000);
    const repo = result.unwrap();
    expect((await repo.get({ namespace: "ns", shardId: "held" })).unwrap()?.ownerNodeId).toBe("a");
    await repo.close();
  });

  it("refuses statements once its lock is lost, and reports it once", async () => {
    const dir = freshDir();
    const lost: string[] = [];
    const repo = (
      await PGliteShardRepository.open({ dataDir: dir, lock: { onLost: (e) => lost.push(e.message) } })
    ).unwrap();
    rmSync(join(dir, ".pipe.lock"), { recursive: true });
    const until = Date.now() + 30_000;
    while (lost.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(lost).toHaveLength(1);
    const r = await repo.get({ namespace: "ns", shardId: "s1" });
    expect(r.isErr && r.error.code).toBe(ShardErrorCodes.repositoryFailure);
    expect(r.isErr && r.error.message).toContain("Lost the lock");
    await repo.close();
  });

  it("judges a lock whose recorded pid is alive but not refreshing (a reused pid) as stale", async () => {
    for (const pid of [process.pid, 1]) {
      const dir = freshDir();
      mkdirSync(join(dir, ".pipe.lock"), { recursive: true });
      const t = new Date().toISOString();
      writeFileSync(
        join(dir, ".pipe.lock.json"),
        JSON.stringify({ pid, hostname: hostname(), startedAt: t, acquiredAt: t }),
      );
      // Fresh mtime: nobody refreshes it, so it must turn stale and be taken over (no wait on the pid).
      const started = Date.now();
      const lock = (await acquireDataDirectoryLock(dir, { staleMs: 2_000, heartbeatMs: 1_000 })).unwrap();
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(lock.holder.pid).toBe(process.pid);
      await lock.release();
    }
    // An old lock is taken over once seen unchanged for the stale period.
    const dir = freshDir();
    mkdirSync(join(dir, ".pipe.lock"), { recursive: true });
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, ".pipe.lock"), old, old);
    const lock = (await acquireDataDirectoryLock(dir, { staleMs: 2_000, heartbeatMs: 1_000 })).unwrap();
    await lock.release();
  });

  it("needs no lock for in-memory stores, and rejects out-of-range timing", async () => {
    expect([undefined, "", "memory://", "idb://x", "opfs-ahp://x"].map(pgliteFileSystemDir)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(pgliteFileSystemDir("file:///var/db")).toBe("/var/db");
    expect(pgliteFileSystemDir("./data")).toBe("./data");
    const a = (await PGliteShardRepository.open({ dataDir: "memory://" })).unwrap();
    await a.close();
    await expect(acquireDataDirectoryLock(freshDir(), { staleMs: 500 })).rejects.toThrow(RangeError);
    await expect(
      acquireDataDirectoryLock(freshDir(), { staleMs: 4_000, heartbeatMs: 3_000 }),
    ).rejects.toThrow(RangeError);
  });

  it("releases on close so the directory can be reopened many times, and a canceled wait returns error.canceled", async () => {
    const dir = freshDir();
    for (let i = 0; i < 3; i++) await (await acquireDataDirectoryLock(dir)).unwrap().release();
    const held = (await acquireDataDirectoryLock(dir)).unwrap();
    const signal = AbortSignal.abort(new Error("stop"));
    const r = await acquireDataDirectoryLock(`${dir}/../${dir.split("/").pop()}`, { signal });
    expect(r.isErr && r.error.code).toBe("error.canceled");
    await held.release();
  });
});
