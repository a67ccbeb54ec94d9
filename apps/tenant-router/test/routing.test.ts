import { ResultRetryPolicy, VirtualTimeProvider } from "@pipe/pipeline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TenantRouterApp } from "../src/app.ts";
import { failingFrom } from "../src/faults.ts";
import { generateEnvelopes } from "../src/generator.ts";
import { createMemoryIngress } from "../src/memory-ingress.ts";
import { type LedgerStore, openStore } from "../src/store.ts";
import { drive, env, manualIngress, until } from "./helpers.ts";
import { expectIsolation, runIsolationScenario } from "./scenario.ts";

describe("routing isolation end to end (in-memory ingress, PGlite)", () => {
  let store: LedgerStore;
  beforeEach(async () => {
    store = await openStore({ dataDir: "memory://" });
  });
  afterEach(async () => {
    await store.close();
  });

  it("each tenant's ledger holds only its own envelopes; the failing tenant is rolled back and parked; the slow one dead-letters; others complete", async () => {
    const { summary, runId, app } = await runIsolationScenario(store, async (envelopes) =>
      createMemoryIngress({ envelopes, capacity: 16 }),
    );
    await expectIsolation(store, summary, runId);
    expect(app.ingress.stats).toMatchObject({ read: 200, acked: 200 });
    // The router handed back completed work's rollbacks; the app cleared them (the ledger is the record).
    expect(app.router.context.compensationScope.size).toBe(0);
  });

  it("isolateRollback envelope keeps the failing tenant's completed rows and undoes only the failing one", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = createMemoryIngress({
      envelopes: generateEnvelopes({ tenants: ["ok", "bad"], count: 20, runId: "e" }),
    });
    const app = new TenantRouterApp({
      store,
      ingress,
      tenants: ["ok", "bad"],
      faults: new Map([["bad", failingFrom(4)]]),
      isolateRollback: "envelope",
      retry: ResultRetryPolicy.exponential(2, 50),
      timeProvider: clock,
    });
    const summary = await drive(app.run(), clock);
    expect(await store.ledger("bad")).toEqual(["e-bad-1", "e-bad-2", "e-bad-3"]);
    expect(await store.ledger("ok")).toHaveLength(10);
    expect(summary.tenants.find((t) => t.tenantId === "bad")).toMatchObject({ state: "parked", reverted: 2 });
  });

  it("failFast (seed 002 as written) aborts every tenant and rolls back every ledger", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({
      store,
      ingress,
      tenants: ["a", "b", "bad"],
      faults: new Map([["bad", failingFrom(3)]]),
      failureMode: "failFast",
    });
    const run = app.run();
    for (let n = 1; n <= 5; n++) ingress.push(env("a", n), env("b", n));
    const processed = (id: string) => app.router.snapshot().tenants.find((t) => t.tenantId === id)?.processed;
    await until(() => processed("a") === 5 && processed("b") === 5, 10_000, "a and b to process 5 each");
    expect(await store.ledger("a")).toHaveLength(5);
    ingress.push(env("bad", 1), env("bad", 2), env("bad", 3), env("a", 6));
    const summary = await run;
    expect(summary.outcome.ok).toBe(false);
    expect(summary.healthy).toBe(false);
    for (const id of ["a", "b", "bad"]) expect(await store.ledger(id)).toEqual([]);
    const reverted = await store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${store.schema}".outbox WHERE kind = 'reverted'`,
    );
    const appended = summary.tenants.reduce((n, t) => n + t.appended, 0);
    expect(appended).toBeGreaterThanOrEqual(5 + 5 + 3);
    expect(reverted[0]?.n).toBe(appended);
  });

  it("a redelivered envelope is not appended twice (ledger idempotency)", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({ store, ingress, tenants: ["a"] });
    const run = app.run();
    ingress.push(env("a", 1), env("a", 1), env("a", 2));
    ingress.end();
    const summary = await run;
    expect(await store.ledger("a")).toEqual(["t-a-1", "t-a-2"]);
    expect(summary.tenants[0]).toMatchObject({ processed: 3, appended: 2, duplicates: 1 });
    expect(ingress.acked).toHaveLength(3);
  });

  it("unknown tenants and invalid keys are dead-lettered and stored, never dropped", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({ store, ingress, tenants: ["a"] });
    const run = app.run();
    ingress.push(env("a", 1), env("nobody", 1), { tenantId: "", messageId: "x", payload: null });
    ingress.end();
    const summary = await run;
    expect(summary.unknown).toBe(1);
    expect(summary.invalidKeys).toBe(1);
    expect(summary.deadLettersByCode).toEqual({ "tenants.key.invalid": 1, "tenants.unknown": 1 });
    const rows = await store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${store.schema}".dead_letters`,
    );
    expect(rows[0]?.n).toBe(2);
    expect(ingress.acked).toHaveLength(3);
  });
});
