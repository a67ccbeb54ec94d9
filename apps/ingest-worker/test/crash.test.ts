import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../src/redis-connection.ts";
import { produceToRedis } from "../src/redis-producer.ts";
import { openStore } from "../src/store.ts";
import { cliCommand, postgresUnavailable, redisUnavailable, reportSkip, uniqueName } from "./helpers.ts";

const reason = (await redisUnavailable()) ?? (await postgresUnavailable());
const skip = reportSkip("the crash test (needs Redis and PostgreSQL)", reason);
const name = uniqueName("ingest_crash");
const FEEDS = ["orders", "payments", "stock"];
const PER_FEED = 1500;
const TOTAL = FEEDS.length * PER_FEED;
const POISON_EVERY = 97;

function start(consumer: string): {
  child: ChildProcess;
  output: Promise<{ code: number | null; stdout: string }>;
} {
  const c = cliCommand([
    "--stream-prefix",
    name,
    "--schema",
    name,
    "--consumer",
    consumer,
    "--group",
    "crash",
    "--lease-timeout",
    "1500",
    "--exit-when-drained",
    "--poison-every",
    String(POISON_EVERY),
    "--concurrency",
    "8",
    "--json",
    "--quiet",
  ]);
  const child = spawn(c.command, c.args, { cwd: c.cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
  const output = new Promise<{ code: number | null; stdout: string }>((resolve) => {
    child.on("exit", (code) => resolve({ code, stdout }));
  });
  return { child, output };
}

describe.skipIf(skip)(
  "crash safety: SIGKILL mid-run, restart, exactly once in effect (Redis + PostgreSQL)",
  () => {
    afterAll(async () => {
      const redis = await connectRedis(process.env.REDIS_URL as string);
      for (const key of await redis.keys(`${name}:*`)) await redis.del(key);
      await redis.close();
      const store = await openStore({ databaseUrl: process.env.DATABASE_URL, schema: name });
      await store.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await store.close();
    });

    it("every message has exactly one net effect, none lost, no duplicate events", {
      timeout: 90_000,
    }, async () => {
      await produceToRedis({
        url: process.env.REDIS_URL as string,
        feeds: FEEDS,
        prefix: name,
        messages: PER_FEED,
        runId: "crash",
      });
      const store = await openStore({
        databaseUrl: process.env.DATABASE_URL,
        schema: name,
        maxConnections: 2,
      });
      try {
        const first = start("worker-1");
        // Wait until about a quarter is committed, then kill the worker without warning.
        let committed = 0;
        const deadline = Date.now() + 45_000;
        while (committed < TOTAL / 4 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
          const rows = await store.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${name}".ingest_keys`,
          );
          committed = rows[0]?.n ?? 0;
        }
        first.child.kill("SIGKILL");
        const killed = await first.output;
        expect(killed.code).toBeNull(); // killed, not exited
        const atKill =
          (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}".ingest_keys`))[0]?.n ??
          0;
        expect(atKill).toBeGreaterThan(0);
        expect(atKill).toBeLessThan(TOTAL);

        const second = start("worker-2");
        const done = await second.output;
        expect(done.code).toBe(0);
        const summary = JSON.parse(done.stdout) as {
          status: string;
          stats: { processed: number; duplicates: number; poisoned: number };
          feeds: { reclaimed: number }[];
        };
        expect(summary.status).toBe("drained");
        const reclaimed = summary.feeds.reduce((a, f) => a + f.reclaimed, 0);
        // The dead worker's leases came back through XAUTOCLAIM.
        expect(reclaimed).toBeGreaterThan(0);

        const report = await store.report();
        expect(report).toMatchObject({ keys: TOTAL, once: TOTAL, duplicated: 0, undone: 0 });
        // Messages that were never poisoned have exactly one outbox row: no duplicate event at all.
        const extra = await store.query<{ key: string; n: number }>(
          `SELECT key, count(*)::int AS n FROM "${name}".ingest_outbox
         WHERE (payload->>'seq')::int % ${POISON_EVERY} <> 0 GROUP BY key HAVING count(*) <> 1`,
        );
        expect(extra).toEqual([]);
        const redis = await connectRedis(process.env.REDIS_URL as string);
        for (const feed of FEEDS) {
          const pending = (await redis.sendCommand(["XPENDING", `${name}:${feed}`, "crash"])) as [number];
          expect(pending[0]).toBe(0);
        }
        await redis.close();
        console.log(
          `[ingest-worker] crash test: ${TOTAL} messages; SIGKILL at ${atKill} committed; restart processed ` +
            `${summary.stats.processed}, acknowledged ${summary.stats.duplicates} duplicates, reclaimed ${reclaimed} leases; ` +
            `outbox ${report.events} events + ${report.compensations} compensating; ${report.once}/${TOTAL} exactly once`,
        );
      } finally {
        await store.close();
      }
    });
  },
);
