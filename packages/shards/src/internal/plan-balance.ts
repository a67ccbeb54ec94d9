/** What a simulated plan does to the fleet: the fewest moves it needs and the balance of shards over nodes. */
import type { ShardAssignment, ShardNodeDescriptor } from "../hashing/types.ts";
import type { ShardRecord } from "../model.ts";
import type { ShardBalance } from "../service-types.ts";

/** Fewest moves reaching the proposed per-node counts: Σ max(0, current(n) − proposed(n)). */
export function minimumMoves(
  records: readonly ShardRecord[],
  assignments: readonly ShardAssignment[],
): number {
  const delta = new Map<string, number>();
  for (const r of records) delta.set(r.ownerNodeId, (delta.get(r.ownerNodeId) ?? 0) + 1);
  for (const a of assignments) delta.set(a.ownerNodeId, (delta.get(a.ownerNodeId) ?? 0) - 1);
  let moves = 0;
  for (const d of delta.values()) if (d > 0) moves += d;
  return moves;
}

/** Shards per node (every node listed, idle ones at 0), the largest count, the mean and max/mean. */
export function balanceOf(
  nodes: readonly ShardNodeDescriptor[],
  assignments: readonly ShardAssignment[],
): ShardBalance {
  const byNode = new Map<string, number>();
  for (const n of nodes) byNode.set(n.nodeId, 0);
  for (const a of assignments) byNode.set(a.ownerNodeId, (byNode.get(a.ownerNodeId) ?? 0) + 1);
  // Own properties for every node id, `__proto__` included (an assignment would set the prototype).
  const perNode: Record<string, number> = Object.fromEntries(byNode);
  const counts = [...byNode.values()];
  const mean = counts.length === 0 ? 0 : assignments.length / counts.length;
  const max = counts.reduce((m, c) => Math.max(m, c), 0);
  return { perNode, max, mean, ratio: mean === 0 ? 0 : max / mean };
}
