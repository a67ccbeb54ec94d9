/**
 * SIGTERM while the app is still loading its store stops it cleanly on every runtime: the bootstraps install
 * their signal handlers before loading, answer `/healthz` 503 `loading` meanwhile, and once the store has
 * opened they close it and exit 0 without ever serving. The load is held deterministically by a PostgreSQL
 * lock on the shard table (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a unique schema per
 * run, dropped afterwards). Skipped with the printed reason when no server answers (failed instead when
 * PIPE_REQUIRE_SERVICES=1, as in CI).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openControlPlane } from "../src/app.ts";
import {
  config,
  dropSchema,
  freePort,
  OPERATOR,
  postgresUnavailable,
  READER,
  RUNTIMES,
  until,
} from "./support.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `scp_sig_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
const appDir = fileURLToPath(new URL("..", import.meta.url));
let used = false;

afterAll(async () => {
  if (used) await dropSchema(url, schema);
});

describe.each(["node", "deno", "bun"] as const)("SIGTERM while loading on %s", (runtime) => {
  it("answers loading, then stops cleanly once the store opens, never serving", async (ctx) => {
    const reason = await postgresUnavailable(url);
    if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
      throw new Error(`PIPE_REQUIRE_SERVICES=1, so a missing server is a failure, not a skip: ${reason}`);
    if (reason !== undefined) {
      console.warn(`[signal-loading] skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    used = true;
    // Create the schema (migrations, demo seed), then hold the shard table so the next load waits on it.
    const first = await openControlPlane(config({ databaseUrl: url, schema }));
    await first.close();
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    let releaseLock = (): void => {};
    const released = new Promise<void>((resolve) => {
      releaseLock = resolve;
    });
    let onLocked = (): void => {};
    const locked = new Promise<void>((resolve) => {
      onLocked = resolve;
    });
    const holding = sql.begin(async (tx) => {
      await tx.unsafe(`LOCK TABLE "${schema}".shard_records IN ACCESS EXCLUSIVE MODE`);
      onLocked();
      await released;
    });
    await Promise.race([locked, holding]);
    const port = await freePort();
    const [command, ...args] = RUNTIMES[runtime];
    const child = spawn(
      command,
      [...args, ...["--port", String(port), "--quiet", "--operator-token", OPERATOR, "--read-token", READER]],
      {
        cwd: appDir,
        env: { ...process.env, DATABASE_URL: url, SHARDS_DB_SCHEMA: schema },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    // A runtime that cannot start (a missing binary) ends the wait at once, saying why.
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.once("error", (error) => {
        output += `${error.message}\n`;
        resolve(null);
      });
    });
    let code: number | null | undefined;
    void exited.then((c) => {
      code = c;
    });
    try {
      // Poll until the listener is up and says it is loading (the load waits on the lock meanwhile).
      let health: unknown;
      const deadline = performance.now() + 120_000;
      while (code === undefined && performance.now() < deadline) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (res !== undefined) {
          health = { status: res.status, body: await res.json() };
          if (res.status === 503) break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(health, output).toEqual({ status: 503, body: { status: "loading" } });
      child.kill("SIGTERM");
      await until(
        "the shutdown starts",
        () => output.includes("SIGTERM: shutting down") || code !== undefined,
      );
      expect(code).toBeUndefined();
      releaseLock();
      expect(await exited).toBe(0);
      expect(output).toContain("stopped");
      expect(output).not.toContain("listening at");
    } finally {
      releaseLock();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await holding.catch(() => undefined);
      await sql.end({ timeout: 2 });
    }
  }, 180_000);
});
