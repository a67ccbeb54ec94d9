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

/**
 * The demo's admin script: adds the late tenant once 30% of the traffic was read and removes one at 60%,
 * through the real admin HTTP API (so the printed curl commands are exactly what happens). Progress-driven
 * (`progress()` in 0..1), not wall-clock-driven, so a busy machine does not reorder the story.
 */
export async function runDemoScript(
  admin: { readonly url: string; readonly token: string },
  progress: () => number,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const reached = async (fraction: number): Promise<boolean> => {
    while (!signal.aborted && progress() < fraction) await new Promise((r) => setTimeout(r, 20));
    return !signal.aborted;
  };
  const headers = { authorization: `Bearer ${admin.token}`, "content-type": "application/json" };
  if (!(await reached(0.3))) return;
  const added = await fetch(`${admin.url}/admin/tenants`, {
    method: "POST",
    headers,
    body: JSON.stringify({ tenantId: DEMO.late }),
  }).catch((e: unknown) => e as Error);
  log(
    `demo: POST /admin/tenants {"tenantId":"${DEMO.late}"} -> ${added instanceof Error ? added.message : added.status}` +
      ` (its earlier envelopes were dead-lettered as tenants.unknown)`,
  );
  if (!(await reached(0.6))) return;
  const removed = await fetch(`${admin.url}/admin/tenants/${DEMO.removed}`, {
    method: "DELETE",
    headers,
  }).catch((e: unknown) => e as Error);
  log(
    `demo: DELETE /admin/tenants/${DEMO.removed} -> ${removed instanceof Error ? removed.message : removed.status}` +
      ` (drained what it had accepted; later envelopes are tenants.unknown)`,
  );
}
