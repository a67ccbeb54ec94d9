import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { produce } from "../src/stream-ingress.ts";
import { traffic } from "../src/traffic.ts";
import { cleanup, DATABASE_URL, REDIS_URL, serversMissing, uniqueName, until } from "./helpers.ts";
import { killAll, type RunnerProcess, startRunner } from "./processes.ts";

const missing = await serversMissing();
if (missing !== undefined) console.log(`tenant-cluster failFast test skipped: ${missing}`);

describe.skipIf(missing !== undefined)("failFast across runners", () => {
  const schema = uniqueName("tc_ff");
  const prefix = uniqueName("tc-ff");
  const procs: RunnerProcess[] = [];
  afterAll(async () => {
    killAll(procs);
    await cleanup(schema, prefix);
  });

  it("stops only the failing runner: its compensations run, it leaves (exit 1), and its tenants move to the others", {
    timeout: 280_000,
  }, async () => {
    const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => undefined });
    try {
      const base = ["--schema", schema, "--prefix", prefix, "--lease-ms", "1500"];
      const ff = await startRunner("ff", [...base, "--failure-mode", "failFast", "--fail-marked"]);
      procs.push(ff);
      const steady = await startRunner("steady", base);
      procs.push(steady);
      await produce({
        url: REDIS_URL,
        prefix,
        envelopes: traffic({ tenants: 10, messages: 2_000, runId: "f", failEvery: 50 }),
      });
      await until(() => ff.exitCode !== undefined, 120_000, "the failFast runner to stop");
      expect(ff.exitCode).toBe(1);
      const s = `"${schema}"`;
      // The envelope that failed is dead-lettered with its failure (as @pipe/tenants does under failFast); every
      // other one is committed, by the steady runner once the failing one left.
      const settled = async (): Promise<number> =>
        Number(
          (
            await sql.unsafe(
              `SELECT (SELECT count(DISTINCT message_id) FROM ${s}.effects) + (SELECT count(*) FROM ${s}.dead_letters) AS n`,
            )
          )[0]?.n,
        );
      await until(
        async () => (await settled()) === 2_000,
        120_000,
        "every envelope to be committed or dead-lettered",
      );
      const dead = await sql.unsafe(`SELECT code FROM ${s}.dead_letters`);
      expect(dead.map((d) => d.code)).toEqual(["error.exception"]);
      const runners = await sql.unsafe(`SELECT runner_id, status FROM ${s}.runners ORDER BY 1`);
      expect(runners.map((r) => `${r.runner_id}:${r.status}`)).toEqual(["ff:left", "steady:live"]);
      const comp = await sql.unsafe(
        `SELECT f.attempt_id, count(c.seq) AS n FROM ${s}.failures f LEFT JOIN ${s}.compensations c USING (attempt_id)
         WHERE f.runner_id = 'ff' GROUP BY 1`,
      );
      expect(comp.length).toBeGreaterThan(0);
      expect(comp.every((r) => Number(r.n) === 1)).toBe(true);
      const dup = await sql.unsafe(
        `SELECT count(*) - count(DISTINCT (tenant_id, message_id)) AS n FROM ${s}.effects`,
      );
      expect(Number(dup[0]?.n)).toBe(0);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });
});
