import { afterAll, describe, expect, it } from "vitest";
import { DELIVERY_LIMIT_CODE } from "../src/handler.ts";
import { connectRedis } from "../src/redis-connection.ts";
import { createRedisFeed } from "../src/redis-feed.ts";
import { produceToRedis } from "../src/redis-producer.ts";
import { openStore } from "../src/store.ts";
import { runWorker } from "../src/worker.ts";
import { redisUnavailable, reportSkip, uniqueName } from "./helpers.ts";

const skip = reportSkip("the Redis Streams path", await redisUnavailable());
const prefix = uniqueName("ingest_test");
const url = process.env.REDIS_URL as string;

describe.skipIf(skip)("Redis Streams feeds (REDIS_URL)", () => {
  afterAll(async () => {
    const redis = await connectRedis(url);
    for (const key of await redis.keys(`${prefix}*`)) await redis.del(key);
    await redis.close();
  });

  it("acknowledges only on success, releases on rollback and drains: exactly once in effect", async () => {
    const feedsNames = ["orders", "payments"];
    await produceToRedis({
      url,
      feeds: feedsNames,
      prefix: `${prefix}:a`,
      messages: 300,
      runId: "r",
      invalidEvery: 100,
    });
    const store = await openStore({ dataDir: "memory://" });
    try {
      const feeds = await Promise.all(
        feedsNames.map((name) =>
          createRedisFeed({
            url,
            name,
            stream: `${prefix}:a:${name}`,
            group: "g",
            consumer: "w1",
            leaseTimeout: 2000,
            exitWhenDrained: true,
            blockMs: 100,
          }),
        ),
      );
      const r = await runWorker({ feeds, store, concurrency: 8, poisonEvery: 40 });
      await Promise.all(feeds.map((f) => f.close()));
      expect(r.status).toBe("drained");
      expect(r.stats.processed).toBe(594);
      expect(r.stats.deadLettered).toBe(6);
      expect(r.stats.compensations.leasesReleased).toBe(r.stats.poisoned);
      for (const f of feeds) expect(f.stats.completed).toBe(300);
      expect(await store.report()).toMatchObject({ once: 594, duplicated: 0, undone: 0, deadLetters: 6 });
      const redis = await connectRedis(url);
      for (const name of feedsNames) {
        const pending = (await redis.sendCommand(["XPENDING", `${prefix}:a:${name}`, "g"])) as [number];
        expect(pending[0]).toBe(0);
      }
      await redis.close();
    } finally {
      await store.close();
    }
  });

  it("reclaims a dead consumer's leases with XAUTOCLAIM after the lease timeout", async () => {
    const stream = `${prefix}:b:orders`;
    await produceToRedis({ url, feeds: ["orders"], prefix: `${prefix}:b`, messages: 50, runId: "r" });
    const redis = await connectRedis(url);
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "0"]);
    // A consumer that takes 20 messages and dies without acknowledging them.
    await redis.sendCommand(["XREADGROUP", "GROUP", "g", "ghost", "COUNT", "20", "STREAMS", stream, ">"]);
    await redis.close();
    const store = await openStore({ dataDir: "memory://" });
    try {
      const feed = await createRedisFeed({
        url,
        name: "orders",
        stream,
        group: "g",
        consumer: "w2",
        leaseTimeout: 300,
        exitWhenDrained: true,
        blockMs: 50,
      });
      const r = await runWorker({ feeds: [feed], store, concurrency: 4 });
      await feed.close();
      expect(r.status).toBe("drained");
      expect(r.stats.processed).toBe(50);
      expect(feed.stats.reclaimed).toBe(20);
      expect(await store.report()).toMatchObject({ once: 50, duplicated: 0 });
    } finally {
      await store.close();
    }
  });

  it("counts deliveries in Redis, so restarts do not reset a message's attempt and maxDeliveries holds across them (fails without the fix)", async () => {
    const stream = `${prefix}:c:orders`;
    await produceToRedis({ url, feeds: ["orders"], prefix: `${prefix}:c`, messages: 1, runId: "r" });
    const open = (exitWhenDrained = false) =>
      createRedisFeed({
        url,
        name: "orders",
        stream,
        group: "g",
        consumer: "w3",
        blockMs: 50,
        exitWhenDrained,
      });
    // Each "process" takes the message and stops before acknowledging it (a crash or a restart).
    const attempts: number[] = [];
    for (let run = 0; run < 3; run++) {
      const feed = await open();
      const got = await feed.reader.read();
      attempts.push(got.unwrap().attempt);
      await feed.close();
    }
    expect(attempts).toEqual([1, 2, 3]);
    // A fourth start over the limit of 3 dead-letters it instead of handling it again.
    const store = await openStore({ dataDir: "memory://" });
    try {
      const feed = await open(true);
      const r = await runWorker({ feeds: [feed], store, concurrency: 1, maxDeliveries: 3 });
      await feed.close();
      expect(r.status).toBe("drained");
      expect(r.stats.processed).toBe(0);
      expect(r.stats.deadLettered).toBe(1);
      const letters = await store.query<{ error: { code: string; metadata?: { attempt?: number } } }>(
        `SELECT error FROM "ingest".ingest_dead_letters`,
      );
      expect(letters.map((l) => [l.error.code, l.error.metadata?.attempt])).toEqual([
        [DELIVERY_LIMIT_CODE, 4],
      ]);
    } finally {
      await store.close();
    }
  });

  it("acknowledges and skips its pending entries deleted from the stream meanwhile, instead of failing the feed (fails without the fix)", async () => {
    const stream = `${prefix}:d:orders`;
    await produceToRedis({ url, feeds: ["orders"], prefix: `${prefix}:d`, messages: 3, runId: "r" });
    const redis = await connectRedis(url);
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "0"]);
    // This consumer took two entries before it stopped; one of them was deleted (XDEL, MAXLEN trim) since.
    const read = ["XREADGROUP", "GROUP", "g", "w4", "COUNT", "2", "STREAMS", stream, ">"];
    const taken = (await redis.sendCommand(read)) as [string, [string, string[]][]][];
    await redis.sendCommand(["XDEL", stream, taken[0]?.[1][0]?.[0] as string]);
    const store = await openStore({ dataDir: "memory://" });
    try {
      const options = { url, name: "orders", stream, group: "g", consumer: "w4", blockMs: 50 };
      const logs: string[] = [];
      const feed = await createRedisFeed({ ...options, exitWhenDrained: true, log: (l) => logs.push(l) });
      const r = await runWorker({ feeds: [feed], store, concurrency: 1 });
      await feed.close();
      expect(r.status).toBe("drained");
      expect(r.stats.processed).toBe(2);
      expect(feed.stats.vanished).toBe(1);
      expect(logs).toEqual([expect.stringContaining(taken[0]?.[1][0]?.[0] as string)]);
      const pending = (await redis.sendCommand(["XPENDING", stream, "g"])) as [number];
      expect(pending[0]).toBe(0);
    } finally {
      await redis.close();
      await store.close();
    }
  });

  it("counts and logs, once per batch with at most 10 ids, the pending entries XAUTOCLAIM finds deleted from the stream (fails without the fix)", async () => {
    const run = async (part: string, taken: number, deleted: number) => {
      const stream = `${prefix}:${part}:orders`;
      await produceToRedis({ url, feeds: ["orders"], prefix: `${prefix}:${part}`, messages: 20, runId: "r" });
      const redis = await connectRedis(url);
      await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "0"]);
      // A consumer reads entries without acknowledging them and dies; some are deleted from the stream since.
      const read = ["XREADGROUP", "GROUP", "g", "ghost", "COUNT", String(taken), "STREAMS", stream, ">"];
      const reply = (await redis.sendCommand(read)) as [string, [string, string[]][]][];
      const gone = (reply[0]?.[1] ?? []).slice(0, deleted).map(([id]) => id);
      await redis.sendCommand(["XDEL", stream, ...gone]);
      await redis.close();
      const store = await openStore({ dataDir: "memory://" });
      const logs: string[] = [];
      try {
        const feed = await createRedisFeed({
          url,
          name: "orders",
          stream,
          group: "g",
          consumer: "w5",
          leaseTimeout: 200,
          exitWhenDrained: true,
          blockMs: 50,
          log: (l) => logs.push(l),
        });
        const r = await runWorker({ feeds: [feed], store, concurrency: 2 });
        await feed.close();
        expect(r.status).toBe("drained");
        expect(r.stats.processed).toBe(20 - deleted);
        expect(feed.stats.reclaimed).toBe(taken - deleted);
        expect(feed.stats.vanished).toBe(deleted);
        return { logs, gone };
      } finally {
        await store.close();
      }
    };
    const one = await run("e", 3, 1);
    expect(one.logs).toHaveLength(1);
    expect(one.logs[0]).toContain(one.gone[0]);
    expect(one.logs[0]).toMatch(/^feed orders: 1 pending entry was deleted from the stream/);
    const many = await run("f", 14, 12);
    expect(many.logs).toHaveLength(1);
    for (const id of many.gone.slice(0, 10)) expect(many.logs[0]).toContain(id);
    for (const id of many.gone.slice(10)) expect(many.logs[0]).not.toContain(id);
    expect(many.logs[0]).toContain("and 2 more");
  });

  it("counts and logs a released lease whose entry was deleted from the stream meanwhile (it can never be redelivered)", async () => {
    const stream = `${prefix}:g:orders`;
    await produceToRedis({ url, feeds: ["orders"], prefix: `${prefix}:g`, messages: 2, runId: "r" });
    const logs: string[] = [];
    const options = { url, name: "orders", stream, group: "g", consumer: "w6", blockMs: 50 };
    const feed = await createRedisFeed({ ...options, log: (l) => logs.push(l) });
    const redis = await connectRedis(url);
    try {
      const first = (await feed.reader.read()).unwrap();
      const second = (await feed.reader.read()).unwrap();
      await redis.sendCommand(["XDEL", stream, first.id]);
      expect(await feed.release(first)).toBe(false);
      expect(await feed.release(second)).toBe(true);
      expect(feed.stats.vanished).toBe(1);
      expect(logs).toEqual([expect.stringContaining(first.id)]);
    } finally {
      await feed.close();
      await redis.close();
    }
  });
});
