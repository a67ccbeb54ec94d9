import { Channel, delay, ok } from "@pipe/pipeline";
import { describe, expect, it } from "vitest";
import { type DroppedEnvelope, TenantErrorCodes, TenantRouter } from "../src/index.ts";
import { drain, drive, type Envelope, env, VirtualTimeProvider } from "./helpers.ts";

/** A slow tenant "slow" (10 ms per envelope) and a fast one "fast", under the given overflow. */
function setup(
  overflow: "block" | "deadLetter" | "dropOldest",
  onDrop?: (d: DroppedEnvelope<Envelope>) => void,
) {
  const clock = new VirtualTimeProvider();
  const ingress = Channel.createBounded<Envelope>(4);
  const processed: string[] = [];
  const router = new TenantRouter(ingress.reader, {
    tenants: ["slow", "fast"],
    tenantOptions: (id) => (id === "slow" ? { capacity: 2, overflow } : { capacity: 100 }),
    timeProvider: clock,
    ...(onDrop === undefined ? {} : { onDrop }),
    process: async (_c, id, e) => {
      if (id === "slow") await delay(10, { timeProvider: clock });
      processed.push(`${id}:${e.id}`);
      return ok();
    },
  });
  return { clock, ingress, processed, router };
}

describe("overflow", () => {
  it("block: a full branch makes the ingress wait, and nothing is lost", async () => {
    const { clock, ingress, processed, router } = setup("block");
    const done = router.run();
    let written = 0;
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        await ingress.writer.write(env("slow", i));
        written++;
      }
      await ingress.writer.write(env("fast", 100));
      ingress.writer.complete();
    })();
    await clock.advance(0);
    // slow holds 1 in flight + 2 buffered, the router holds 1 blocked, the ingress holds 4.
    expect(written).toBeLessThan(10);
    expect(processed).toEqual([]);
    await drive(producer, clock);
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(processed.filter((p) => p.startsWith("slow:"))).toEqual(
      Array.from({ length: 10 }, (_, i) => `slow:${i}`),
    );
    expect(processed).toContain("fast:100");
    expect(drain(router.deadLetters)).toEqual([]);
    // the fast envelope written after the slow ones waited behind them (block holds up the ingress)
    expect(processed.indexOf("fast:100")).toBeGreaterThan(processed.indexOf("slow:5"));
  });

  it("deadLetter: a full branch dead-letters with tenants.overflow and the others keep flowing", async () => {
    const { clock, ingress, processed, router } = setup("deadLetter");
    const done = router.run();
    for (let i = 0; i < 10; i++) {
      await ingress.writer.write(env("slow", i));
      await ingress.writer.write(env("fast", 100 + i));
    }
    await clock.advance(0);
    // every fast envelope is already processed while slow has not finished its first one
    expect(processed).toEqual(Array.from({ length: 10 }, (_, i) => `fast:${100 + i}`));
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    const letters = drain(router.deadLetters);
    expect(letters.every((d) => d.error.code === TenantErrorCodes.overflow && d.tenantId === "slow")).toBe(
      true,
    );
    const slowDone = processed.filter((p) => p.startsWith("slow:")).map((p) => Number(p.slice(5)));
    // every slow envelope is either processed or dead-lettered, exactly once
    expect([...slowDone, ...letters.map((d) => d.envelope.id)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    const slow = router.snapshot().tenants.find((t) => t.tenantId === "slow");
    expect(slow?.received).toBe(10);
    expect(slow?.deadLettered).toBe(letters.length);
    expect(slow?.processed).toBe(slowDone.length);
    expect(letters[0]?.error.metadata.capacity).toBe(2);
  });

  it("dropOldest: evictions are recorded (onDrop) and counted; the newest envelopes are kept", async () => {
    const drops: DroppedEnvelope<Envelope>[] = [];
    const { clock, ingress, processed, router } = setup("dropOldest", (d) => drops.push(d));
    const done = router.run();
    for (let i = 0; i < 10; i++) await ingress.writer.write(env("slow", i));
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    const slowDone = processed.map((p) => Number(p.slice(5)));
    expect(slowDone.slice(-2)).toEqual([8, 9]);
    expect(drops.every((d) => d.error.code === TenantErrorCodes.dropped && d.tenantId === "slow")).toBe(true);
    expect([...slowDone, ...drops.map((d) => d.envelope.id)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    const slow = router.snapshot().tenants.find((t) => t.tenantId === "slow");
    expect(slow?.dropped).toBe(drops.length);
    expect(slow?.received).toBe(10);
    expect(drain(router.deadLetters)).toEqual([]);
  });

  it("dropOldest without onDrop still counts what was dropped", async () => {
    const { clock, ingress, router } = setup("dropOldest");
    const done = router.run();
    for (let i = 0; i < 10; i++) await ingress.writer.write(env("slow", i));
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    const snap = router.snapshot();
    expect(snap.totals.dropped).toBeGreaterThan(0);
    expect(snap.totals.dropped + snap.totals.processed).toBe(10);
  });

  it("reports the branch depth in the snapshot", async () => {
    const { clock, ingress, router } = setup("block");
    const done = router.run();
    await ingress.writer.write(env("slow", 1));
    await ingress.writer.write(env("slow", 2));
    await ingress.writer.write(env("slow", 3));
    await clock.advance(0);
    const slow = router.snapshot().tenants.find((t) => t.tenantId === "slow");
    expect(slow?.depth).toBe(2);
    expect(slow?.state).toBe("running");
    ingress.writer.complete();
    await drive(done, clock);
    expect(router.snapshot().tenants.find((t) => t.tenantId === "slow")?.depth).toBe(0);
  });
});
