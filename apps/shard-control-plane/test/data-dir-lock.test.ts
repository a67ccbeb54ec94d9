/**
 * Two server processes on one PGlite data directory: the second exits non-zero at start, naming the directory
 * and the first process; after the first stops gracefully (SIGTERM), the directory opens again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "scp-lock-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

interface Server {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process ends. */
  readonly exited: Promise<number | null>;
  /** Resolves with the output so far once the banner is printed (rejects if the process ends first). */
  readonly listening: Promise<string>;
  output(): string;
}

/** Starts the Node server from source on `dataDir` (PGlite, any free port). */
function startServer(dataDir: string): Server {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@pipe/source",
      "--import",
      "tsx",
      "src/node.ts",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--quiet",
    ],
    { cwd: appDir, env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes("listening at")) resolve(out);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited ${code} before listening:\n${out}`)));
  });
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => out };
}

describe("one PGlite data directory, two server processes", () => {
  it("refuses the second at start with the directory and holder, and reopens after a graceful stop", async () => {
    const dataDir = join(root, "shards");
    const first = startServer(dataDir);
    await first.listening;

    const second = startServer(dataDir);
    // Without the lock the second server starts and listens: fail at once instead of waiting for a timeout.
    const outcome = await Promise.race([
      second.exited.then((code) => ({ code })),
      second.listening.then(
        () => "listening" as const,
        () => "ended before listening" as const,
      ),
    ]);
    expect(outcome).not.toBe("listening");
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`Data directory "${dataDir}" is locked by another live process`);
    expect(second.output()).toContain(`pid ${first.child.pid}`);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const third = startServer(dataDir);
    await third.listening;
    expect(third.output()).toContain(`PGlite at ${dataDir}`);
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  });
});
