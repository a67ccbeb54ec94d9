import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { createClient } from "redis";

export const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** A unique lowercase identifier for this test run (schemas, key prefixes). */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

/**
 * Why the servers cannot be used (printed when the suite skips), or undefined when both answer. A run that
 * requires services (`PIPE_REQUIRE_SERVICES=1`, as CI sets) throws instead: a missing server fails it there.
 */
export async function serversMissing(needRedis = true): Promise<string | undefined> {
  const reason = await probeServers(needRedis);
  if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
    throw new Error(`PIPE_REQUIRE_SERVICES=1, so the tenant-cluster tests may not skip: ${reason}`);
  return reason;
}

async function probeServers(needRedis: boolean): Promise<string | undefined> {
  const sql = postgres(DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (e) {
    return `PostgreSQL at ${DATABASE_URL} does not answer (${(e as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
  if (!needRedis) return undefined;
  const redis = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    return `Redis at ${REDIS_URL} does not answer (${(e as Error).message})`;
  } finally {
    if (redis.isOpen) await redis.close();
  }
  return undefined;
}

/** Polls `cond` every `every` ms until it returns true; throws after `ms` of real time, naming `what`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
  every = 50,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Drops a test schema and deletes a test key prefix. */
export async function cleanup(schema: string, prefix?: string): Promise<void> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await sql.end({ timeout: 1 });
  if (prefix === undefined) return;
  const redis = createClient({ url: REDIS_URL, RESP: 2, socket: { reconnectStrategy: false } });
  redis.on("error", () => undefined);
  await redis.connect();
  let cursor = "0";
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = (await redis.sendCommand([
      "SCAN",
      cursor,
      "MATCH",
      `${prefix}:*`,
      "COUNT",
      "1000",
    ])) as [string, string[]];
    if (keys.length > 0) await redis.sendCommand(["DEL", ...keys]);
    cursor = next;
    if (cursor === "0") break;
  }
  await redis.close();
}
