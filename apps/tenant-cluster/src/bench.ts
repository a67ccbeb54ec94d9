#!/usr/bin/env node
/**
 * Benchmark: envelopes/s with 1, 2 and 3 runner processes, and per-tenant p99 latency through a handoff
 * (a runner killed with SIGKILL while traffic flows at a fixed rate). Uses PostgreSQL at DATABASE_URL and Redis
 * at REDIS_URL, a fresh schema and key prefix per measurement, dropped afterwards.
 *
 * Environment: PIPE_BENCH_ENVELOPES (default 20,000), PIPE_BENCH_TENANTS (default 50), PIPE_BENCH_RATE for the
 * handoff phase (default 400/s for 12 s). PIPE_BENCH_AB=1 instead compares one commit statement per envelope
 * (`--commit-batch 1`) with group commit (the default), alternated, for 1, 2 and 3 runners.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { produce } from "./stream-ingress.ts";
import { tenantName, traffic } from "./traffic.ts";

const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const ENVELOPES = Number(process.env.PIPE_BENCH_ENVELOPES ?? 20_000);
const TENANTS = Number(process.env.PIPE_BENCH_TENANTS ?? 50);
const RATE = Number(process.env.PIPE_BENCH_RATE ?? 400);
const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => undefined });

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function start(id: string, schema: string, prefix: string, commitBatch = 64): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      "run",
      ...["--runner-id", id, "--schema", schema, "--prefix", prefix, "--lease-ms", "1500"],
      ...["--commit-batch", String(commitBatch)],
    ],
    {
      env: { ...process.env, DATABASE_URL, REDIS_URL },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready ")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`runner ${id} exited with ${code}`)));
  });
}

const stop = async (children: ChildProcess[]): Promise<void> => {
  for (const c of children) c.kill("SIGKILL");
  await sleep(200);
};

async function throughput(runners: number, commitBatch = 64): Promise<number> {
  const schema = `tc_bench_${Date.now().toString(36)}`;
  const prefix = `tc-bench-${Date.now().toString(36)}`;
  const s = `"${schema}"`;
  const children: ChildProcess[] = [];
  try {
    // Tenants are registered and placed over every runner before the measured traffic is produced.
    children.push(await start("b1", schema, prefix, commitBatch));
    await produce({
      url: REDIS_URL,
      prefix,
      envelopes: traffic({ tenants: TENANTS, messages: TENANTS, runId: "warm" }),
    });
    for (let i = 2; i <= runners; i++) children.push(await start(`b${i}`, schema, prefix, commitBatch));
    await until(
      async () => {
        const r = await sql.unsafe(
          `SELECT count(DISTINCT runner_id) AS n, count(*) AS t FROM ${s}.tenant_fences`,
        );
        return Number(r[0]?.n) === runners && Number(r[0]?.t) === TENANTS;
      },
      60_000,
      "placement over every runner",
    );
    await produce({
      url: REDIS_URL,
      prefix,
      envelopes: traffic({ tenants: TENANTS, messages: ENVELOPES, runId: "m" }),
    });
    await until(
      async () =>
        Number((await sql.unsafe(`SELECT count(*) AS n FROM ${s}.effects`))[0]?.n) >= ENVELOPES + TENANTS,
      600_000,
      "drain",
    );
    // Steady state: the window between the 10th and 90th percentile of commit times of the measured traffic.
    const r = await sql.unsafe(
      `SELECT extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY committed_at) - percentile_disc(0.1) WITHIN GROUP (ORDER BY committed_at)) AS s
       FROM ${s}.effects WHERE message_id LIKE 'm-%'`,
    );
    return (0.8 * ENVELOPES) / Number(r[0]?.s);
  } finally {
    await stop(children);
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  }
}

async function handoff(): Promise<string> {
  const schema = `tc_bench_h_${Date.now().toString(36)}`;
  const prefix = `tc-bench-h-${Date.now().toString(36)}`;
  const s = `"${schema}"`;
  const children: ChildProcess[] = [];
  try {
    children.push(await start("h1", schema, prefix));
    await produce({
      url: REDIS_URL,
      prefix,
      envelopes: traffic({ tenants: TENANTS, messages: TENANTS, runId: "warm" }),
    });
    children.push(await start("h2", schema, prefix), await start("h3", schema, prefix));
    await until(
      async () =>
        Number((await sql.unsafe(`SELECT count(DISTINCT runner_id) AS n FROM ${s}.tenant_fences`))[0]?.n) ===
        3,
      60_000,
      "placement",
    );
    const victims = (await sql.unsafe(`SELECT tenant_id FROM ${s}.tenant_fences WHERE runner_id = 'h2'`)).map(
      (r) => r.tenant_id as string,
    );
    const seconds = 12;
    let n = 0;
    const feed = (async () => {
      const t0 = Date.now();
      while (Date.now() - t0 < seconds * 1000) {
        const batch = Array.from({ length: Math.max(1, Math.floor(RATE / 20)) }, () => {
          const i = n++;
          return {
            tenantId: tenantName(i % TENANTS),
            messageId: `h-${i}`,
            payload: { n: i, ts: Date.now() },
          };
        });
        await produce({ url: REDIS_URL, prefix, envelopes: batch });
        await sleep(50);
      }
    })();
    await sleep((seconds / 2) * 1000);
    children[1]?.kill("SIGKILL");
    await feed;
    await until(
      async () =>
        Number(
          (await sql.unsafe(`SELECT count(*) AS n FROM ${s}.effects WHERE message_id LIKE 'h-%'`))[0]?.n,
        ) >= n,
      120_000,
      "drain",
    );
    const rows = await sql.unsafe(
      `SELECT tenant_id, percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM committed_at) * 1000 - (payload->>'ts')::float8) AS p99
       FROM ${s}.effects WHERE message_id LIKE 'h-%' GROUP BY 1`,
    );
    const moved = rows
      .filter((r) => victims.includes(r.tenant_id as string))
      .map((r) => Number(r.p99))
      .sort((a, b) => a - b);
    const kept = rows
      .filter((r) => !victims.includes(r.tenant_id as string))
      .map((r) => Number(r.p99))
      .sort((a, b) => a - b);
    const med = (a: number[]): string =>
      a.length === 0 ? "-" : (a[Math.floor(a.length / 2)] as number).toFixed(0);
    const max = (a: number[]): string => (a.length === 0 ? "-" : (a[a.length - 1] as number).toFixed(0));
    return `per-tenant p99 latency (produce -> commit, ms) at ${RATE}/s with a runner killed (-9) mid-run, lease 1.5 s:
  ${moved.length} moved tenants: median p99 ${med(moved)}, max p99 ${max(moved)}
  ${kept.length} other tenants: median p99 ${med(kept)}, max p99 ${max(kept)}`;
  } finally {
    await stop(children);
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  }
}

const lines: string[] = [`tenant-cluster bench: ${ENVELOPES} envelopes over ${TENANTS} tenants per run`];
if (process.env.PIPE_BENCH_AB === "1") {
  // A/B, alternated: one statement per envelope (--commit-batch 1) against group commit (default 64).
  for (const k of [1, 2, 3])
    for (const batch of [1, 64])
      lines.push(
        `  ${k} runner(s), --commit-batch ${batch}: ${(await throughput(k, batch)).toFixed(0)} envelopes/s (steady state)`,
      );
} else {
  for (const k of [1, 2, 3])
    lines.push(`  ${k} runner(s): ${(await throughput(k)).toFixed(0)} envelopes/s (steady state)`);
  lines.push(await handoff());
}
process.stdout.write(`${lines.join("\n")}\n`);
await sql.end({ timeout: 2 });
