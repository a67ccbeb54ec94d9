import { ShardControlPlaneService, ShardFilter, ShardReadView } from "@pipe/shards";
import { PGliteShardRepository } from "@pipe/shards/pglite";
const repo = (await PGliteShardRepository.open({ dataDir: ".data/shards-100000x1000" })).unwrap();
const view = (await ShardReadView.open(repo)).unwrap();
const service = new ShardControlPlaneService({ repository: view });
const cursors: string[] = [];
let c: string | null = null;
for (let i = 0; i < 200; i++) { const p = (await service.list(ShardFilter.create({ namespace: "ns-3" }), { pageSize: 500, cursor: c })).unwrap(); if (!p.nextCursor) break; c = p.nextCursor; cursors.push(c); }
const pick = () => cursors[Math.floor(Math.random() * cursors.length)]!;
const cases: Record<string, () => Promise<unknown>> = {
  plain: () => service.list(ShardFilter.create({ namespace: "ns-3" }), { pageSize: 100, cursor: pick() }),
  owner: () => service.list(ShardFilter.create({ namespace: "ns-3", ownerNodeId: `node-${String(Math.floor(Math.random() * 1000)).padStart(4, "0")}` }), { pageSize: 100 }),
  status: () => service.list(ShardFilter.create({ namespace: "ns-3", statuses: ["paused"] }), { pageSize: 100, cursor: pick() }),
};
for (let round = 0; round < 2; round++) for (const [n, f] of Object.entries(cases)) {
  const t = performance.now(); for (let i = 0; i < 3000; i++) await f(); console.log(n, ((performance.now() - t) / 3000 * 1000).toFixed(1), "us");
}
const p = (await service.list(ShardFilter.create({ namespace: "ns-3", statuses: ["paused"] }), { pageSize: 100, cursor: pick() })).unwrap();
console.log("status page items", p.items.length, p.items[0]?.shardId, p.items.at(-1)?.shardId);
await view.close();
