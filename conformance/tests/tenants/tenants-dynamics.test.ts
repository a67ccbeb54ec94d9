/**
 * `@pipe/tenants` acceptance: tenants added and removed while envelopes flow; a slow tenant under
 * `deadLetter` does not slow the others; under `block` the ingress waits and nothing is lost.
 */
import { Channel, delay, ok, VirtualTimeProvider } from "@pipe/pipeline";
import { type DeadLetter, TenantErrorCodes, TenantRouter } from "@pipe/tenants";
import { describe, expect, it } from "../../src/harness.ts";

interface Envelope {
  readonly tenantId: string;
  readonly id: number;
}

async function drive<T>(promise: Promise<T>, clock: VirtualTimeProvider): Promise<T> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  for (let i = 0; i < 20_000 && !settled; i++) await clock.advance(5);
  return await promise;
}

function drainLetters(router: TenantRouter<Envelope>): DeadLetter<Envelope>[] {
  const out: DeadLetter<Envelope>[] = [];
  for (let d = router.deadLetters.tryRead(); typeof d !== "symbol"; d = router.deadLetters.tryRead())
    out.push(d);
  return out;
}

describe("tenants: dynamic membership", () => {
  it("tenants added and removed while envelopes flow: nothing lost or duplicated; a removed tenant finishes first", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createBounded<Envelope>(8);
    const processed = new Map<number, number>();
    const byTenant = new Map<string, number[]>();
    const router = new TenantRouter(ingress.reader, {
      tenants: ["t0", "t1"],
      capacity: 4,
      timeProvider: clock,
      process: async (_ctx, tenantId, e) => {
        await delay(e.id % 4, { timeProvider: clock });
        processed.set(e.id, (processed.get(e.id) ?? 0) + 1);
        const list = byTenant.get(tenantId) ?? [];
        list.push(e.id);
        byTenant.set(tenantId, list);
        return ok();
      },
    });
    const done = router.run();
    const removals: Promise<void>[] = [];
    const receivedAtRemoval = new Map<string, number>();
    const processedAtStop = new Map<string, number>();
    const producer = (async () => {
      for (let i = 0; i < 300; i++) {
        if (i === 50) router.add("t2");
        if (i === 100) router.add("t3");
        if (i === 150 || i === 220) {
          const victim = i === 150 ? "t1" : "t2";
          receivedAtRemoval.set(
            victim,
            router.snapshot().tenants.find((t) => t.tenantId === victim)?.received ?? -1,
          );
          removals.push(
            router.remove(victim).then(() => {
              processedAtStop.set(victim, byTenant.get(victim)?.length ?? 0);
            }),
          );
        }
        await ingress.writer.write({ tenantId: `t${i % 4}`, id: i });
      }
      ingress.writer.complete();
    })();
    await drive(producer, clock);
    const result = await drive(done, clock);
    await Promise.all(removals);
    expect(result.isOk).toBe(true);
    const letters = drainLetters(router);
    for (let i = 0; i < 300; i++) {
      const fates = (processed.get(i) ?? 0) + letters.filter((d) => d.envelope.id === i).length;
      expect(fates).toBe(1);
    }
    expect(
      letters.every(
        (d) => d.error.code === TenantErrorCodes.unknown || d.error.code === TenantErrorCodes.removed,
      ),
    ).toBe(true);
    // every envelope a removed tenant accepted was processed before its worker stopped
    for (const victim of ["t1", "t2"]) {
      expect(processedAtStop.get(victim)).toBe(byTenant.get(victim)?.length);
      expect(processedAtStop.get(victim) ?? 0).toBeGreaterThanOrEqual(
        receivedAtRemoval.get(victim) ?? Infinity,
      );
    }
    for (const list of byTenant.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(router.has("t1")).toBe(false);
    expect(router.has("t3")).toBe(true);
  });

  it("an async registry source adds and removes tenants while the router runs", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    const events = Channel.createUnbounded<{ type: "add" | "remove"; tenantId: string }>();
    const seen: string[] = [];
    const router = new TenantRouter(ingress.reader, {
      registry: events.reader,
      timeProvider: clock,
      process: (_ctx, tenantId, e) => {
        seen.push(`${tenantId}:${e.id}`);
        return ok();
      },
    });
    const done = router.run();
    events.writer.tryWrite({ type: "add", tenantId: "a" });
    await clock.advance(1);
    ingress.writer.tryWrite({ tenantId: "a", id: 1 });
    await clock.advance(1);
    events.writer.tryWrite({ type: "remove", tenantId: "a" });
    await clock.advance(1);
    ingress.writer.tryWrite({ tenantId: "a", id: 2 });
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(seen).toEqual(["a:1"]);
    expect(drainLetters(router).map((d) => [d.envelope.id, d.error.code])).toEqual([
      [2, TenantErrorCodes.unknown],
    ]);
  });
});

describe("tenants: overflow isolation", () => {
  function slowAndFast(overflow: "block" | "deadLetter") {
    // enough microtask rounds per step for the producer to write all 200 envelopes while no time passes
    const clock = new VirtualTimeProvider({ microtaskRounds: 5_000 });
    const ingress = Channel.createBounded<Envelope>(16);
    const processedAt = new Map<number, number>();
    const router = new TenantRouter(ingress.reader, {
      tenants: ["slow", "f1", "f2", "f3"],
      capacity: 4,
      overflow,
      timeProvider: clock,
      process: async (_ctx, tenantId, e) => {
        if (tenantId === "slow") await delay(100, { timeProvider: clock });
        processedAt.set(e.id, clock.now());
        return ok();
      },
    });
    const written: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 200; i++) {
        await ingress.writer.write({ tenantId: i % 4 === 0 ? "slow" : `f${i % 4}`, id: i });
        written.push(clock.now());
      }
      ingress.writer.complete();
    })();
    return { clock, router, producer, processedAt, written };
  }

  it("deadLetter: a slow tenant does not slow the others", async () => {
    const { clock, router, producer, processedAt, written } = slowAndFast("deadLetter");
    const done = router.run();
    await clock.advance(0);
    // all 150 fast envelopes were processed before any virtual time passed
    const fast = [...processedAt.entries()].filter(([id]) => id % 4 !== 0);
    expect(fast).toHaveLength(150);
    expect(fast.every(([, at]) => at === 0)).toBe(true);
    expect(written.every((t) => t === 0)).toBe(true);
    await drive(producer, clock);
    expect((await drive(done, clock)).isOk).toBe(true);
    const letters = drainLetters(router);
    expect(letters.every((d) => d.tenantId === "slow" && d.error.code === TenantErrorCodes.overflow)).toBe(
      true,
    );
    const slowProcessed = [...processedAt.keys()].filter((id) => id % 4 === 0).length;
    expect(slowProcessed + letters.length).toBe(50);
  });

  it("block: the ingress waits for the slow tenant and nothing is lost", async () => {
    const { clock, router, producer, processedAt, written } = slowAndFast("block");
    const done = router.run();
    await clock.advance(0);
    expect(written.length).toBeLessThan(200);
    await drive(producer, clock);
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(drainLetters(router)).toEqual([]);
    expect(processedAt.size).toBe(200);
    expect(written[199] ?? 0).toBeGreaterThan(0);
    const slow = router.snapshot().tenants.find((t) => t.tenantId === "slow");
    expect(slow?.processed).toBe(50);
    expect(slow?.deadLettered).toBe(0);
  });
});
