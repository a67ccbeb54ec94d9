import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import {
  assignment,
  hashError,
  isBlank,
  plan,
  type ShardScoreKind,
  selectOwnerIndex,
  validateHashRequest,
  weightOf,
} from "../internal/hash-common.ts";
import { ShardNodeHasher } from "./node-hasher.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardDefinition,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
  ShardPlacement,
} from "./types.ts";

/**
 * Validates `request` and prepares its node set once: node ids encoded for the hashing kernel, weights in a
 * typed array. `place` then costs one kernel call and one scoring pass per shard.
 */
function prepareHrw(id: string, score: ShardScoreKind, request: ShardHashRequest): Result<ShardPlacement> {
  const invalid = validateHashRequest(request, id);
  if (invalid !== undefined) return err(invalid);
  const nodes = request.nodes;
  const namespace = request.namespace;
  // A blank node id fails once a shard is placed (an empty plan has nothing to score), as in the original.
  const blank = nodes.some((n) => n === undefined || n === null || isBlank(n.nodeId));
  let prepared: { hasher: ShardNodeHasher; nodeIds: string[]; weights: Float64Array } | undefined;
  return ok({
    costPerShard: nodes.length,
    place: (shards: readonly ShardDefinition[]): Result<readonly ShardAssignment[]> => {
      const out: ShardAssignment[] = new Array(shards.length);
      if (shards.length === 0) return ok(out);
      if (blank) return err(hashError(ShardErrorCodes.hashingNodeIdInvalid, id));
      prepared ??= {
        hasher: ShardNodeHasher.create(nodes.map((n) => n.nodeId)),
        nodeIds: nodes.map((n) => n.nodeId),
        weights: Float64Array.from(nodes, weightOf),
      };
      const { hasher, nodeIds, weights } = prepared;
      for (let i = 0; i < shards.length; i++) {
        const shard = shards[i];
        const owner = selectOwnerIndex(hasher, `${namespace}/${shard.shardId}::`, nodeIds, weights, score);
        out[i] = assignment(namespace, shard, nodeIds[owner]);
      }
      return ok(out);
    },
  });
}

function computeHrw(
  id: string,
  score: ShardScoreKind,
  request: ShardHashRequest,
  options: ShardHashOptions | undefined,
): Result<ShardAssignmentPlan> {
  return prepareHrw(id, score, request)
    .andThen((placement) => placement.place(request.shards))
    .map((assignments) => plan(request.namespace, id, assignments, options));
}

/**
 * Rendezvous (highest-random-weight) hashing, id `rendezvous`: each shard goes to the node with the highest
 * XXH64 score of the shard and node ids, so adding or removing a node moves only the shards it wins or owned.
 *
 * When to use: the default for nodes of equal capacity; use {@link weightedRendezvousStrategy} for unequal ones.
 *
 * Details: a failed Result (never a throw) with a `shards.hashing.*` code for an empty node list or invalid ids.
 *
 * @example
 * ```ts
 * import { rendezvousStrategy } from "@pipe/shards";
 * const plan = rendezvousStrategy.compute({ namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a" }, { nodeId: "b" }] });
 * console.log(plan.isOk && plan.value.assignments[0]?.ownerNodeId);
 * ```
 */
export const rendezvousStrategy: ShardHashStrategy = Object.freeze({
  id: "rendezvous",
  compute: (request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> =>
    computeHrw("rendezvous", "linear", request, options),
  prepare: (request: ShardHashRequest): Result<ShardPlacement> => prepareHrw("rendezvous", "linear", request),
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
    computeHrw("weighted-rendezvous", "log", request, options),
  prepare: (request: ShardHashRequest): Result<ShardPlacement> =>
    prepareHrw("weighted-rendezvous", "log", request),
});
