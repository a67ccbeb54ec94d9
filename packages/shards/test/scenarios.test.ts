/**
 * The original's §7.2 hyperscale scenarios, on every store (PostgreSQL when DATABASE_URL answers).
 */
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import {
  InMemoryShardRepository,
  localityStrategy,
  rendezvousStrategy,
  ringStrategy,
  ShardControlPlaneService,
  ShardErrorCodes,
  ShardFilter,
  type ShardListPage,
  type ShardNodeDescriptor,
  type ShardRepository,
} from "../src/index.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";
import { PostgresShardRepository } from "../src/postgres/index.ts";
import { skipReasonUnlessRequired } from "./services.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `pipe_shards_scen_${Date.now().toString(36)}`;
let engine: Promise<PGlite> | undefined;
let n = 0;

async function pgAvailable(): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e) {
    return skipReasonUnlessRequired(
      `no PostgreSQL server at DATABASE_URL (${e instanceof Error ? e.message : String(e)})`,
    );
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

const stores: { name: string; open: () => Promise<ShardRepository | string> }[] = [
  { name: "in-memory", open: async () => new InMemoryShardRepository() },
  {
    name: "pglite",
    open: async () => {
      engine ??= PGlite.create();
      return (await PGliteShardRepository.open({ pglite: await engine, schema: `scenario_${n++}` })).unwrap();
    },
  },
  {
    name: "postgres",
    open: async () =>
      (await pgAvailable()) ??
      (await PostgresShardRepository.open({ url, schema: `${schema}_${n++}`, maxConnections: 16 })).unwrap(),
  },
];

/** Mulberry32: a seeded PRNG so the governance scenario is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

for (const store of stores) {
  describe(`§7.2 scenarios on ${store.name}`, () => {
    it("paginates 2,000 shards at page size 500 with nothing lost or repeated", async (ctx) => {
      const repo = await store.open();
      if (typeof repo === "string") return ctx.skip(repo);
      try {
        const owners = ["node-a", "node-b", "node-c", "node-d"];
        const ids = Array.from({ length: 2000 }, (_, i) => `shard-${String(i).padStart(4, "0")}`);
        await inBatches(ids, 50, async (shardId) => {
          const i = Number(shardId.slice(6));
          (
            await repo.upsert({
              namespace: "mesh.hyperscale",
              shardId,
              strategyId: "rendezvous",
              ownerNodeId: owners[i % 4]!,
            })
          ).unwrap();
        });
        const service = new ShardControlPlaneService({ repository: repo });
        const seen: string[] = [];
        let cursor: string | null = null;
        let requests = 0;
        do {
          const page: ShardListPage = (
            await service.list(ShardFilter.create({ namespace: "mesh.hyperscale" }), {
              pageSize: 500,
              cursor,
            })
          ).unwrap();
          requests++;
          seen.push(...page.items.map((r) => r.shardId));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toHaveLength(2000);
        expect(new Set(seen).size).toBe(2000);
        expect(seen).toEqual(ids);
        expect(requests).toBe(4);
      } finally {
        await repo.close();
      }
    }, 120_000);

    it("stays deterministic while nodes churn across 3 × 512 shards (rendezvous, then locality)", async (ctx) => {
      const repo = await store.open();
      if (typeof repo === "string") return ctx.skip(repo);
      try {
        const namespaces = ["mesh.control", "mesh.data", "mesh.edge"];
        const hints = ["iad/iad-1", "phx/phx-1", "dub/dub-1"];
        const nodes: ShardNodeDescriptor[] = [
          { nodeId: "iad-zone-1", weight: 1.0, region: "iad", zone: "iad-1" },
          { nodeId: "iad-zone-2", weight: 0.8, region: "iad", zone: "iad-2" },
          { nodeId: "phx-zone-1", weight: 1.3, region: "phx", zone: "phx-1" },
          { nodeId: "phx-zone-2", weight: 1.1, region: "phx", zone: "phx-2" },
          { nodeId: "dub-zone-1", weight: 0.9, region: "dub", zone: "dub-1" },
          { nodeId: "dub-zone-2", weight: 0.9, region: "dub", zone: "dub-2" },
        ];
        const persist = async (
          namespace: string,
          plan: { assignments: readonly { shardId: string; ownerNodeId: string; capacity: number }[] },
          strategyId: string,
        ) =>
          inBatches(plan.assignments, 64, async (a) => {
            (
              await repo.upsert({
                namespace,
                shardId: a.shardId,
                strategyId,
                ownerNodeId: a.ownerNodeId,
                capacityHint: a.capacity,
              })
            ).unwrap();
          });
        for (const namespace of namespaces) {
          const shards = Array.from({ length: 512 }, (_, i) => ({
            shardId: `shard-${i}`,
            capacity: 1 + (i % 5) * 0.1,
            localityHint: hints[i % 3]!,
          }));
          const plan = rendezvousStrategy.compute({ namespace, shards, nodes }).unwrap();
          expect(rendezvousStrategy.compute({ namespace, shards, nodes }).unwrap().assignments).toEqual(
            plan.assignments,
          );
          await persist(namespace, plan, "rendezvous");
        }
        const churned = [
          ...nodes.filter((x) => x.nodeId !== "iad-zone-2"),
          { nodeId: "iad-zone-3", weight: 1.2, region: "iad", zone: "iad-3" },
        ];
        for (const namespace of namespaces) {
          const hint = namespace === "mesh.control" ? "iad" : "phx";
          const shards = Array.from({ length: 512 }, (_, i) => ({
            shardId: `shard-${i}`,
            capacity: 1 + (i % 5) * 0.1,
            localityHint: hint,
          }));
          await persist(
            namespace,
            localityStrategy.compute({ namespace, shards, nodes: churned }).unwrap(),
            "locality",
          );
        }
        const records = (await repo.list()).unwrap();
        expect(records).toHaveLength(1536);
        expect(records.some((r) => r.ownerNodeId === "iad-zone-3")).toBe(true);
        expect(records.every((r) => r.version >= 1)).toBe(true);
        expect(records.some((r) => r.ownerNodeId === "iad-zone-2")).toBe(false);
        const diffs = (
          await new ShardControlPlaneService({ repository: repo }).diff(null, null, ShardFilter.all)
        ).unwrap().items;
        expect(diffs.length).toBeGreaterThan(1500);
        expect(diffs.some((d) => d.current.ownerNodeId === "iad-zone-3")).toBe(true);
      } finally {
        await repo.close();
      }
    }, 120_000);

    it("8 workers × 200 concurrent governance edits report conflicts and write audits", async (ctx) => {
      const repo = await store.open();
      if (typeof repo === "string") return ctx.skip(repo);
      try {
        const namespace = "mesh.governance";
        const nodes = Array.from({ length: 5 }, (_, i) => ({ nodeId: `node-${i}` }));
        const plan = ringStrategy
          .compute({
            namespace,
            shards: Array.from({ length: 256 }, (_, i) => ({ shardId: `shard-${i}` })),
            nodes,
          })
          .unwrap();
        await inBatches(plan.assignments, 64, async (a) => {
          (
            await repo.upsert({
              namespace,
              shardId: a.shardId,
              strategyId: "ring",
              ownerNodeId: a.ownerNodeId,
            })
          ).unwrap();
        });
        const service = new ShardControlPlaneService({ repository: repo });
        let attempts = 0;
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            const random = prng(1000 + w);
            for (let i = 0; i < 200; i++) {
              const shardId = `shard-${Math.floor(random() * 256)}`;
              const current = (await repo.get({ namespace, shardId })).unwrap()!;
              attempts++;
              const r = await service.upsert({
                namespace,
                shardId,
                strategyId: "ring",
                ownerNodeId: `node-${w % 5}`,
                expectedVersion: current.version,
                changeMetadata: {
                  actor: `worker-${w}`,
                  reason: "governance",
                  changeTicket: `chg-${w}-${i}`,
                  ownershipDeltaPercent: random() * 100,
                },
              });
              if (r.isErr) {
                expect(r.error.code).toBe(ShardErrorCodes.versionConflict);
                conflicts++;
              }
            }
          }),
        );
        expect(conflicts).toBeGreaterThan(0);
        expect(attempts).toBeGreaterThan(conflicts);
        const diffs = (await service.diff(null, null, ShardFilter.create({ namespace }))).unwrap().items;
        expect(diffs.length).toBe(256 + attempts - conflicts);
        expect(diffs.some((d) => (d.history.changeTicket ?? "").length > 0)).toBe(true);
        const total = (await repo.list(namespace)).unwrap().reduce((s, r) => s + r.version, 0);
        expect(total).toBe(256 + attempts - conflicts); // every successful edit is one version step: none lost
      } finally {
        await repo.close();
      }
    }, 120_000);
  });
}

afterAll(async () => {
  await (await engine)?.close();
  if ((await pgAvailable()) !== undefined) return;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<
      { nspname: string }[]
    >`select nspname from pg_namespace where nspname like ${`${schema}_%`}`;
    for (const r of rows) await sql.unsafe(`DROP SCHEMA IF EXISTS "${r.nspname}" CASCADE`);
  } finally {
    await sql.end({ timeout: 2 });
  }
});
