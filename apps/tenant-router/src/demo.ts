import { ResultRetryPolicy } from "@pipe/pipeline";
import type { TenantOptions } from "@pipe/tenants";
import { failingFrom, slow, type TenantFault } from "./faults.ts";

/** The demo's cast. */
export const DEMO = {
  /** Healthy tenants registered at start. */
  healthy: ["acme", "globex", "initech", "umbrella"] as readonly string[],
  /** Fails every envelope from its 300th on (after the ledger append): restarted, rolled back, then parked. */
  failing: "flaky",
  /** Takes 20 ms per envelope with a 20-envelope branch and the deadLetter overflow policy. */
  slow: "sloth",
  /** Not registered at start: its envelopes are dead-lettered as unknown until the demo adds it (admin POST). */
  late: "hooli",
  /** Removed mid-run (admin DELETE): drains what it accepted, later envelopes are unknown. */
  removed: "initech",
  failFrom: 300,
  slowMs: 20,
  slowCapacity: 20,
} as const;

/** What the CLI needs to run the demo. */
export interface DemoPlan {
  readonly tenants: readonly string[];
  /** Tenant cycle of the generated traffic (the late tenant included). */
  readonly traffic: readonly string[];
  readonly faults: ReadonlyMap<string, TenantFault>;
  readonly tenantOptions: (tenantId: string) => TenantOptions | undefined;
  /** 3 restarts (100, 200, 400 ms back-off), then parked. */
  readonly retry: ResultRetryPolicy;
  readonly count: number;
}

/** Builds the demo: `rate` envelopes/s for `seconds`, over seven tenants (one share each). */
export function demoPlan(rate: number, seconds: number): DemoPlan {
  const r = rate > 0 ? rate : 4_000;
  return {
    tenants: [...DEMO.healthy, DEMO.failing, DEMO.slow],
    traffic: [...DEMO.healthy, DEMO.failing, DEMO.slow, DEMO.late],
    faults: new Map<string, TenantFault>([
      [DEMO.failing, failingFrom(DEMO.failFrom)],
      [DEMO.slow, slow(DEMO.slowMs)],
    ]),
    tenantOptions: (id) =>
      id === DEMO.slow ? { capacity: DEMO.slowCapacity, overflow: "deadLetter" } : undefined,
    retry: ResultRetryPolicy.exponential(4, 100, 2, 1_000),
    count: Math.round(r * seconds),
  };
}

/** The demo's admin script, driven by the ingress feed (see {@link createDemoScript}). */
export interface DemoScript {
  /**
   * The feed's gate: called before envelope number `fed` (0-based) is fed; at 30% and 60% of the traffic it
   * starts the admin call and returns a promise that settles when the call is answered, so the feed waits.
   */
  readonly gate: (fed: number) => Promise<void> | undefined;
  /** Settles once both admin calls were answered (or the run was aborted). */
  readonly done: Promise<void>;
}

/**
 * The demo's admin script: adds the late tenant once 30% of the traffic was fed and removes one at 60%,
 * through the real admin HTTP API (so the printed curl commands are exactly what happens).
 *
 * Details: the ingress feed (the in-memory pump or the Redis producer) calls `gate(fed)` before each envelope
 * and waits while an admin call is in flight; before each call the script also waits until `drained(fed)` says
 * the router has taken all `fed` envelopes fed so far. So the story does not depend on how fast the machine is:
 * every envelope fed before the 30% mark finds the late tenant unknown and every one after it reaches it; the
 * same at 60% for the removed tenant. Aborting `signal` releases a waiting feed.
 *
 * @example
 * ```ts
 * import { createDemoScript, createMemoryIngress, generateEnvelopes, type Ingress } from "@pipe/app-tenant-router";
 * const admin = { url: "http://127.0.0.1:8788", token: "secret" };
 * const envelopes = generateEnvelopes({ tenants: ["a", "b"], count: 3_000, runId: "demo" });
 * let ingress: Ingress | undefined;
 * const drained = (fed: number) => ingress !== undefined && ingress.stats.read >= fed && ingress.reader.count === 0;
 * const script = createDemoScript(admin, 3_000, drained, console.log, AbortSignal.timeout(10_000));
 * ingress = createMemoryIngress({ envelopes, gate: script.gate });
 * ```
 */
export function createDemoScript(
  admin: { readonly url: string; readonly token: string },
  count: number,
  drained: (fed: number) => boolean,
  log: (line: string) => void,
  signal: AbortSignal,
): DemoScript {
  const headers = { authorization: `Bearer ${admin.token}`, "content-type": "application/json" };
  const addAt = Math.floor(count * 0.3);
  const removeAt = Math.floor(count * 0.6);
  const steps: Promise<void>[] = [];
  const call = async (path: string, init: RequestInit): Promise<string> => {
    try {
      const res = await fetch(`${admin.url}${path}`, { ...init, headers, signal });
      const body = res.ok ? "" : ` ${await res.text()}`;
      return `${res.status}${body}`;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const settle = async (fed: number): Promise<void> => {
    // A macrotask per check: the router routes what it pulled in microtasks, so this sees it done.
    do await new Promise((r) => setTimeout(r, 5));
    while (!signal.aborted && !drained(fed));
  };
  const step = (fed: number, run: () => Promise<void>): Promise<void> => {
    const p = signal.aborted
      ? Promise.resolve()
      : settle(fed).then(() => (signal.aborted ? undefined : run()));
    steps.push(p);
    return p;
  };
  const add = async (): Promise<void> => {
    const status = await call("/admin/tenants", {
      method: "POST",
      body: JSON.stringify({ tenantId: DEMO.late }),
    });
    log(
      `demo: POST /admin/tenants {"tenantId":"${DEMO.late}"} -> ${status}` +
        ` (its earlier envelopes were dead-lettered as tenants.unknown)`,
    );
  };
  const remove = async (): Promise<void> => {
    const status = await call(`/admin/tenants/${DEMO.removed}`, { method: "DELETE" });
    log(
      `demo: DELETE /admin/tenants/${DEMO.removed} -> ${status}` +
        ` (drained what it had accepted; later envelopes are tenants.unknown)`,
    );
  };
  const marks = [
    { at: addAt, run: add },
    { at: removeAt, run: remove },
  ];
  let next = 0;
  return {
    gate(fed) {
      // Every mark at or before `fed` that has not run yet (a feed that starts late, or a tiny demo where
      // both marks fall on the same envelope, still runs each call once, in order).
      if (next >= marks.length || fed < (marks[next] as (typeof marks)[number]).at) return undefined;
      const due: (() => Promise<void>)[] = [];
      while (next < marks.length && fed >= (marks[next] as (typeof marks)[number]).at)
        due.push((marks[next++] as (typeof marks)[number]).run);
      return step(fed, async () => {
        for (const run of due) if (!signal.aborted) await run();
      });
    },
    get done() {
      return Promise.all(steps).then(() => undefined);
    },
  };
}
