import { ok } from "@pipe/pipeline";
import { describe, expect, it } from "vitest";
import { TenantErrorCodes, TenantRouter } from "../src/index.ts";
import { codes, drain, drive, type Envelope, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

function recorder() {
  const seen = new Map<string, number[]>();
  const process = (_c: unknown, id: string, e: Envelope) => {
    const list = seen.get(id) ?? [];
    list.push(e.id);
    seen.set(id, list);
    return ok();
  };
  return { seen, process };
}

describe("routing", () => {
  it("routes each envelope to exactly one tenant by envelope.tenantId, in order per tenant", async () => {
    const clock = new VirtualTimeProvider();
    const { seen, process } = recorder();
    const envelopes = Array.from({ length: 30 }, (_, i) => env(["a", "b", "c"][i % 3] as string, i));
    const router = new TenantRouter(filledIngress(envelopes), {
      tenants: ["a", "b", "c"],
      timeProvider: clock,
      process,
    });
    const r = await drive(router.run(), clock);
    expect(r.isOk).toBe(true);
    expect(seen.get("a")).toEqual(envelopes.filter((e) => e.tenantId === "a").map((e) => e.id));
    expect(seen.get("b")).toEqual(envelopes.filter((e) => e.tenantId === "b").map((e) => e.id));
    expect(seen.get("c")).toEqual(envelopes.filter((e) => e.tenantId === "c").map((e) => e.id));
    expect(router.state).toBe("stopped");
    expect(router.snapshot().totals.processed).toBe(30);
  });

  it("uses a custom key function", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    const router = new TenantRouter(filledIngress([env("x", 1), env("y", 2)]), {
      tenants: ["even", "odd"],
      keyOf: (e) => (e.id % 2 === 0 ? "even" : "odd"),
      timeProvider: clock,
      process: (_c, id, e) => {
        seen.push(`${id}:${e.id}`);
        return ok();
      },
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(seen.sort()).toEqual(["even:2", "odd:1"]);
  });

  it("dead-letters envelopes of unknown tenants with tenants.unknown by default", async () => {
    const clock = new VirtualTimeProvider();
    const { seen, process } = recorder();
    const router = new TenantRouter(filledIngress([env("a", 1), env("zz", 2)]), {
      tenants: ["a"],
      timeProvider: clock,
      process,
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    const letters = drain(router.deadLetters);
    expect(codes(letters)).toEqual([TenantErrorCodes.unknown]);
    expect(letters[0]?.tenantId).toBe("zz");
    expect(letters[0]?.envelope).toEqual(env("zz", 2));
    expect(letters[0]?.error.metadata.tenantId).toBe("zz");
    expect(seen.get("a")).toEqual([1]);
    expect(router.snapshot().unknown).toBe(1);
  });

  it("creates unknown tenants on first sight when asked", async () => {
    const clock = new VirtualTimeProvider();
    const { seen, process } = recorder();
    const router = new TenantRouter(filledIngress([env("n1", 1), env("n2", 2), env("n1", 3)]), {
      unknownTenant: "createOnFirstSight",
      tenantOptions: (id) => (id === "n2" ? { capacity: 7 } : undefined),
      timeProvider: clock,
      process,
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(seen.get("n1")).toEqual([1, 3]);
    expect(seen.get("n2")).toEqual([2]);
    expect(drain(router.deadLetters)).toEqual([]);
    const snap = router.snapshot();
    expect(snap.tenants.map((t) => [t.tenantId, t.capacity, t.state])).toEqual([
      ["n1", 1000, "stopped"],
      ["n2", 7, "stopped"],
    ]);
  });

  it("dead-letters envelopes whose key is invalid (throw, blank, non-string) with tenants.key.invalid", async () => {
    const clock = new VirtualTimeProvider();
    const { process } = recorder();
    const router = new TenantRouter(
      filledIngress([env("a", 1), env("boom", 2), env("  ", 3), env("num", 4)]),
      {
        tenants: ["a"],
        keyOf: (e) => {
          if (e.tenantId === "boom") throw new Error("bad envelope");
          return e.tenantId === "num" ? (42 as unknown as string) : e.tenantId;
        },
        timeProvider: clock,
        process,
      },
    );
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    const letters = drain(router.deadLetters);
    expect(codes(letters)).toEqual([
      TenantErrorCodes.keyInvalid,
      TenantErrorCodes.keyInvalid,
      TenantErrorCodes.keyInvalid,
    ]);
    expect(letters.map((d) => d.tenantId)).toEqual([undefined, undefined, undefined]);
    expect(letters[0]?.error.cause).toBeInstanceOf(Error);
    expect(letters[2]?.error.metadata.key).toBe("42");
    expect(router.snapshot().invalidKeys).toBe(3);
  });

  it("keeps the ingress order per tenant when processors are asynchronous", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    const envelopes = Array.from({ length: 20 }, (_, i) => env(i % 2 === 0 ? "a" : "b", i));
    const router = new TenantRouter(filledIngress(envelopes), {
      tenants: ["a", "b"],
      capacity: 2,
      timeProvider: clock,
      process: async (_c, id, e) => {
        await Promise.resolve();
        seen.push(`${id}:${e.id}`);
        return ok();
      },
    });
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(seen.filter((s) => s.startsWith("a:"))).toEqual(
      envelopes.filter((e) => e.tenantId === "a").map((e) => `a:${e.id}`),
    );
    expect(seen.filter((s) => s.startsWith("b:"))).toEqual(
      envelopes.filter((e) => e.tenantId === "b").map((e) => `b:${e.id}`),
    );
  });

  it("rejects bad options synchronously", () => {
    const ingress = filledIngress([]);
    expect(() => new TenantRouter(ingress, {} as never)).toThrow(TypeError);
    expect(() => new TenantRouter(ingress, { process: () => ok(), capacity: 0 })).toThrow(RangeError);
    expect(() => new TenantRouter(ingress, { process: () => ok(), overflow: "nope" as never })).toThrow(
      TypeError,
    );
    expect(() => new TenantRouter(ingress, { process: () => ok(), unknownTenant: "x" as never })).toThrow(
      TypeError,
    );
    const router = new TenantRouter(ingress, { process: () => ok() });
    expect(() => router.add("  ")).toThrow(TypeError);
    expect(() => router.add("t", { capacity: 1.5 })).toThrow(RangeError);
  });

  it("refuses a reader that does not come from @pipe/channels", () => {
    const foreign = { tryRead: () => Symbol("x") } as never;
    expect(() => new TenantRouter<Envelope>(foreign, { process: () => ok() })).toThrow(
      new TypeError("TenantRouter: ingress must be a reader from @pipe/channels."),
    );
  });
});
