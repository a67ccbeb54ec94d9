import {
  ErrorCodes,
  err,
  GoDiagnostics,
  type MeterLike,
  ok,
  PipeError,
  ResultRetryPolicy,
} from "@pipe/pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { TenantErrorCodes, TenantRouter } from "../src/index.ts";
import { drive, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

function fakeMeter() {
  const created: string[] = [];
  const values = new Map<string, number>();
  const instrument = (name: string) => {
    created.push(name);
    const bump = (n: number, attrs?: Readonly<Record<string, unknown>>) => {
      const key = `${name}${attrs?.tenantId === undefined ? "" : `{${String(attrs.tenantId)}}`}`;
      values.set(key, (values.get(key) ?? 0) + n);
    };
    return { add: bump, record: bump };
  };
  const meter: MeterLike = {
    createCounter: instrument,
    createHistogram: instrument,
    createUpDownCounter: instrument,
  };
  return { meter, created, values };
}

afterEach(() => GoDiagnostics.reset());

describe("observability", () => {
  it("creates no tenants.* instrument while diagnostics are off", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1)]), {
      tenants: ["a"],
      timeProvider: clock,
      process: () => ok(),
    });
    await drive(router.run(), clock);
    const { meter, created } = fakeMeter();
    GoDiagnostics.configure(meter);
    expect(created.filter((n) => n.startsWith("tenants."))).toEqual([]);
  });

  it("exports per-tenant counters through the configured meter, created lazily once", async () => {
    const { meter, created, values } = fakeMeter();
    GoDiagnostics.configure(meter);
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1), env("a", 2), env("b", 3), env("zz", 4)]), {
      tenants: ["a", "b"],
      retry: ResultRetryPolicy.fixed(2, 1),
      timeProvider: clock,
      process: (_c, id) => (id === "b" ? err(PipeError.from("no")) : ok()),
    });
    await drive(router.run(), clock);
    expect(created.filter((n) => n.startsWith("tenants.")).sort()).toEqual([
      "tenants.active",
      "tenants.dead_lettered",
      "tenants.depth",
      "tenants.dropped",
      "tenants.failed",
      "tenants.processed",
      "tenants.received",
      "tenants.restarts",
    ]);
    expect(values.get("tenants.received{a}")).toBe(2);
    expect(values.get("tenants.processed{a}")).toBe(2);
    expect(values.get("tenants.failed{b}")).toBe(2);
    expect(values.get("tenants.restarts{b}")).toBe(1);
    expect(values.get("tenants.dead_lettered{b}")).toBe(1);
    expect(values.get("tenants.dead_lettered{zz}")).toBe(1);
    expect(values.get("tenants.active{a}")).toBe(0);
  });

  it("counts reach the meter configured now: configure A, reset, configure B", async () => {
    const run = async () => {
      const clock = new VirtualTimeProvider();
      const router = new TenantRouter(filledIngress([env("a", 1)]), {
        tenants: ["a"],
        timeProvider: clock,
        process: () => ok(),
      });
      await drive(router.run(), clock);
    };
    const a = fakeMeter();
    const b = fakeMeter();
    GoDiagnostics.configure(a.meter);
    await run();
    GoDiagnostics.reset();
    await run();
    GoDiagnostics.configure(b.meter);
    await run();
    await run();
    expect(a.values.get("tenants.processed{a}")).toBe(1);
    expect(b.values.get("tenants.processed{a}")).toBe(2);
    GoDiagnostics.configure(a.meter);
    await run();
    expect(a.values.get("tenants.processed{a}")).toBe(2);
    expect(b.values.get("tenants.processed{a}")).toBe(2);
  });

  it("the snapshot adds up", async () => {
    const clock = new VirtualTimeProvider();
    const router = new TenantRouter(filledIngress([env("a", 1), env("b", 2), env("q", 3)]), {
      tenants: ["a", "b"],
      retry: ResultRetryPolicy.none,
      timeProvider: clock,
      process: (_c, id) => (id === "b" ? err(PipeError.from("no")) : ok()),
    });
    expect(router.snapshot().state).toBe("idle");
    expect(router.snapshot().tenants.map((t) => t.state)).toEqual(["pending", "pending"]);
    await drive(router.run(), clock);
    const s = router.snapshot();
    expect(s.totals).toEqual({
      received: 2,
      processed: 1,
      failed: 1,
      deadLettered: 2,
      dropped: 0,
      restarts: 0,
    });
    expect(s.unknown).toBe(1);
  });
});

describe("error codes", () => {
  it("registers a descriptor for every tenants.* code", () => {
    for (const code of Object.values(TenantErrorCodes)) {
      const d = ErrorCodes.describe(code);
      expect(d?.category).toBe("Tenants");
      expect(d?.code).toBe(code);
    }
    expect(PipeError.from("x", TenantErrorCodes.parked).metadata["error.name"]).toBe("TenantParked");
  });
});
