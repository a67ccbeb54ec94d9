import { ResultRetryPolicy, VirtualTimeProvider } from "@pipe/pipeline";
import { TenantErrorCodes } from "@pipe/tenants";
import { expect } from "vitest";
import { TenantRouterApp } from "../src/app.ts";
import type { Envelope } from "../src/envelope.ts";
import { failingFrom, type TenantFault } from "../src/faults.ts";
import { generateEnvelopes } from "../src/generator.ts";
import type { Ingress } from "../src/ingress.ts";
import type { LedgerStore } from "../src/store.ts";
import type { RunSummary } from "../src/summary.ts";
import { drive, gate, uniqueName, until } from "./helpers.ts";

const TENANTS = ["acme", "globex", "bad", "slow"] as const;
const PER_TENANT = 50;
const FAIL_FROM = 20;
const SLOW_CAPACITY = 5;

/**
 * The isolation scenario, end to end on a given store and ingress: four tenants, 50 envelopes each; `bad`
 * fails from its 20th envelope on (after the append), `slow` is held by a gate until everything was routed
 * (capacity 5, deadLetter overflow). Back-offs run on a virtual clock.
 */
export async function runIsolationScenario(
  store: LedgerStore,
  makeIngress: (envelopes: readonly Envelope[]) => Promise<Ingress>,
): Promise<{ app: TenantRouterApp; summary: RunSummary; runId: string }> {
  const runId = uniqueName("r");
  const envelopes = [...generateEnvelopes({ tenants: TENANTS, count: TENANTS.length * PER_TENANT, runId })];
  const ingress = await makeIngress(envelopes);
  const slowGate = gate();
  const faults = new Map<string, TenantFault>([
    ["bad", failingFrom(FAIL_FROM)],
    ["slow", { before: () => slowGate.wait() }],
  ]);
  const clock = new VirtualTimeProvider();
  const app = new TenantRouterApp({
    store,
    ingress,
    tenants: TENANTS,
    faults,
    tenantOptions: (id) => (id === "slow" ? { capacity: SLOW_CAPACITY, overflow: "deadLetter" } : undefined),
    retry: ResultRetryPolicy.exponential(3, 100, 2),
    timeProvider: clock,
  });
  const run = app.run();
  const slowReceived = (): number =>
    app.router.snapshot().tenants.find((t) => t.tenantId === "slow")?.received ?? 0;
  await until(() => slowReceived() === PER_TENANT, 20_000, "every slow envelope routed");
  slowGate.open();
  const summary = await drive(run, clock);
  await ingress.close();
  return { app, summary, runId };
}

/** The scenario's assertions: each ledger holds only its own envelopes; bad rolled back and parked; others complete. */
export async function expectIsolation(store: LedgerStore, summary: RunSummary, runId: string): Promise<void> {
  const tenant = (id: string) => summary.tenants.find((t) => t.tenantId === id);
  const ids = (id: string, n: number) => Array.from({ length: n }, (_, i) => `${runId}-${id}-${i + 1}`);
  // Healthy tenants: complete, in order, only their own envelopes.
  for (const id of ["acme", "globex"]) {
    expect(await store.ledger(id)).toEqual(ids(id, PER_TENANT));
    expect(tenant(id)).toMatchObject({ processed: PER_TENANT, deadLettered: 0, failed: 0, restarts: 0 });
  }
  const foreign = await store.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${store.schema}".ledger WHERE message_id LIKE $1 AND message_id NOT LIKE $1 || tenant_id || '-%'`,
    [`${runId}-`],
  );
  expect(foreign[0]?.n).toBe(0);
  // The failing tenant: its whole ledger rolled back (seed 002 isolate rollback), restarted twice, parked.
  expect(await store.ledger("bad")).toEqual([]);
  expect(tenant("bad")).toMatchObject({
    state: "parked",
    processed: FAIL_FROM - 1,
    restarts: 2,
    failed: 3,
    deadLettered: PER_TENANT - FAIL_FROM + 1,
  });
  expect(tenant("bad")?.appended).toBe(FAIL_FROM - 1 + 3);
  expect(tenant("bad")?.reverted).toBe(FAIL_FROM - 1 + 3);
  const outbox = await store.query<{ kind: string; n: number }>(
    `SELECT kind, count(*)::int AS n FROM "${store.schema}".outbox WHERE tenant_id = 'bad' AND message_id LIKE $1 GROUP BY kind ORDER BY kind`,
    [`${runId}-%`],
  );
  expect(outbox).toEqual([
    { kind: "appended", n: FAIL_FROM - 1 + 3 },
    { kind: "reverted", n: FAIL_FROM - 1 + 3 },
  ]);
  // The slow tenant: what did not fit was dead-lettered (overflow), the rest processed; nothing lost.
  const slow = tenant("slow");
  expect((slow?.processed ?? 0) + (slow?.deadLettered ?? 0)).toBe(PER_TENANT);
  expect(slow?.deadLettered).toBeGreaterThanOrEqual(PER_TENANT - SLOW_CAPACITY - 1);
  expect(await store.ledger("slow")).toHaveLength(slow?.processed ?? -1);
  // Dead letters stored with their codes.
  const letters = await store.query<{ code: string; n: number }>(
    `SELECT code, count(*)::int AS n FROM "${store.schema}".dead_letters WHERE message_id LIKE $1 GROUP BY code ORDER BY code`,
    [`${runId}-%`],
  );
  expect(letters).toEqual([
    { code: TenantErrorCodes.overflow, n: slow?.deadLettered },
    { code: TenantErrorCodes.parked, n: PER_TENANT - FAIL_FROM + 1 },
  ]);
  expect(summary.healthy).toBe(true);
  expect(summary.outcome.code).toBe("error.aggregate");
  expect(summary.totals.processed + summary.totals.deadLettered).toBe(TENANTS.length * PER_TENANT);
}
