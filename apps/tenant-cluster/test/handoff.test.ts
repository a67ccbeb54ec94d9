import { ok } from "@pipe/pipeline";
import type { TenantRouter } from "@pipe/tenants";
import { describe, expect, it } from "vitest";
import type { TenantFences } from "../src/fences.ts";
import { Handoffs, type Held } from "../src/internal/handoff.ts";
import type { ClusterEnvelope, TenantStreams } from "../src/stream-ingress.ts";
import { until } from "./helpers.ts";

describe("tenant handoffs of a runner", () => {
  it("tries an acquisition again after the store failed, until the tenant is worked", async () => {
    let raises = 0;
    const fences = {
      raise: async () => {
        if (++raises <= 2) throw new Error("connection refused");
        return { raised: true, position: "7-0" };
      },
    } as unknown as TenantFences;
    const tenants = new Set<string>();
    const router = {
      has: (t: string) => tenants.has(t),
      add: (t: string) => {
        tenants.add(t);
        return ok(undefined);
      },
      remove: async (t: string) => {
        tenants.delete(t);
        return ok(undefined);
      },
    } as unknown as TenantRouter<ClusterEnvelope>;
    const opened: string[] = [];
    const streams = {
      open: (t: string, token: number, position: string) => opened.push(`${t}:${token}:${position}`),
      stop: () => undefined,
    } as unknown as TenantStreams;
    const held = new Map<string, Held>();
    const handoffs = new Handoffs({
      router,
      streams,
      fences,
      held,
      runnerId: "a",
      stopped: () => false,
      counters: { acquired: 0, released: 0 },
      log: () => undefined,
      retryMs: 1,
    });
    handoffs.want("acme", 4);
    await until(() => held.has("acme"), 10_000, "acme to be acquired after the store came back");
    expect(raises).toBe(3);
    expect(opened).toEqual(["acme:4:7-0"]);
    // A retry never overrides a newer wish: releasing while a retry is pending leaves the tenant released.
    raises = 0;
    handoffs.want("other", 2);
    handoffs.want("other", undefined);
    await handoffs.settled();
    expect(held.has("other")).toBe(false);
  });

  it("never raises a fence for, nor retries, a tenant id the router refuses (invisible or bidi characters)", async () => {
    let raises = 0;
    const fences = {
      raise: async () => {
        raises++;
        return { raised: true, position: "0-0" };
      },
    } as unknown as TenantFences;
    const added: string[] = [];
    const router = {
      has: () => false,
      add: (t: string) => {
        added.push(t);
        return ok(undefined);
      },
      remove: async () => ok(undefined),
    } as unknown as TenantRouter<ClusterEnvelope>;
    const streams = { open: () => 0, stop: () => undefined } as unknown as TenantStreams;
    const held = new Map<string, Held>();
    const logs: string[] = [];
    const handoffs = new Handoffs({
      router,
      streams,
      fences,
      held,
      runnerId: "a",
      stopped: () => false,
      counters: { acquired: 0, released: 0 },
      log: (line) => logs.push(line),
      retryMs: 1,
    });
    handoffs.want("ac\u202eme", 3);
    handoffs.want("zero\u200bwidth", 4);
    await handoffs.settled();
    expect([raises, added, held.size]).toEqual([0, [], 0]);
    expect(logs).toEqual([
      expect.stringContaining("not acquiring ac\\u{202e}me: not a tenant id"),
      expect.stringContaining("not acquiring zero\\u{200b}width: not a tenant id"),
    ]);
  });
});
