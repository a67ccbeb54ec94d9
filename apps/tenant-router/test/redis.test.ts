import { afterAll, describe, expect, it } from "vitest";
import { TenantRouterApp } from "../src/app.ts";
import { generateEnvelopes } from "../src/generator.ts";
import { connectRedis, createRedisIngress, produceToRedis } from "../src/redis-ingress.ts";
import { openStore } from "../src/store.ts";
import { gate, redisUnavailable, reportSkip, uniqueName, until } from "./helpers.ts";
import { expectIsolation, runIsolationScenario } from "./scenario.ts";

const skip = reportSkip("the Redis stream path", await redisUnavailable());
const url = process.env.REDIS_URL as string;
const prefix = uniqueName("tenant_router_test");

async function pending(stream: string, group: string): Promise<number> {
  const redis = await connectRedis(url);
  try {
    const reply = (await redis.sendCommand(["XPENDING", stream, group])) as [number, ...unknown[]];
    return Number(reply[0]);
  } finally {
    await redis.close();
  }
}

describe.skipIf(skip)("Redis stream ingress (REDIS_URL)", () => {
  afterAll(async () => {
    const redis = await connectRedis(url);
    for (const key of await redis.keys(`${prefix}*`)) await redis.del(key);
    await redis.close();
  });

  it("routes a consumer-group stream with full isolation and acknowledges every envelope once processed or dead-lettered", async () => {
    const stream = `${prefix}:iso`;
    const store = await openStore({ dataDir: "memory://" });
    try {
      const { summary, runId, app } = await runIsolationScenario(store, async (envelopes) => {
        await produceToRedis({ url, stream, envelopes });
        return createRedisIngress({
          url,
          stream,
          group: "g",
          consumer: "c1",
          blockMs: 50,
          stopWhenIdle: () => true,
        });
      });
      await expectIsolation(store, summary, runId);
      expect(summary.ingress).toBe("redis");
      expect(app.ingress.stats).toMatchObject({ read: 200, acked: 200, ackFailures: 0 });
      expect(await pending(stream, "g")).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("leaves envelopes accepted but unprocessed at shutdown pending, and a restart with the same consumer processes them exactly once", async () => {
    const stream = `${prefix}:restart`;
    const runId = uniqueName("r");
    await produceToRedis({
      url,
      stream,
      envelopes: generateEnvelopes({ tenants: ["a", "b"], count: 40, runId }),
    });
    const store = await openStore({ dataDir: "memory://" });
    try {
      // Run 1: tenant b is stuck behind a gate; stop the run once a is done.
      const held = gate();
      const stop = new AbortController();
      const ingress1 = await createRedisIngress({ url, stream, group: "g", consumer: "c1", blockMs: 50 });
      const app1 = new TenantRouterApp({
        store,
        ingress: ingress1,
        tenants: ["a", "b"],
        faults: new Map([
          [
            "b",
            {
              before: (_e, signal) =>
                Promise.race([
                  held.wait(),
                  new Promise<void>((_, reject) =>
                    signal.addEventListener("abort", () => reject(signal.reason)),
                  ),
                ]),
            },
          ],
        ]),
        signal: stop.signal,
      });
      const run1 = app1.run();
      await until(() => app1.stats.tenant("a").processed === 20, 10_000, "tenant a done");
      stop.abort(new Error("test stop"));
      const s1 = await run1;
      await ingress1.close();
      expect(s1.outcome.code).toBe("error.canceled");
      expect(s1.leftForRedelivery).toBe(20);
      expect(await store.ledger("b")).toEqual([]);
      expect(await pending(stream, "g")).toBe(20);
      // Run 2: same consumer; its pending entries come first.
      const ingress2 = await createRedisIngress({
        url,
        stream,
        group: "g",
        consumer: "c1",
        blockMs: 50,
        stopWhenIdle: () => true,
      });
      const s2 = await new TenantRouterApp({ store, ingress: ingress2, tenants: ["a", "b"] }).run();
      await ingress2.close();
      expect(s2.outcome.ok).toBe(true);
      expect(s2.tenants.find((t) => t.tenantId === "b")).toMatchObject({ processed: 20, appended: 20 });
      expect(await store.ledger("a")).toHaveLength(20);
      expect(await store.ledger("b")).toEqual(Array.from({ length: 20 }, (_, i) => `${runId}-b-${i + 1}`));
      expect(await pending(stream, "g")).toBe(0);
    } finally {
      await store.close();
    }
  });
});
