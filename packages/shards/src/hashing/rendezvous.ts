import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import {
  assignment,
  hashError,
  isBlank,
  linearScoreOf,
  logScoreOf,
  plan,
  selectOwnerIndex,
  validateHashRequest,
  weightOf,
} from "../internal/hash-common.ts";
import { NodeHasher } from "../internal/node-hasher.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
} from "./types.ts";

function computeHrw(
  id: string,
  score: (high: number, low: number, weight: number) => number,
  request: ShardHashRequest,
  options: ShardHashOptions | undefined,
): Result<ShardAssignmentPlan> {
  const invalid = validateHashRequest(request, id);
  if (invalid !== undefined) return err(invalid);
  const shards = request.shards;
  const out: ShardAssignment[] = new Array(shards.length);
  if (shards.length > 0) {
    const nodes = request.nodes;
    if (nodes.some((n) => n == null || isBlank(n.nodeId)))
      return err(hashError(ShardErrorCodes.hashingNodeIdInvalid, id));
    const nodeIds = nodes.map((n) => n.nodeId);
    const weights = Float64Array.from(nodes, weightOf);
    // Every node id is encoded once; each shard's keys are hashed in one call.
    const hasher = NodeHasher.create(nodeIds);
    const namespace = request.namespace;
    for (let i = 0; i < shards.length; i++) {
      const shard = shards[i]!;
      const owner = selectOwnerIndex(hasher, `${namespace}/${shard.shardId}::`, nodeIds, weights, score);
      out[i] = assignment(namespace, shard, nodeIds[owner]!);
    }
  }
  return ok(plan(request.namespace, id, out, options));
}

export const rendezvousStrategy: ShardHashStrategy = Object.freeze({
  id: "rendezvous",
  compute: (request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> =>
    computeHrw("rendezvous", linearScoreOf, request, options),
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
    computeHrw("weighted-rendezvous", logScoreOf, request, options),
});
