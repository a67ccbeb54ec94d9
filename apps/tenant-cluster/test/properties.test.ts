import { PostgresShardRepository } from "@pipe/shards/postgres";
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coordinator } from "../src/coordinator.ts";
import { type FencedWrite, TenantFences } from "../src/fences.ts";
import { Membership } from "../src/membership.ts";
import { migrateCluster } from "../src/schema.ts";
import { tenantName } from "../src/traffic.ts";
import { cleanup, DATABASE_URL, serversMissing, uniqueName } from "./helpers.ts";

const missing = await serversMissing(false);
if (missing !== undefined) console.log(`tenant-cluster property tests skipped: ${missing}`);

type Op =
  | { readonly kind: "raise"; readonly runner: number }
  | { readonly kind: "commit"; readonly runner: number; readonly advance: boolean };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("raise" as const), runner: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant("commit" as const),
    runner: fc.integer({ min: 0, max: 2 }),
    advance: fc.boolean(),
  }),
);

describe.skipIf(missing !== undefined)("properties on PostgreSQL", () => {
  const schema = uniqueName("tc_prop");
  const s = `"${schema}"`;
  let sql: postgres.Sql;
  let repo: PostgresShardRepository;
  let run = 0;
  beforeAll(async () => {
    sql = postgres(DATABASE_URL, { max: 8, onnotice: () => undefined });
    repo = (await PostgresShardRepository.open({ url: DATABASE_URL, schema, maxConnections: 5 })).unwrap();
    await migrateCluster(sql, schema);
  });
  afterAll(async () => {
    await repo?.close();
    await sql?.end({ timeout: 2 });
    await cleanup(schema);
  });

  it("fencing: under any interleaving of owners raising and writing (several at once), a stale token is never accepted", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          const ns = `fence-${++run}`;
          const fences = ["a", "b", "c"].map((r) => new TenantFences(sql, schema, ns, r));
          const token = [0, 0, 0]; // the token each runner believes it holds (0: none yet)
          const cursor = [0, 0, 0]; // the last position each runner knows committed
          let next = 0; // tokens come from the control plane: strictly increasing
          let accepted = 0;
          for (const step of steps) {
            await Promise.all(
              step.map(async (o) => {
                const f = fences[o.runner] as TenantFences;
                if (o.kind === "raise") {
                  const t = ++next;
                  const r = await f.raise("acme", t);
                  if (r.raised) {
                    token[o.runner] = t;
                    cursor[o.runner] = Number(r.position.split("-")[0]);
                  }
                  return;
                }
                const held = token[o.runner] as number;
                if (held === 0) return;
                const pos = (cursor[o.runner] as number) + (o.advance ? 1 : 0);
                if (pos === 0) return;
                const outcome: FencedWrite = await f.commit({
                  tenantId: "acme",
                  messageId: `m${pos}`,
                  streamId: `${pos}-0`,
                  token: held,
                  payload: null,
                });
                if (outcome === "ok") {
                  accepted++;
                  cursor[o.runner] = pos;
                }
              }),
            );
          }
          // Every accepted effect lies inside the ownership interval of its token (database time), positions are
          // written once, and tokens never decrease along the stream.
          const rows = await sql.unsafe(
            `SELECT count(*) AS n, count(DISTINCT e.stream_id) AS distinct_positions,
             count(*) FILTER (WHERE o.token IS NULL OR e.runner_id <> o.runner_id OR e.committed_at < o.started_at
               OR (o.ended_at IS NOT NULL AND e.committed_at > o.ended_at)) AS outside,
             (SELECT count(*) FROM (SELECT token, lag(token) OVER (ORDER BY split_part(stream_id, '-', 1)::int) AS prev
                FROM ${s}.effects WHERE namespace = $1) x WHERE prev > token) AS decreasing
           FROM ${s}.effects e LEFT JOIN ${s}.ownerships o
             ON o.namespace = e.namespace AND o.tenant_id = e.tenant_id AND o.token = e.token
           WHERE e.namespace = $1`,
            [ns],
          );
          const r = rows[0] as unknown as Record<string, string>;
          expect(Number(r.n)).toBe(accepted);
          expect(Number(r.distinct_positions)).toBe(accepted);
          expect(Number(r.outside)).toBe(0);
          expect(Number(r.decreasing)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("placement: over random joins and leaves, each round moves exactly the theoretical minimum, only to a joiner or from a leaver", async () => {
    const tenants = Array.from({ length: 40 }, (_, i) => tenantName(i));
    const event = fc.oneof(
      fc.record({ kind: fc.constant("join" as const), weight: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("leave" as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), async (events) => {
        const ns = `place-${++run}`;
        const m = new Membership(sql, schema, ns, 60_000);
        const live: string[] = [];
        let joined = 0;
        const join = async (weight: number): Promise<string> => {
          const id = `${ns}-r${++joined}`;
          await m.register(id, weight);
          live.push(id);
          return id;
        };
        await join(1);
        await join(1);
        const c = new Coordinator({
          sql,
          schema,
          namespace: ns,
          holder: "prop",
          membership: m,
          repository: repo,
          discover: async () => tenants,
        });
        expect(await c.round()).toMatchObject({ registered: tenants.length });
        const owners = async () =>
          new Map((await repo.list(ns)).unwrap().map((r) => [r.shardId, r.ownerNodeId]));
        let before = await owners();
        for (const e of events) {
          let joiner: string | undefined;
          let leaver: string | undefined;
          if (e.kind === "join") joiner = await join(e.weight);
          else if (live.length > 1) {
            leaver = live.splice(e.pick % live.length, 1)[0] as string;
            await m.leave(leaver, 1);
          } else continue;
          const round = await c.round();
          expect(round.moves).toBe(round.minimumMoves);
          const after = await owners();
          const moved = tenants.filter((t) => before.get(t) !== after.get(t));
          expect(moved.length).toBe(round.moves);
          for (const t of moved) {
            if (joiner !== undefined) expect(after.get(t)).toBe(joiner);
            else expect(before.get(t)).toBe(leaver);
          }
          if (leaver !== undefined) expect([...after.values()].includes(leaver)).toBe(false);
          before = after;
        }
      }),
      { numRuns: 10 },
    );
  }, 180_000);
});
