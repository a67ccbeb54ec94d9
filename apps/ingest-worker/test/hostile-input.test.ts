/**
 * Messages the store cannot hold as they are: text with U+0000 or a lone surrogate (PostgreSQL's text and
 * jsonb refuse U+0000; jsonb refuses lone surrogates). Such a message is invalid input: it is dead-lettered
 * at once with `ingest.invalid-message` and its dead letter is stored, so it never fails round after round
 * (every retry of the store failed the same way, and the worker stopped as stalled).
 */
import { ResultPipelineChannels, ResultPipelineStepContext } from "@pipe/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_MESSAGE_CODE } from "../src/envelope.ts";
import { generatePayload, messageId } from "../src/generator.ts";
import { createIngestHandler, DELIVERY_LIMIT_CODE } from "../src/handler.ts";
import { createMemoryFeed } from "../src/memory-feed.ts";
import { createStats } from "../src/stats.ts";
import { type IngestStore, openStore } from "../src/store.ts";
import { runWorker } from "../src/worker.ts";
import { scriptedFeed } from "./helpers.ts";

let store: IngestStore;
beforeAll(async () => {
  store = await openStore({ dataDir: "memory://" });
});
afterAll(async () => {
  await store.close();
});

/** A valid message of run `run` with `patch` applied to its decoded JSON. */
const payloadWith = (seq: number, run: string, patch: (m: Record<string, unknown>) => void): string => {
  const m = JSON.parse(generatePayload("orders", run, seq)) as Record<string, unknown>;
  patch(m);
  return JSON.stringify(m);
};

async function handleOne(id: string, payload: string) {
  const feed = scriptedFeed("orders");
  const ctx = new ResultPipelineStepContext({ stepName: "ingest.fan-in" });
  const stats = createStats();
  const handler = createIngestHandler(ctx, { store, feeds: new Map([["orders", feed]]), stats });
  feed.deliver({ id, leaseId: `${id}#1`, attempt: 1, payload });
  feed.end();
  const result = await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler);
  const rows = await store.query<{ payload: string; error: { code: string } }>(
    `SELECT payload, error FROM "ingest".ingest_dead_letters WHERE key = $1`,
    [`orders:${id}`],
  );
  return { result, feed, stats, rows };
}

describe("text the store cannot hold", () => {
  const cases: [string, (m: Record<string, unknown>) => void][] = [
    ["U+0000 in the id", (m) => (m.id = `${m.id}\u0000`)],
    ["a lone surrogate in the source", (m) => (m.source = "orders\ud800")],
    ["U+0000 in the account", (m) => ((m.data as Record<string, unknown>).account = "a\u0000b")],
  ];
  for (const [what, patch] of cases)
    it(`${what}: dead-lettered at once and stored (the store failed every round: fails without the fix)`, async () => {
      const id = `nul-${what.replace(/\W+/g, "-")}`;
      const { result, feed, stats, rows } = await handleOne(id, payloadWith(1, id, patch));
      expect(result.error?.code).toBe(INVALID_MESSAGE_CODE);
      expect(feed.log).toEqual([`complete ${id}#1`]);
      expect(stats.deadLettered).toBe(1);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.error.code).toBe(INVALID_MESSAGE_CODE);
    });

  it("a raw U+0000 (not JSON) is dead-lettered and stored with the payload escaped (fails without the fix)", async () => {
    const raw = `{"id":"x\u0000"}`;
    const { feed, stats, rows } = await handleOne("raw-nul", raw);
    expect(feed.log).toEqual(["complete raw-nul#1"]);
    expect(stats.deadLettered).toBe(1);
    expect(rows[0]?.payload).toBe(JSON.stringify(raw));
    expect(rows[0]?.error).toMatchObject({ code: INVALID_MESSAGE_CODE, payloadEncoding: "json" });
  });
});

describe("a message that fails on every delivery", () => {
  it("is dead-lettered with ingest.delivery-limit after maxDeliveries and the worker drains the rest (fails without the limit: the worker stopped as stalled)", async () => {
    const runId = "always-fails";
    const feed = createMemoryFeed({ name: "orders", messages: 40, runId });
    // A store that refuses one message every time (a fault nothing else can fix), the rest as usual.
    const refused = messageId("orders", runId, 17);
    const record: IngestStore["record"] = (envelope, events) =>
      envelope.id === refused
        ? Promise.reject(new Error("the store refuses this message"))
        : store.record(envelope, events);
    const failing = new Proxy(store, {
      get: (target, key) => {
        if (key === "record") return record;
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await runWorker({
      feeds: [feed],
      store: failing,
      concurrency: 4,
      maxDeliveries: 3,
      maxStalledRounds: 6,
    });
    expect(result.status, JSON.stringify(result.error)).toBe("drained");
    expect(result.stats.processed).toBe(39);
    expect(result.stats.deadLettered).toBe(1);
    const rows = await store.query<{ error: { code: string; metadata?: { attempt?: number } } }>(
      `SELECT error FROM "ingest".ingest_dead_letters WHERE error->>'code' = $1`,
      [DELIVERY_LIMIT_CODE],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.error.metadata?.attempt).toBe(4);
  });

  it("maxDeliveries must be a positive integer", () => {
    const ctx = new ResultPipelineStepContext({ stepName: "ingest.fan-in" });
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() =>
        createIngestHandler(ctx, { store, feeds: new Map(), stats: createStats(), maxDeliveries: bad }),
      ).toThrow(RangeError);
  });
});
