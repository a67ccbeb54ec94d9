import { Channel, err, ok, PipeError, ResultRetryPolicy } from "@pipe/pipeline";
import { describe, expect, it } from "vitest";
import { TenantErrorCodes, TenantRouter } from "../src/index.ts";
import { codes, drain, drive, type Envelope, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

/** A ledger per tenant with rollback compensations; `fail(id, e, attempt)` decides failures. */
function world(fail: (id: string, e: Envelope, attempt: number) => boolean) {
  const ledger = new Map<string, number[]>();
  const rollbacks: string[] = [];
  const attempts = new Map<number, number>();
  const process = (ctx: import("@pipe/pipeline").ResultPipelineStepContext, id: string, e: Envelope) => {
    const attempt = (attempts.get(e.id) ?? 0) + 1;
    attempts.set(e.id, attempt);
    const list = ledger.get(id) ?? [];
    ledger.set(id, list);
    list.push(e.id);
    ctx.registerCompensation(() => {
      rollbacks.push(`${id}:${e.id}`);
      const at = list.lastIndexOf(e.id);
      if (at !== -1) list.splice(at, 1);
    });
    return fail(id, e, attempt) ? err(PipeError.from(`fail ${id}:${e.id}`, "test.fail")) : ok();
  };
  return { ledger, rollbacks, attempts, process };
}

const stream = (n: number, tenants: readonly string[]) =>
  Array.from({ length: n }, (_, i) => env(tenants[i % tenants.length] as string, i));

describe("isolate", () => {
  it("rolls the failing tenant back, restarts it after a back-off on the clock and retries the envelope", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id, e, attempt) => id === "b" && e.id === 4 && attempt === 1);
    const router = new TenantRouter(filledIngress(stream(9, ["a", "b", "c"])), {
      tenants: ["a", "b", "c"],
      retry: ResultRetryPolicy.fixed(3, 50),
      timeProvider: clock,
      process: w.process,
    });
    const done = router.run();
    await clock.advance(0);
    // b processed 1 (ok) then failed on 4: its whole ledger is rolled back, newest first
    expect(w.rollbacks).toEqual(["b:4", "b:1"]);
    const b = router.snapshot().tenants.find((t) => t.tenantId === "b");
    expect(b?.state).toBe("restarting");
    expect(b?.restarts).toBe(1);
    expect(w.ledger.get("a")).toEqual([0, 3, 6]);
    await clock.advance(49);
    expect(w.attempts.get(4)).toBe(1);
    await clock.advance(1);
    expect(w.attempts.get(4)).toBe(2);
    expect((await drive(done, clock)).isOk).toBe(true);
    expect(w.ledger.get("b")).toEqual([4, 7]);
    expect(w.ledger.get("c")).toEqual([2, 5, 8]);
    const snap = router.snapshot().tenants.find((t) => t.tenantId === "b");
    expect([snap?.processed, snap?.failed, snap?.restarts, snap?.state]).toEqual([3, 1, 1, "stopped"]);
    expect(drain(router.deadLetters)).toEqual([]);
  });

  it("parks a tenant past its retry budget: error in the snapshot, its envelopes dead-lettered, others untouched", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id) => id === "b");
    const ingress = Channel.createUnbounded<Envelope>();
    for (const e of stream(6, ["a", "b"])) ingress.writer.tryWrite(e);
    const router = new TenantRouter(ingress.reader, {
      tenants: ["a", "b"],
      retry: ResultRetryPolicy.exponential(3, 10, 2),
      timeProvider: clock,
      process: w.process,
    });
    const done = router.run();
    await clock.advance(10 + 20);
    const b = router.snapshot().tenants.find((t) => t.tenantId === "b");
    expect(b?.state).toBe("parked");
    expect(b?.error?.code).toBe(TenantErrorCodes.parked);
    expect(b?.error?.metadata).toMatchObject({ tenantId: "b", attempts: 3 });
    expect((b!.error!.cause as PipeError).message).toBe("fail b:1");
    expect(w.attempts.get(1)).toBe(3);
    ingress.writer.tryWrite(env("b", 100)); // routed straight to the dead-letter channel
    ingress.writer.complete();
    const r = await drive(done, clock);
    expect(r.error?.code).toBe("error.aggregate");
    expect(r.error?.errors.map((e) => [e.code, e.metadata.tenantId])).toEqual([
      [TenantErrorCodes.parked, "b"],
    ]);
    const letters = drain(router.deadLetters);
    expect(letters.map((d) => d.envelope.id)).toEqual([1, 3, 5, 100]);
    expect(codes(letters).every((c) => c === TenantErrorCodes.parked)).toBe(true);
    expect(w.ledger.get("a")).toEqual([0, 2, 4]);
    expect(w.ledger.get("b")).toEqual([]);
    expect(w.rollbacks).toEqual(["b:1", "b:1", "b:1"]);
    const snap = router.snapshot().tenants.find((t) => t.tenantId === "b");
    expect([snap?.failed, snap?.restarts, snap?.deadLettered, snap?.received]).toEqual([3, 2, 4, 4]);
  });

  it("isolateRollback 'envelope' only undoes the failing envelope's work", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id, e, attempt) => id === "a" && e.id === 2 && attempt === 1);
    const router = new TenantRouter(filledIngress(stream(4, ["a"])), {
      tenants: ["a"],
      isolateRollback: "envelope",
      retry: ResultRetryPolicy.fixed(2, 5),
      timeProvider: clock,
      process: w.process,
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(w.rollbacks).toEqual(["a:2"]);
    expect(w.ledger.get("a")).toEqual([0, 1, 2, 3]);
    expect(router.context.compensationScope.size).toBe(4);
  });

  it("treats a throw as error.exception and a non-Result as error.validation", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("t", 1), env("v", 2)]), {
      tenants: ["t", "v"],
      retry: ResultRetryPolicy.none,
      timeProvider: clock,
      process: (_c, id) => {
        if (id === "t") throw new Error("kaput");
        return 42 as never;
      },
    });
    const r = await drive(router.run(), clock);
    const causes = r.error?.errors.map((e) => [e.metadata.tenantId, (e.cause as PipeError).code]);
    expect(causes).toEqual([
      ["t", "error.exception"],
      ["v", "error.validation"],
    ]);
  });

  it("does not retry failures the retry policy rejects", async () => {
    const clock = new VirtualTimeProvider();
    const w = world(() => true);
    const router = new TenantRouter(filledIngress([env("a", 1)]), {
      tenants: ["a"],
      retry: ResultRetryPolicy.fixed(5, 1).withShouldRetry(() => false),
      timeProvider: clock,
      process: w.process,
    });
    await drive(router.run(), clock);
    expect(w.attempts.get(1)).toBe(1);
    expect(router.snapshot().tenants[0]?.state).toBe("stopped");
    expect(router.snapshot().tenants[0]?.error?.code).toBe(TenantErrorCodes.parked);
  });

  it("reports compensation failures with the tenant id", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1)]), {
      tenants: ["a"],
      retry: ResultRetryPolicy.none,
      timeProvider: clock,
      process: (ctx) => {
        ctx.registerCompensation(() => {
          throw new Error("undo failed");
        });
        return err(PipeError.from("nope"));
      },
    });
    const r = await drive(router.run(), clock);
    expect(r.error?.errors.map((e) => [e.code, e.metadata.tenantId])).toEqual([
      ["error.compensation", "a"],
      [TenantErrorCodes.parked, "a"],
    ]);
  });

  it("absorbs compensations attached to the processor's Result", async () => {
    const clock = new VirtualTimeProvider();
    const undone: number[] = [];
    const router = new TenantRouter(filledIngress([env("a", 1), env("a", 2)]), {
      tenants: ["a"],
      retry: ResultRetryPolicy.none,
      timeProvider: clock,
      process: (_c, _id, e) => {
        const r = e.id === 2 ? err<void>(PipeError.from("x")) : ok();
        return r.withCompensation(() => {
          undone.push(e.id);
        });
      },
    });
    await drive(router.run(), clock);
    expect(undone).toEqual([2, 1]);
  });
});

describe("failFast", () => {
  it("aborts every tenant on the first failure and replays all compensations newest first", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id, e) => id === "b" && e.id === 7);
    const order: string[] = [];
    const router = new TenantRouter(filledIngress(stream(12, ["a", "b", "c"])), {
      tenants: ["a", "b", "c"],
      failureMode: "failFast",
      timeProvider: clock,
      process: async (ctx, id, e) => {
        await Promise.resolve();
        order.push(`${id}:${e.id}`);
        return w.process(ctx, id, e);
      },
    });
    const r = await drive(router.run(), clock);
    expect(r.error?.code).toBe("error.aggregate");
    expect(r.error?.errors.map((e) => [e.message, e.metadata.tenantId])).toEqual([["fail b:7", "b"]]);
    expect(w.rollbacks).toEqual([...order].reverse());
    for (const list of w.ledger.values()) expect(list).toEqual([]);
    expect(router.context.compensationScope.hasActions).toBe(false);
    const letters = drain(router.deadLetters);
    expect(letters[0]?.error.message).toBe("fail b:7");
    expect(codes(letters.slice(1)).every((c) => c === TenantErrorCodes.shutdown)).toBe(true);
    expect((letters[1]!.error.cause as PipeError).message).toBe("fail b:7");
    const accounted = [
      ...order.filter((o) => o !== "b:7").map((o) => Number(o.split(":")[1])),
      ...letters.map((d) => d.envelope.id),
    ];
    expect(accounted.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("leaves every compensation in the root scope after a clean run (seed 002)", async () => {
    const clock = new VirtualTimeProvider();
    const w = world(() => false);
    const router = new TenantRouter(filledIngress(stream(6, ["a", "b"])), {
      tenants: ["a", "b"],
      failureMode: "failFast",
      timeProvider: clock,
      process: w.process,
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(router.context.compensationScope.size).toBe(6);
    expect(w.rollbacks).toEqual([]);
  });
});

describe("retain", () => {
  it("'envelope' releases each processed envelope's compensations: a later failure undoes only unfinished work", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id, e) => id === "b" && e.id === 4);
    const router = new TenantRouter(filledIngress(stream(9, ["a", "b", "c"])), {
      tenants: ["a", "b", "c"],
      failureMode: "failFast",
      retain: "envelope",
      timeProvider: clock,
      process: w.process,
    });
    const r = await drive(router.run(), clock);
    expect(r.isErr).toBe(true);
    // Only the failing envelope's own work is rolled back; completed envelopes stay committed.
    expect(w.rollbacks).toEqual(["b:4"]);
    expect(w.ledger.get("a")?.slice(0, 2)).toEqual([0, 3]);
    expect(w.ledger.get("b")).toEqual([1]);
  });

  it("'run' (default) keeps them, so failFast rolls back completed work too", async () => {
    const clock = new VirtualTimeProvider();
    const w = world((id, e) => id === "b" && e.id === 4);
    const router = new TenantRouter(filledIngress(stream(9, ["a", "b", "c"])), {
      tenants: ["a", "b", "c"],
      failureMode: "failFast",
      timeProvider: clock,
      process: w.process,
    });
    await drive(router.run(), clock);
    expect(w.rollbacks).toContain("b:4");
    expect(w.rollbacks).toContain("b:1");
    expect(w.rollbacks).toContain("a:0");
  });

  it("rejects an unknown retain", () => {
    expect(
      () =>
        new TenantRouter(filledIngress([]), {
          process: () => ok(),
          retain: "forever" as never,
        }),
    ).toThrow(TypeError);
  });
});
