import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Channel, type ChannelReader } from "@pipe/pipeline";
import postgres from "postgres";
import { createClient } from "redis";
import type { Feed, FeedStats, RawMessage } from "../src/feed.ts";

/** A unique lowercase identifier for this test run (schemas, stream prefixes). */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

/** Resolves to why Redis cannot be used, or undefined when REDIS_URL answers PING. */
export async function redisUnavailable(): Promise<string | undefined> {
  const url = process.env.REDIS_URL;
  if (url === undefined || url === "") return "REDIS_URL is not set";
  const client = createClient({ url, RESP: 2, socket: { connectTimeout: 1500, reconnectStrategy: false } });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (e) {
    return `Redis at ${url} does not answer: ${(e as Error).message}`;
  } finally {
    if (client.isOpen) await client.close().catch(() => undefined);
  }
}

/** Resolves to why PostgreSQL cannot be used, or undefined when DATABASE_URL answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === "") return "DATABASE_URL is not set";
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${url} does not answer: ${(e as Error).message}`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/**
 * Prints why a suite is skipped (vitest shows skipped tests, not why).. A run that requires services
 * (`PIPE_REQUIRE_SERVICES=1`, as CI sets) throws instead: a missing server fails it there.
 */
export function reportSkip(suite: string, reason: string | undefined): boolean {
  if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
    throw new Error(`PIPE_REQUIRE_SERVICES=1, so ${suite} may not skip: ${reason}`);
  if (reason !== undefined) console.warn(`[ingest-worker] skipping ${suite}: ${reason}`);
  return reason !== undefined;
}

/** A scripted feed: deliveries written by the test, complete/release recorded in order. */
export interface ScriptedFeed extends Feed {
  readonly log: string[];
  deliver(message: Omit<RawMessage, "feed">): void;
  end(): void;
}

export function scriptedFeed(name: string): ScriptedFeed {
  const { reader, writer } = Channel.createUnbounded<RawMessage>();
  const stats: FeedStats = {
    name,
    delivered: 0,
    completed: 0,
    released: 0,
    reclaimed: 0,
    vanished: 0,
    lag: 0,
  };
  const log: string[] = [];
  return {
    name,
    reader: reader as ChannelReader<RawMessage>,
    stats,
    log,
    deliver(message) {
      stats.delivered++;
      writer.tryWrite({ feed: name, ...message });
    },
    end() {
      writer.tryComplete();
    },
    complete(message) {
      log.push(`complete ${message.leaseId}`);
      stats.completed++;
      return Promise.resolve(true);
    },
    release(message) {
      log.push(`release ${message.leaseId}`);
      stats.released++;
      return Promise.resolve(true);
    },
    close() {
      writer.tryComplete();
      return Promise.resolve();
    },
  };
}

const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * The command that runs the CLI from source in a real Node child process (tsx + the @pipe/source condition).
 * The health server listens on any free port (`--port 0` first; a later `--port` or `--no-http` wins), so
 * parallel test files never compete for the default port.
 */
export function cliCommand(args: readonly string[]): { command: string; args: string[]; cwd: string } {
  return {
    command: process.execPath,
    args: ["--conditions=@pipe/source", "--import", "tsx", "src/main.ts", "--port", "0", ...args],
    cwd: appDir,
  };
}

/** Runs the CLI to completion; resolves with its exit code and output. */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = cliCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(c.command, c.args, { cwd: c.cwd, env: { ...process.env, ...env }, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
