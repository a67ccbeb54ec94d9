import { err, ok, PipeError, type Result } from "@pipe/result";
import {
  assignment,
  linearScore,
  logScore,
  plan,
  selectOwner,
  validateHashRequest,
} from "../internal/hash-common.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
} from "./types.ts";

function computeHrw(
  id: string,
  score: (weight: number) => number,
  request: ShardHashRequest,
  options: ShardHashOptions | undefined,
): Result<ShardAssignmentPlan> {
  const invalid = validateHashRequest(request, id);
  if (invalid !== undefined) return err(invalid);
  const out: ShardAssignment[] = new Array(request.shards.length);
  for (let i = 0; i < request.shards.length; i++) {
    const shard = request.shards[i]!;
    const owner = selectOwner(`${request.namespace}/${shard.shardId}::`, request.nodes, score, id);
    if (owner instanceof PipeError) return err(owner);
    out[i] = assignment(request.namespace, shard, owner);
  }
  return ok(plan(request.namespace, id, out, options));
}

/**
 * Rendezvous (highest-random-weight) hashing, id `rendezvous`, the default strategy; byte-compatible with the
 * original.
 *
 * When to use: stable placement where adding/removing a node moves only that node's share.
 *
 * Details: for each shard and node (input order) the key `<namespace>/<shardId>::<nodeId>` is hashed with
 * XXH64 (seed 0, UTF-8); score = hash / (2^64 − 1) × max(0.001, weight). The highest score wins; scores within
 * 1e-12 go to the ordinally smaller node id.
 *
 * Gotchas: the score is *linear* in weight (the original's formula), so shares are not proportional to weight
 * (weights 1 and 4 give the heavy node ~87.5%); use `weighted-rendezvous` for proportional shares. Errors:
 * `shards.hashing.namespace_required`, `nodes_required`, `node_id_invalid` (also for one blank id among valid
 * ones), `shards_missing`, `no_eligible_nodes`; each carries `strategyId` metadata.
 *
 * @example
 * ```ts
 * import { rendezvousStrategy } from "@pipe/shards";
 * const plan = rendezvousStrategy.compute({ namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a" }, { nodeId: "b" }] });
 * if (plan.isOk) console.log(plan.value.assignments[0]?.ownerNodeId);
 * ```
 */
export const rendezvousStrategy: ShardHashStrategy = Object.freeze({
  id: "rendezvous",
  compute: (request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> =>
    computeHrw("rendezvous", linearScore, request, options),
});

/**
 * Weighted rendezvous hashing, id `weighted-rendezvous` (not in the original): score = −w / ln(u), so each
 * node's expected share is proportional to its weight.
 *
 * When to use: heterogeneous nodes whose capacity should translate into a proportional share of shards.
 *
 * Details: same key string, validation, errors and tie-break as `rendezvous`; u is the top 53 bits of the
 * XXH64 hash mapped into the open interval (0, 1) as (bits + 0.5) / 2^53; weights below 0.001 are clamped.
 *
 * @example
 * ```ts
 * import { weightedRendezvousStrategy } from "@pipe/shards";
 * const plan = weightedRendezvousStrategy.compute({ namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a", weight: 1 }, { nodeId: "b", weight: 3 }] });
 * console.log(plan.isOk);
 * ```
 */
export const weightedRendezvousStrategy: ShardHashStrategy = Object.freeze({
  id: "weighted-rendezvous",
  compute: (request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> =>
    computeHrw("weighted-rendezvous", logScore, request, options),
});
