import { Channel, delay, err, ok, PipeError, ResultPipelineStepContext } from "@pipe/pipeline";
import { describe, expect, it } from "vitest";
import { TenantErrorCodes, TenantRouter } from "../src/index.ts";
import { drain, drive, type Envelope, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

describe("lifecycle", () => {
  it("abort: stops routing, aborts workers, runs unfinished work's compensations once, dead-letters the rest", async () => {
    const clock = new VirtualTimeProvider();
    const controller = new AbortController();
    const ingress = Channel.createUnbounded<Envelope>();
    for (let i = 0; i < 6; i++) ingress.writer.tryWrite(env(i % 2 === 0 ? "a" : "b", i));
    const undone: number[] = [];
    const signals: AbortSignal[] = [];
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a", "b"],
      signal: controller.signal,
      timeProvider: clock,
      process: async (ctx, _id, e, signal) => {
        signals.push(signal);
        ctx.registerCompensation(() => {
          undone.push(e.id);
        });
        const slept = await delay(e.id < 2 ? 1 : 100, { timeProvider: clock, signal });
        return slept.isOk ? ok() : err(slept.error as PipeError);
      },
    });
    const done = router.run();
    await clock.advance(5); // 0 and 1 done; 2 and 3 in flight
    controller.abort("shutdown");
    ingress.writer.tryWrite(env("a", 99)); // never read: stays in the ingress
    const r = await drive(done, clock);
    expect(r.error?.code).toBe("error.canceled");
    expect(r.error?.metadata.reason).toBe("shutdown");
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(undone.sort()).toEqual([2, 3]);
    // completed work keeps its compensations for a later stage
    expect(router.context.compensationScope.size).toBe(2);
    const letters = drain(router.deadLetters);
    expect(letters.map((d) => d.envelope.id).sort()).toEqual([2, 3, 4, 5]);
    expect(letters.every((d) => d.error.code === TenantErrorCodes.shutdown)).toBe(true);
    expect((letters[0]!.error.cause as PipeError).code).toBe("error.canceled");
    expect(ingress.reader.count).toBe(1);
    expect(router.state).toBe("stopped");
  });

  it("an already-aborted signal resolves to error.canceled without routing anything", async () => {
    const ingress = filledIngress([env("a", 1)]);
    let calls = 0;
    const router = new TenantRouter(ingress, {
      tenants: ["a"],
      signal: AbortSignal.abort("early"),
      process: () => {
        calls++;
        return ok();
      },
    });
    const r = await router.run();
    expect(r.error?.code).toBe("error.canceled");
    expect(calls).toBe(0);
    expect(ingress.count).toBe(1);
    expect(router.state).toBe("stopped");
  });

  it("workers inherit the root context's signal, clock and scope", async () => {
    const clock = new VirtualTimeProvider();
    const controller = new AbortController();
    const root = new ResultPipelineStepContext({
      stepName: "ingress.tenants",
      timeProvider: clock,
      signal: controller.signal,
    });
    root.registerCompensation(() => {});
    const ingress = Channel.createUnbounded<Envelope>();
    ingress.writer.tryWrite(env("a", 1));
    const seen: ResultPipelineStepContext[] = [];
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a"],
      context: root,
      process: (ctx) => {
        seen.push(ctx);
        ctx.registerCompensation(() => {});
        return ok();
      },
    });
    const done = router.run();
    await clock.advance(1);
    expect(seen[0]?.stepName).toBe("tenant[a]");
    expect(seen[0]?.timeProvider).toBe(clock);
    expect(seen[0]?.parent?.parent?.parent).toBe(root);
    controller.abort();
    const r = await drive(done, clock);
    expect(r.error?.code).toBe("error.canceled");
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(root.compensationScope.size).toBe(2);
  });

  it("an ingress completed with an error: accepted envelopes are still processed, the fault is reported", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = Channel.createUnbounded<Envelope>();
    ingress.writer.tryWrite(env("a", 1));
    ingress.writer.complete(PipeError.from("upstream broke", "test.upstream"));
    const seen: number[] = [];
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a"],
      timeProvider: clock,
      process: (_c, _id, e) => {
        seen.push(e.id);
        return ok();
      },
    });
    const r = await drive(router.run(), clock);
    expect(seen).toEqual([1]);
    expect(r.error?.errors.map((e) => [e.code, e.metadata.stage])).toEqual([["test.upstream", "ingress"]]);
  });

  it("completes the owned dead-letter channel when the run ends, but not one it was given", async () => {
    const clock = new VirtualTimeProvider();
    const owned = new TenantRouter(filledIngress([]), { timeProvider: clock, process: () => ok() });
    await drive(owned.run(), clock);
    expect((await owned.deadLetters.read()).error?.code).toBe("error.channel.completed");
    const given = Channel.createUnbounded<import("../src/index.ts").DeadLetter<Envelope>>();
    const router = new TenantRouter(filledIngress([env("x", 1)]), {
      deadLetters: given,
      timeProvider: clock,
      process: () => ok(),
    });
    await drive(router.run(), clock);
    expect(router.deadLetters).toBe(given.reader);
    expect(given.reader.count).toBe(1);
    expect(given.writer.tryWrite({ tenantId: "y", envelope: env("y", 2), error: PipeError.from("x") })).toBe(
      true,
    );
  });

  it("a bounded dead-letter channel never blocks routing; run waits for queued dead letters", async () => {
    const clock = new VirtualTimeProvider();
    const dl = Channel.createBounded<import("../src/index.ts").DeadLetter<Envelope>>(1);
    const router = new TenantRouter(filledIngress([env("x", 1), env("y", 2), env("z", 3)]), {
      deadLetters: dl,
      timeProvider: clock,
      process: () => ok(),
    });
    let settled = false;
    const done = router.run().then((r) => {
      settled = true;
      return r;
    });
    await clock.advance(1);
    expect(settled).toBe(false);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await dl.reader.read();
      if (r.isOk) got.push(r.value.envelope.id);
    }
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(got).toEqual([1, 2, 3]);
  });

  it("reports dead letters the channel refused as tenants.dead_letter.failed", async () => {
    const clock = new VirtualTimeProvider();
    const dl = Channel.createUnbounded<import("../src/index.ts").DeadLetter<Envelope>>();
    dl.writer.complete();
    const router = new TenantRouter(filledIngress([env("x", 1)]), {
      deadLetters: dl,
      timeProvider: clock,
      process: () => ok(),
    });
    const r = await drive(router.run(), clock);
    expect(r.error?.errors.map((e) => e.code)).toEqual([TenantErrorCodes.deadLetterFailed]);
  });
});

describe("lifecycle: abort while the router waits for room (block)", () => {
  it("dead-letters the envelope the router was holding instead of losing it", async () => {
    const clock = new VirtualTimeProvider();
    const controller = new AbortController();
    const ingress = Channel.createUnbounded<Envelope>();
    for (let i = 0; i < 4; i++) ingress.writer.tryWrite(env("a", i));
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a"],
      capacity: 1,
      signal: controller.signal,
      timeProvider: clock,
      process: async (_c, _id, _e, signal) => {
        const slept = await delay(100, { timeProvider: clock, signal });
        return slept.isOk ? ok() : err(slept.error as PipeError);
      },
    });
    const done = router.run();
    await clock.advance(1); // 0 in flight, 1 buffered, 2 held by the router, 3 in the ingress
    expect(ingress.reader.count).toBe(1);
    controller.abort();
    await drive(done, clock);
    const letters = drain(router.deadLetters).map((d) => d.envelope.id);
    expect(letters.sort()).toEqual([0, 1, 2]);
    expect(ingress.reader.count).toBe(1);
  });
});
