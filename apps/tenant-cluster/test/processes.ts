import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DATABASE_URL, REDIS_URL, until } from "./helpers.ts";

const MAIN: string = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** A runner started as a real child process of the built app. */
export interface RunnerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;
}

/** Starts `node dist/main.js run` and waits for its `ready` line. */
export async function startRunner(
  id: string,
  args: readonly string[],
  readyWithinMs = 60_000,
): Promise<RunnerProcess> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: build the app first (turbo runs build before test).`);
  const child = spawn(process.execPath, [MAIN, "run", "--runner-id", id, ...args], {
    env: { ...process.env, DATABASE_URL, REDIS_URL },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffer = "";
  const take = (chunk: Buffer): void => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
    if (lines.length > 5_000) lines.splice(0, lines.length - 5_000);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const proc: RunnerProcess = {
    id,
    child,
    lines,
    exitCode: undefined,
    exited: new Promise((resolve) =>
      child.once("exit", (code) => {
        proc.exitCode = code;
        resolve(code);
      }),
    ),
  };
  await until(
    () => {
      if (proc.exitCode !== undefined) throw new Error(`runner ${id} exited early:\n${lines.join("\n")}`);
      return lines.some((l) => l.startsWith("ready "));
    },
    readyWithinMs,
    `runner ${id} to be ready`,
  );
  return proc;
}

/** Sends a signal and (for SIGKILL/SIGTERM) waits for the exit, bounded. */
export async function signal(p: RunnerProcess, sig: NodeJS.Signals, exitWithinMs = 30_000): Promise<void> {
  p.child.kill(sig);
  if (sig === "SIGKILL" || sig === "SIGTERM")
    await until(() => p.exitCode !== undefined, exitWithinMs, `runner ${p.id} to exit on ${sig}`);
}

/** Kills whatever is still running (test teardown). */
export function killAll(ps: readonly RunnerProcess[]): void {
  for (const p of ps) {
    if (p.exitCode !== undefined) continue;
    p.child.kill("SIGCONT");
    p.child.kill("SIGKILL");
  }
}
