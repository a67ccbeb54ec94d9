import { setTimeout as sleep } from "node:timers/promises";
import { Channel, type VirtualTimeProvider } from "@pipe/pipeline";
import postgres from "postgres";
import { createClient } from "redis";
import type { Envelope } from "../src/envelope.ts";
import type { Ingress, IngressStats } from "../src/ingress.ts";

/** A unique lowercase identifier for this test run (schemas, stream names). */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

/** Polls `cond` (a real 2 ms tick) until true; fails after `ms` of real time. */
export async function until(cond: () => boolean, ms = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * Settles `promise` while advancing `clock` (virtual back-offs elapse at once) and letting real I/O (the
 * database) progress between steps.
 */
export async function drive<T>(promise: Promise<T>, clock: VirtualTimeProvider, step = 100): Promise<T> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = Date.now() + 30_000;
  while (!settled && Date.now() < deadline) {
    await clock.advance(step);
    await sleep(1);
  }
  return promise;
}

/** A gate a fault can wait on until the test opens it. */
export function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

/** An ingress the test writes to by hand (`push`, `end`), recording acknowledgements. */
export interface ManualIngress extends Ingress {
  push(...envelopes: Envelope[]): void;
  end(): void;
  readonly acked: Envelope[];
}

export function manualIngress(): ManualIngress {
  const { reader, writer } = Channel.createUnbounded<Envelope>();
  const stats: IngressStats = { read: 0, acked: 0, ackFailures: 0 };
  const acked: Envelope[] = [];
  return {
    kind: "memory",
    reader,
    redelivers: false,
    stats,
    acked,
    push(...envelopes) {
      for (const e of envelopes) {
        writer.tryWrite(e);
        stats.read++;
      }
    },
    end() {
      writer.tryComplete();
    },
    ack(e) {
      stats.acked++;
      acked.push(e);
    },
    async close() {
      writer.tryComplete();
    },
  };
}

export const env = (tenantId: string, n: number, runId = "t"): Envelope => ({
  tenantId,
  messageId: `${runId}-${tenantId}-${n}`,
  payload: { n },
});

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
 * Prints why a suite is skipped (vitest shows skipped tests, not why); returns whether to skip.. A run that requires services
 * (`PIPE_REQUIRE_SERVICES=1`, as CI sets) throws instead: a missing server fails it there.
 */
export function reportSkip(suite: string, reason: string | undefined): boolean {
  if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
    throw new Error(`PIPE_REQUIRE_SERVICES=1, so ${suite} may not skip: ${reason}`);
  if (reason !== undefined) console.warn(`[tenant-router] skipping ${suite}: ${reason}`);
  return reason !== undefined;
}
