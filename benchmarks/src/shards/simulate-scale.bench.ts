/**
 * Simulate at fleet scale: `ShardControlPlaneService.simulate` (rendezvous) of one 100,000-shard namespace over
 * 1,000 nodes, served from a `ShardReadView`. Baseline (the floor): the same 100,000,000 XXH64 scores over
 * prepared bytes with nothing else, that is `ShardNodeHasher` (the fastest XXH64 this runtime offers: the
 * WebAssembly kernel, or the TypeScript one where WebAssembly cannot be compiled) plus a hand-written arg-max per
 * shard. The variant adds validation, listing, slicing with event-loop yields, the fan-out/merge of seed 000,
 * the moves and balance.
 *
 * Checksum: the owner index of every shard hashed in shard order, so a wrong owner or order fails the round.
 * Target (issue 16): < 5 s on Node, guarded at <= 1.5x the floor.
 *
 * @module
 */
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardNodeHasher,
  ShardReadView,
} from "@pipe/shards";
import { hashSequence } from "../checksum.ts";
import { benchmark } from "../harness.ts";

const SHARDS = 100_000;
const NODES = 1_000;
const NAMESPACE = "fleet";
const shardIds = Array.from({ length: SHARDS }, (_, i) => `shard-${String(i).padStart(6, "0")}`);
const nodeIds = Array.from({ length: NODES }, (_, i) => `node-${String(i).padStart(4, "0")}`);
const nodeIndex = new Map(nodeIds.map((id, i) => [id, i]));
const TWO_POW_32 = 4294967296;

let service: ShardControlPlaneService;
let view: ShardReadView;

/** The floor: every score over prepared bytes, arg-max with the strategy's tie-break. */
function floor(): Int32Array {
  const hasher = ShardNodeHasher.create(nodeIds);
  const owners = new Int32Array(SHARDS);
  for (let s = 0; s < SHARDS; s++) {
    const d = hasher.hash(`${NAMESPACE}/${shardIds[s]}::`);
    let best = -1;
    let owner = -1;
    for (let n = 0; n < NODES; n++) {
      const score = (d[n * 2 + 1]! * TWO_POW_32 + d[n * 2]!) / 2 ** 64;
      if (score > best || (Math.abs(score - best) < 1e-12 && nodeIds[n]! < nodeIds[owner]!)) {
        best = score;
        owner = n;
      }
    }
    owners[s] = owner;
  }
  return owners;
}

async function simulate(): Promise<Int32Array> {
  const sim = (
    await service.simulate({ namespace: NAMESPACE, nodes: nodeIds.map((nodeId) => ({ nodeId })) })
  ).unwrap();
  const owners = new Int32Array(SHARDS);
  // Assignments come in plan order (shard id order, which is the order above).
  sim.assignments.forEach((a, i) => {
    owners[i] = nodeIndex.get(a.ownerNodeId) ?? -1;
  });
  return owners;
}

export default benchmark<Int32Array>({
  name: "shards simulate 100k x 1000 rendezvous",
  workload: `simulate rendezvous of one ${SHARDS.toLocaleString("en")}-shard namespace over ${NODES.toLocaleString("en")} nodes (${(SHARDS * NODES).toLocaleString("en")} scores), from a read view`,
  baselineNote:
    "the same scores over prepared bytes with ShardNodeHasher and a hand-written arg-max, nothing else",
  rounds: 9,
  warmup: 1,
  checksum: (owners) => `${owners.length}:${hashSequence(owners)}`,
  setup: async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < SHARDS; i++) {
      await store.upsert({
        namespace: NAMESPACE,
        shardId: shardIds[i]!,
        strategyId: "rendezvous",
        ownerNodeId: nodeIds[i % NODES]!,
      });
    }
    view = (await ShardReadView.open(store)).unwrap();
    service = new ShardControlPlaneService({ repository: view });
  },
  teardown: () => view.close(),
  baseline: { name: "ShardNodeHasher floor", run: async () => floor() },
  variants: [{ name: "service.simulate", run: simulate, target: 1.5, bound: 2 }],
});
