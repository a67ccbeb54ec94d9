import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryIngress } from "../src/memory-ingress.ts";
import { openStore } from "../src/store.ts";
import { postgresUnavailable, reportSkip, uniqueName } from "./helpers.ts";
import { expectIsolation, runIsolationScenario } from "./scenario.ts";

const skip = reportSkip("the PostgreSQL path", await postgresUnavailable());
const url = process.env.DATABASE_URL as string;
const schema = uniqueName("tenant_router_test");

describe.skipIf(skip)("PostgreSQL store (DATABASE_URL)", () => {
  afterAll(async () => {
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end({ timeout: 1 });
  });

  it("runs the isolation scenario on PostgreSQL with the same SQL (a unique schema per run)", async () => {
    const store = await openStore({ databaseUrl: url, schema });
    try {
      expect(store.kind).toBe("postgres");
      const { summary, runId } = await runIsolationScenario(store, async (envelopes) =>
        createMemoryIngress({ envelopes, capacity: 16 }),
      );
      expect(summary.store).toBe("postgres");
      await expectIsolation(store, summary, runId);
    } finally {
      await store.close();
    }
  });

  it("migrates idempotently (a second open of the same schema works and sees the rows)", async () => {
    const store = await openStore({ databaseUrl: url, schema });
    try {
      const counts = await store.counts();
      expect(counts.find((c) => c.tenantId === "acme")?.ledger).toBe(50);
    } finally {
      await store.close();
    }
  });
});
