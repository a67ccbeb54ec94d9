/**
 * `ShardControlPlaneService.simulate` (rendezvous) for one namespace (a tenth of the fixture: 1k shards × 100
 * nodes, 10k shards × 1000 nodes) plus one added node, PGlite and in-memory. Baseline: the raw SQL listing of
 * the namespace the service issues (the ratio is the cost of hashing + fan-out/merge). Setup also prints, per
 * strategy, the moves caused by adding one node to a plan placed by that strategy vs the theoretical minimum,
 * and the balance (max/mean shards per node).
 */
import { rendezvousStrategy, ShardHashStrategyRegistry } from "@pipe/shards";
import { type Benchmark, benchmark } from "../harness.ts";
import { closeFixtures, FIXTURES, type Fixture, type FixtureSpec, fixture } from "./fixture.ts";

/** The store's listing statement (src/internal/sql-rows.ts recordPage). */
const LIST_SQL = `SELECT coalesce(json_agg(json_build_array(r.namespace, r.shard_id, r.strategy_id, r.owner_node_id, r.leader_id,
  r.capacity_hint, r.status, r.version, r.checksum, round(extract(epoch from r.updated_at) * 1000), r.change_ticket)
  ORDER BY r.namespace, r.shard_id), '[]')::text AS page FROM (SELECT * FROM shard_records WHERE namespace = $1) r`;

function make(spec: FixtureSpec, store: "pglite" | "memory"): Benchmark {
  let f: Fixture;
  const nodes = Array.from({ length: spec.nodes + 1 }, (_, i) => ({
    nodeId: `node-${String(i).padStart(4, "0")}`,
  }));
  let reported = false;
  return benchmark({
    name: `shards simulate ${spec.label} ${store}`,
    workload: `simulate rendezvous for ns-3 (${spec.shards / 10} shards) over ${spec.nodes + 1} nodes (one added), ${store}`,
    baselineNote:
      store === "pglite"
        ? "the raw SQL listing of the namespace"
        : "rendezvous compute alone over the listed records",
    rounds: spec.shards >= 100_000 ? 9 : 15,
    warmup: 1,
    setup: async () => {
      f = await fixture(spec, store);
      if (store === "memory") churnReport(spec);
    },
    baseline: {
      name: store === "pglite" ? "raw SQL" : "strategy.compute",
      run: async () => {
        if (store === "pglite") {
          const rows = JSON.parse((await f.sql!(LIST_SQL, ["ns-3"]))[0]!.page as string) as unknown[];
          return rows.length;
        }
        const records = (await f.repository.list("ns-3")).unwrap();
        return rendezvousStrategy
          .compute({
            namespace: "ns-3",
            shards: records.map((r) => ({ shardId: r.shardId, capacity: r.capacityHint })),
            nodes,
          })
          .unwrap().assignments.length;
      },
    },
    variants: [
      {
        name: "service.simulate",
        run: async () => {
          const sim = (await f.service.simulate({ namespace: "ns-3", nodes })).unwrap();
          if (!reported) {
            reported = true;
            console.log(
              `\n  [${spec.label} ${store}] moves ${sim.moves}, theoretical minimum ${sim.minimumMoves}, balance max/mean ${sim.balance.max}/${sim.balance.mean} = ${sim.balance.ratio.toFixed(2)}`,
            );
          }
          return sim.assignments.length;
        },
      },
    ],
  });
}

/** Moves when node K+1 joins a K-node plan, per strategy, vs the theoretical minimum; and balance. */
function churnReport(spec: FixtureSpec): void {
  const registry = new ShardHashStrategyRegistry();
  const shards = Array.from({ length: spec.shards / 10 }, (_, i) => ({
    shardId: `shard-${String(i * 10 + 3).padStart(6, "0")}`,
  }));
  const before = Array.from({ length: spec.nodes }, (_, i) => ({
    nodeId: `node-${String(i).padStart(4, "0")}`,
  }));
  const after = [...before, { nodeId: `node-${String(spec.nodes).padStart(4, "0")}` }];
  for (const id of ["rendezvous", "weighted-rendezvous", "ring"]) {
    const a = registry.compute(id, { namespace: "ns-3", shards, nodes: before }).unwrap().assignments;
    const b = registry.compute(id, { namespace: "ns-3", shards, nodes: after }).unwrap().assignments;
    const moves = a.filter((x, i) => x.ownerNodeId !== b[i]!.ownerNodeId).length;
    const delta = new Map<string, number>();
    for (const x of a) delta.set(x.ownerNodeId, (delta.get(x.ownerNodeId) ?? 0) + 1);
    for (const x of b) delta.set(x.ownerNodeId, (delta.get(x.ownerNodeId) ?? 0) - 1);
    const minimum = [...delta.values()].reduce((s, d) => s + Math.max(0, d), 0);
    const counts = new Map<string, number>();
    for (const x of b) counts.set(x.ownerNodeId, (counts.get(x.ownerNodeId) ?? 0) + 1);
    const max = Math.max(...counts.values());
    const mean = shards.length / after.length;
    console.log(
      `\n  [${spec.label}] node add, ${id}: moves ${moves}, theoretical minimum ${minimum}, balance max/mean ${(max / mean).toFixed(2)}`,
    );
  }
}

const all: Benchmark[] = FIXTURES.flatMap((spec) => [make(spec, "pglite"), make(spec, "memory")]);
/** Closes the fixtures once the file's benchmarks ran (child.ts calls it, whichever benchmarks a filter kept). */
export const dispose = closeFixtures;
export default all;
