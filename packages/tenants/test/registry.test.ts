import { Channel, delay, ok } from "@pipe/pipeline";
import { describe, expect, it } from "vitest";
import { TenantErrorCodes, type TenantRegistryEvent, TenantRouter } from "../src/index.ts";
import { codes, drain, drive, type Envelope, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

describe("registry", () => {
  it("adds a tenant at run time: it gets a branch and a worker at once", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    const seen: string[] = [];
    const router = new TenantRouter(ingress.reader, {
      timeProvider: clock,
      process: (_c, id, e) => {
        seen.push(`${id}:${e.id}`);
        return ok();
      },
    });
    const done = router.run();
    expect(router.add("late").isOk).toBe(true);
    expect(router.has("late")).toBe(true);
    ingress.writer.tryWrite(env("late", 1));
    await clock.advance(1);
    expect(seen).toEqual(["late:1"]);
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
  });

  it("reports duplicates, unknown removals and calls after the run as failed Results", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([]), {
      tenants: ["a", "a"],
      timeProvider: clock,
      process: () => ok(),
    });
    expect(router.add("a").error?.code).toBe(TenantErrorCodes.duplicate);
    expect((await router.remove("nope")).error?.code).toBe(TenantErrorCodes.notFound);
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(router.add("b").error?.code).toBe(TenantErrorCodes.closed);
    expect((await router.run()).error?.code).toBe(TenantErrorCodes.closed);
  });

  it("remove() before run just unregisters", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1)]), {
      tenants: ["a"],
      timeProvider: clock,
      process: () => ok(),
    });
    expect((await router.remove("a")).isOk).toBe(true);
    expect(router.has("a")).toBe(false);
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(codes(drain(router.deadLetters))).toEqual([TenantErrorCodes.unknown]);
  });

  it("remove() stops routing, processes what the tenant accepted, then stops its worker", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    const seen: number[] = [];
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a", "b"],
      timeProvider: clock,
      process: async (_c, id, e) => {
        if (id === "a") {
          await delay(10, { timeProvider: clock });
          seen.push(e.id);
        }
        return ok();
      },
    });
    const done = router.run();
    for (let i = 0; i < 5; i++) ingress.writer.tryWrite(env("a", i));
    await clock.advance(0);
    expect(router.snapshot().tenants.find((t) => t.tenantId === "a")?.received).toBe(5);
    let removed = false;
    const removal = router.remove("a").then((r) => {
      removed = r.isOk;
    });
    expect(router.snapshot().tenants.find((t) => t.tenantId === "a")?.state).toBe("removing");
    expect(router.add("a").error?.code).toBe(TenantErrorCodes.duplicate);
    ingress.writer.tryWrite(env("a", 99)); // after removal: not routed to the draining tenant
    await clock.advance(25);
    expect(removed).toBe(false);
    await clock.advance(100);
    await removal;
    expect(removed).toBe(true);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(router.has("a")).toBe(false);
    ingress.writer.tryWrite(env("a", 100)); // unknown again now
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    const letters = drain(router.deadLetters);
    expect(letters.map((d) => [d.envelope.id, d.error.code])).toEqual([
      [99, TenantErrorCodes.removed],
      [100, TenantErrorCodes.unknown],
    ]);
    const snap = router.snapshot();
    expect(snap.totals.processed).toBe(5);
    expect(snap.totals.received).toBe(5);
    expect(snap.tenants.map((t) => t.tenantId)).toEqual(["b"]);
  });

  it("consumes an async registry source of add/remove events", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    const events = Channel.createUnbounded<TenantRegistryEvent>();
    const seen: string[] = [];
    const router = new TenantRouter(ingress.reader, {
      registry: events.reader,
      timeProvider: clock,
      process: (_c, id, e) => {
        seen.push(`${id}:${e.id}`);
        return ok();
      },
    });
    const done = router.run();
    events.writer.tryWrite({ type: "add", tenantId: "x", options: { overflow: "deadLetter", capacity: 3 } });
    events.writer.tryWrite({ type: "add", tenantId: "x" }); // duplicate: rejected
    events.writer.tryWrite({ type: "remove", tenantId: "ghost" }); // unknown: rejected
    events.writer.tryWrite({ type: "bogus" } as never);
    await clock.advance(1);
    expect(router.has("x")).toBe(true);
    expect(router.snapshot().tenants[0]?.overflow).toBe("deadLetter");
    expect(router.snapshot().rejectedEvents).toBe(3);
    ingress.writer.tryWrite(env("x", 1));
    await clock.advance(1);
    events.writer.tryWrite({ type: "remove", tenantId: "x" });
    events.writer.tryWrite({ type: "add", tenantId: "x" }); // waits for the drain, then re-adds
    await clock.advance(1);
    expect(router.has("x")).toBe(true);
    expect(router.snapshot().tenants[0]?.overflow).toBe("block");
    ingress.writer.tryWrite(env("x", 2));
    ingress.writer.complete();
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(seen).toEqual(["x:1", "x:2"]);
  });

  it("reports a failing registry source as tenants.registry.failed and keeps routing", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    async function* source(): AsyncGenerator<TenantRegistryEvent> {
      yield { type: "add", tenantId: "a" };
      throw new Error("registry down");
    }
    const seen: number[] = [];
    const router = new TenantRouter(ingress.reader, {
      registry: source(),
      timeProvider: clock,
      process: (_c, _id, e) => {
        seen.push(e.id);
        return ok();
      },
    });
    const done = router.run();
    await clock.advance(1);
    ingress.writer.tryWrite(env("a", 7));
    ingress.writer.complete();
    const r = await drive(done, clock);
    expect(seen).toEqual([7]);
    expect(r.error?.code).toBe("error.aggregate");
    expect(r.error?.errors.map((e) => e.code)).toEqual([TenantErrorCodes.registryFailed]);
    expect((r.error?.errors[0]?.cause as { message?: string })?.message).toBe("registry down");
  });

  it("stops a registry source that is still open when the ingress completes", async () => {
    const clock = new VirtualTimeProvider();
    let returned = false;
    const source: AsyncIterable<TenantRegistryEvent> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<TenantRegistryEvent>>(() => {}),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const router = new TenantRouter(filledIngress([]), {
      registry: source,
      timeProvider: clock,
      process: () => ok(),
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    await clock.advance(1);
    expect(returned).toBe(true);
  });

  it("remove() of a tenant whose worker already stopped resolves at once", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1)]), {
      tenants: ["a"],
      timeProvider: clock,
      process: () => ok(),
    });
    await drive(router.run(), clock);
    expect(router.snapshot().tenants[0]?.state).toBe("stopped");
    expect((await router.remove("a")).isOk).toBe(true);
    expect(router.has("a")).toBe(false);
    expect(router.snapshot().totals.processed).toBe(1);
  });
});
