import { CompensationScope, Result, ResultPipelineChannels, ResultPipelineStepContext } from "@pipe/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_MESSAGE_CODE } from "../src/envelope.ts";
import { generatePayload } from "../src/generator.ts";
import { createIngestHandler, POISON_CODE } from "../src/handler.ts";
import { createStats } from "../src/stats.ts";
import { type IngestStore, openStore } from "../src/store.ts";
import { scriptedFeed } from "./helpers.ts";

let store: IngestStore;
beforeAll(async () => {
  store = await openStore({ dataDir: "memory://" });
});
afterAll(async () => {
  await store.close();
});

const message = (seq: number, attempt = 1, run = "h") => ({
  id: `m${seq}`,
  leaseId: `m${seq}#${attempt}`,
  attempt,
  payload: generatePayload("orders", run, seq),
});

const outboxOf = (key: string) =>
  store.query<{ kind: string; type: string }>(
    `SELECT kind, type FROM "ingest".ingest_outbox WHERE key = $1 ORDER BY seq`,
    [key],
  );
const keyState = async (key: string) =>
  (await store.query<{ state: string }>(`SELECT state FROM "ingest".ingest_keys WHERE key = $1`, [key]))[0]
    ?.state;

function round(poisonEvery = 0) {
  const feed = scriptedFeed("orders");
  const scope = new CompensationScope();
  const ctx = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
  const stats = createStats();
  const handler = createIngestHandler(ctx, { store, feeds: new Map([["orders", feed]]), stats, poisonEvery });
  return { feed, scope, ctx, stats, handler };
}

describe("the seed 001 handler", () => {
  it("records the key and the event, completes the lease and leaves nothing staged on success", async () => {
    const { feed, scope, ctx, stats, handler } = round();
    feed.deliver(message(1, 1, "ok"));
    feed.end();
    const r = await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler, {
      concurrency: 2,
      retain: "message",
    });
    expect(r.isOk).toBe(true);
    expect(scope.hasActions).toBe(false);
    expect(feed.log).toEqual(["complete m1#1"]);
    expect(stats.processed).toBe(1);
    expect(await keyState("orders:ok:1")).toBe("done");
    expect(await outboxOf("orders:ok:1")).toEqual([{ kind: "event", type: "payment.captured.ingested" }]);
  });

  it("on failure: the compensating event is published, the key deleted and the lease released, in that order", async () => {
    const { feed, scope, ctx, stats, handler } = round(1);
    feed.deliver(message(3, 1, "fail"));
    feed.end();
    const r = await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler);
    expect(r.isErr).toBe(true);
    expect(r.error?.code).toBe(POISON_CODE);
    // The effect was committed before the injected failure; three compensations are staged on the context.
    expect(await keyState("orders:fail:3")).toBe("done");
    expect(scope.size).toBe(3);
    expect(feed.log).toEqual([]);
    const before = (await outboxOf("orders:fail:3")).length;
    expect(before).toBe(1);
    const rollback = await Result.runCompensation(undefined, scope);
    expect(rollback).toBeUndefined();
    expect(scope.hasActions).toBe(false);
    expect(await keyState("orders:fail:3")).toBeUndefined();
    expect(await outboxOf("orders:fail:3")).toEqual([
      { kind: "event", type: "order.placed.ingested" },
      { kind: "compensation", type: "order.placed.ingested.compensated" },
    ]);
    expect(feed.log).toEqual(["release m3#1"]);
    expect(stats.compensations).toMatchObject({
      run: 3,
      compensatingEvents: 1,
      keysDeleted: 1,
      leasesReleased: 1,
    });
  });

  it("a redelivery after the rollback is processed again: net effect exactly one", async () => {
    const { feed, ctx, handler } = round(1);
    feed.deliver(message(3, 2, "fail"));
    feed.end();
    expect((await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler)).isOk).toBe(true);
    const rows = await outboxOf("orders:fail:3");
    expect(
      rows.filter((r) => r.kind === "event").length - rows.filter((r) => r.kind === "compensation").length,
    ).toBe(1);
    expect(feed.log).toEqual(["complete m3#2"]);
  });

  it("a redelivered message whose effect is committed is recognised and only acknowledged", async () => {
    const { feed, ctx, stats, handler } = round();
    feed.deliver(message(1, 2, "ok"));
    feed.end();
    expect((await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler)).isOk).toBe(true);
    expect(stats.duplicates).toBe(1);
    expect(stats.processed).toBe(0);
    expect(await outboxOf("orders:ok:1")).toHaveLength(1);
    expect(feed.log).toEqual(["complete m1#2"]);
  });

  it("an invalid message is dead-lettered and acknowledged, and the round fails with ingest.invalid-message", async () => {
    const { feed, scope, ctx, stats, handler } = round();
    feed.deliver({ id: "bad", leaseId: "bad#1", attempt: 1, payload: '{"id": 1}' });
    feed.end();
    const r = await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler);
    expect(r.error?.code).toBe(INVALID_MESSAGE_CODE);
    expect(r.error?.metadata.paths).toContain("id");
    expect(scope.hasActions).toBe(false);
    expect(feed.log).toEqual(["complete bad#1"]);
    expect(stats.deadLettered).toBe(1);
    expect((await store.report()).deadLetters).toBe(1);
  });

  it("with several in flight, only the failing message is rolled back; settled ones keep their effect", async () => {
    const { feed, scope, ctx, stats, handler } = round(5);
    for (let seq = 1; seq <= 20; seq++) feed.deliver(message(seq, 1, "many"));
    feed.end();
    const r = await ResultPipelineChannels.fanIn(ctx, [feed.reader], handler, {
      concurrency: 4,
      retain: "message",
    });
    expect(r.error?.code).toBe(POISON_CODE);
    await Result.runCompensation(undefined, scope);
    const released = feed.log.filter((l) => l.startsWith("release"));
    const completed = feed.log.filter((l) => l.startsWith("complete"));
    expect(released).toContain("release m5#1");
    // Each message is either completed or released, never both.
    for (const r of released) expect(completed).not.toContain(r.replace("release", "complete"));
    expect(stats.compensations.compensatingEvents).toBe(1);
    expect(stats.compensations.keysDeleted).toBe(1);
    const report = await store.report();
    expect(report.duplicated).toBe(0);
  });
});
