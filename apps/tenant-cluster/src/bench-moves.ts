#!/usr/bin/env node
/**
 * Benchmark: time per coordinator round (register 300 tenants, a join, a leave) with the moves applied one
 * at a time against 4 at once, alternated in one process (A/B) on a fresh schema at DATABASE_URL, dropped
 * afterwards. Environment: PIPE_BENCH_TENANTS (default 300), PIPE_BENCH_TRIALS per side (default 3).
 */
import { PostgresShardRepository } from "@pipe/shards/postgres";
import { Coordinator } from "./coordinator.ts";
import { connect, q, quoteSchema } from "./internal/db.ts";
import { Membership } from "./membership.ts";
import { migrateCluster } from "./schema.ts";
import { tenantName } from "./traffic.ts";

const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const TENANTS = Number(process.env.PIPE_BENCH_TENANTS ?? 300);
const TRIALS = Number(process.env.PIPE_BENCH_TRIALS ?? 3);
const schema = `tc_bench_moves_${Date.now().toString(36)}`;
const sql = await connect(DATABASE_URL, 4);
const opened = await PostgresShardRepository.open({ url: DATABASE_URL, schema, maxConnections: 5 });
if (opened.isErr) throw opened.error;
const repo = opened.value;
await migrateCluster(sql, schema);
const tenants = Array.from({ length: TENANTS }, (_, i) => tenantName(i));
const perMove: Record<number, number[]> = { 1: [], 4: [] };
const lines: string[] = [];
try {
  for (let trial = 0; trial < 2 * TRIALS; trial++) {
    const k = trial % 2 === 0 ? 1 : 4;
    const ns = `ns${trial}`;
    const m = new Membership(sql, schema, ns, 60_000);
    for (const r of ["r1", "r2", "r3"]) await m.register(`${ns}-${r}`);
    const c = new Coordinator({
      sql,
      schema,
      namespace: ns,
      holder: "bench",
      membership: m,
      repository: repo,
      discover: async () => tenants,
      applyConcurrency: k,
    });
    const timed = async (): Promise<[number, Awaited<ReturnType<Coordinator["round"]>>]> => {
      const t = performance.now();
      const r = await c.round();
      return [performance.now() - t, r];
    };
    const [regMs] = await timed();
    await m.register(`${ns}-r4`);
    const [joinMs, join] = await timed();
    await m.leave(`${ns}-r1`, 1);
    const [leaveMs, leave] = await timed();
    perMove[k]?.push(joinMs / join.moves, leaveMs / leave.moves);
    lines.push(
      `  ${k} at once: register ${TENANTS} in ${regMs.toFixed(0)} ms; join ${join.moves} moves in ${joinMs.toFixed(0)} ms; leave ${leave.moves} moves in ${leaveMs.toFixed(0)} ms`,
    );
  }
} finally {
  await repo.close();
  await q(sql, `DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
  await sql.end({ timeout: 2 });
}
const median = (a: number[]): string =>
  ([...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0).toFixed(1);
process.stdout.write(
  `tenant-cluster coordinator rounds (${TENANTS} tenants, 3 runners, then a join and a leave):\n${lines.join("\n")}\n` +
    `  median ms per move: one at a time ${median(perMove[1] ?? [])}, 4 at once ${median(perMove[4] ?? [])}\n`,
);
