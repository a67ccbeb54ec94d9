import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryFeed } from "../src/memory-feed.ts";
import { openStore } from "../src/store.ts";
import { runWorker } from "../src/worker.ts";
import { postgresUnavailable, reportSkip, uniqueName } from "./helpers.ts";

const skip = reportSkip("the PostgreSQL path", await postgresUnavailable());
const schema = uniqueName("ingest_pg");

describe.skipIf(skip)("PostgreSQL store (DATABASE_URL)", () => {
  afterAll(async () => {
    const sql = postgres(process.env.DATABASE_URL as string, { max: 1, onnotice: () => undefined });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  it("same SQL as PGlite: exactly once in effect with rollbacks and concurrent handlers", async () => {
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 10 });
    try {
      expect(store.kind).toBe("postgres");
      const feeds = ["orders", "payments"].map((name) =>
        createMemoryFeed({ name, messages: 500, runId: "pg", invalidEvery: 125 }),
      );
      const r = await runWorker({ feeds, store, concurrency: 8, poisonEvery: 60 });
      expect(r.status).toBe("drained");
      expect(r.stats.processed).toBe(992);
      expect(r.stats.deadLettered).toBe(8);
      const report = await store.report();
      expect(report).toMatchObject({ keys: 992, once: 992, duplicated: 0, undone: 0, deadLetters: 8 });
      expect(report.compensations).toBe(r.stats.compensations.compensatingEvents);
      expect(r.stats.compensations.compensatingEvents).toBe(r.stats.poisoned);
    } finally {
      await store.close();
    }
  });

  it("two stores racing on the same key: one records, the other sees a duplicate", async () => {
    const a = await openStore({ databaseUrl: process.env.DATABASE_URL, schema });
    const b = await openStore({ databaseUrl: process.env.DATABASE_URL, schema });
    try {
      const envelope = {
        id: `race-${schema}`,
        source: "race",
        seq: 1,
        type: "order.placed",
        occurredAt: 1,
        data: { account: "a", amountCents: 1, currency: "EUR" },
      } as const;
      const events = [{ type: "order.placed.ingested", payload: {} }];
      const outcomes = await Promise.all([a.record(envelope, events), b.record(envelope, events)]);
      expect([...outcomes].sort()).toEqual(["duplicate", "recorded"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
