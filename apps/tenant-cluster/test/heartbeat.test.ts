import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { Runner } from "../src/runner.ts";
import { migrateCluster } from "../src/schema.ts";
import { produce } from "../src/stream-ingress.ts";
import { cleanup, DATABASE_URL, REDIS_URL, serversMissing, uniqueName, until } from "./helpers.ts";

const missing = await serversMissing();
if (missing !== undefined) console.log(`tenant-cluster heartbeat test skipped: ${missing}`);

describe.skipIf(missing !== undefined)("heartbeats under a stalled handoff burst", () => {
  const schema = uniqueName("tc_beat");
  const prefix = uniqueName("tc-beat");
  afterAll(() => cleanup(schema, prefix));

  it("keeps the lease while every control connection waits on a fence lock", async () => {
    const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => undefined });
    const tenants = Array.from({ length: 6 }, (_, i) => `t${i}`);
    await migrateCluster(sql, schema);
    // Another session holds the tenants' fence rows: the runner's fence raises (on its control pool) all wait.
    for (const t of tenants)
      await sql.unsafe(
        `INSERT INTO "${schema}".tenant_fences (namespace, tenant_id, token, runner_id, pos_ms, pos_seq, raised_at)
         VALUES ('tenants', $1, 0, '', 0, 0, clock_timestamp())`,
        [t],
      );
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = false;
    const holding = sql.begin(async (tx) => {
      await tx.unsafe(`SELECT 1 FROM "${schema}".tenant_fences FOR UPDATE`);
      locked = true;
      await released;
    });
    await until(() => locked, 10_000, "the fence rows to be locked");
    const runner = new Runner({
      runnerId: "beat",
      databaseUrl: DATABASE_URL,
      redisUrl: REDIS_URL,
      schema,
      namespace: "tenants",
      prefix,
      leaseMs: 600,
    });
    try {
      await runner.start();
      await produce({
        url: REDIS_URL,
        prefix,
        envelopes: tenants.map((t, i) => ({ tenantId: t, messageId: `m${i}`, payload: i })),
      });
      // The raises are stuck on the lock (nothing acquired) for several leases, yet the runner stays registered.
      const waits = async (): Promise<number> =>
        Number(
          (
            await sql.unsafe(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%tenant_fences%FOR UPDATE%' AND datname = current_database()",
            )
          )[0]?.n,
        );
      await until(async () => (await waits()) >= 3, 30_000, "the control connections to wait on the lock");
      // Five renewals while every control connection is stuck: heartbeats do not queue behind the raises.
      const beats = runner.counters.heartbeats;
      await until(
        () => runner.counters.heartbeats >= beats + 5,
        30_000,
        "five heartbeats while the raises wait",
      );
      expect(runner.held.size).toBe(0);
      expect(runner.counters.reregistrations).toBe(0);
      expect(runner.incarnation).toBe(1);
      release();
      await holding;
      await until(
        () => runner.held.size === tenants.length,
        30_000,
        "the tenants to be acquired once the lock is gone",
      );
    } finally {
      release();
      await holding.catch(() => undefined);
      await runner.stop();
      await sql.end({ timeout: 2 });
    }
  }, 90_000);
});
