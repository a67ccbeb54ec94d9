import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { type ControlPlane, openControlPlane } from "../src/app.ts";
import type { ServerConfig } from "../src/config.ts";

export const OPERATOR = "test-operator-token-0123456789";
export const READER = "test-reader-token-0123456789";

export function config(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    databaseUrl: undefined,
    schema: "public",
    operatorToken: OPERATOR,
    readToken: READER,
    seed: true,
    heartbeatMs: 15_000,
    historyRetention: 1_000_000,
    quiet: true,
    ...extra,
  };
}

export const open = (extra: Partial<ServerConfig> = {}): Promise<ControlPlane> =>
  openControlPlane(config(extra));

/** Polls `condition` until it holds, failing with `what` after `timeoutMs` (no fixed sleeps). */
export async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM (once) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * The directory of an installed npm package, wherever the package manager put it (the app's own node_modules,
 * or a workspace root's when the app is one workspace among others).
 */
const packageDir = (name: string): string =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/**
 * `--conditions=@pipe/source` in the monorepo, where the @pipe packages are links to their sources; none in a
 * copied app, whose @pipe packages are installed (their built files, as the app's users run them).
 */
const source: readonly string[] = packageDir("@pipe/result").includes(`${sep}node_modules${sep}`)
  ? []
  : ["--conditions=@pipe/source"];

/** How to run a bootstrap from source on each runtime (Deno and Bun read the `@pipe/source` condition too). */
export const RUNTIMES = {
  node: [process.execPath, ...source, "--import", "tsx", "src/node.ts"],
  deno: [`${packageDir("deno")}/deno`, "run", "--allow-all", "--no-lock", ...source, "src/deno.ts"],
  bun: [`${packageDir("bun")}/bin/bun.exe`, ...source, "src/bun.ts"],
} as const;

/** Starts a bootstrap (default `src/node.ts`) as a real process and waits for its banner. */
export function startServerProcess(
  port: number,
  dataDir: string,
  runtime: keyof typeof RUNTIMES = "node",
): Promise<ServerProcess> {
  const [command, ...args] = RUNTIMES[runtime];
  const child = spawn(
    command,
    [
      ...args,
      ...["--port", String(port), "--data-dir", dataDir, "--quiet"],
      ...["--operator-token", OPERATOR, "--read-token", READER],
    ],
    // PGlite in `dataDir` always: a DATABASE_URL in the environment (CI sets one) must not point it at a shared
    // PostgreSQL database that other tests write to.
    {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: "", SHARDS_SEED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  // A runtime that cannot start (a missing binary) ends the wait at once, saying why.
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (error) => {
      output += `${error.message}\n`;
      resolve(null);
    });
  });
  const stop = (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(output);
      if (m !== null) {
        child.stdout.off("data", onData);
        child.stdout.on("data", (more: Buffer) => {
          output += more.toString();
        });
        resolve({ url: m[1]!, output: () => output, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    void exited.then((code) =>
      reject(new Error(`the server exited with ${code} before listening:\n${output}`)),
    );
  });
}

/** Why PostgreSQL tests cannot run at `url` (no server answers), or `undefined` when one answers. */
export async function postgresUnavailable(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e) {
    return `no PostgreSQL server answers at ${url.replace(/:[^:@/]*@/, ":***@")} (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Drops a test's own schema (and everything in it) at `url`. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
