import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import {
  assignment,
  hashError,
  isBlank,
  plan,
  validateHashRequest,
  weightOf,
} from "../internal/hash-common.ts";
import { ringPointsOf } from "../internal/ring-points.ts";
import { digestHigh, digestLow, xxh64String } from "../internal/xxh64.ts";
import { ShardLimits } from "../limits.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardDefinition,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
  ShardPlacement,
} from "./types.ts";

const ID = "ring";
/** A lookup hashes one key and binary-searches the points: a few node scores' worth of work. */
const COST_PER_SHARD = 4;

function tooManyPoints(points: number): PipeError {
  const limit = ShardLimits.maxRingPoints;
  const message = `The ring would have more than ${limit} points (max(1, round(weight × 64)) per node); lower the weights or the node count.`;
  return PipeError.from(message, ErrorCodes.validation, {
    metadata: { strategyId: ID, points, limit, issues: [{ path: "$.nodes", message }] },
  });
}

function build(request: ShardHashRequest): Result<ShardPlacement> {
  const invalid = validateHashRequest(request, ID);
  if (invalid !== undefined) return err(invalid);
  let total = 0;
  const counts: number[] = [];
  for (const node of request.nodes) {
    if (node === undefined || node === null || isBlank(node.nodeId))
      return err(hashError(ShardErrorCodes.hashingNodeIdInvalid, ID));
    const replicas = ringPointsOf(weightOf(node));
    counts.push(replicas);
    total += replicas;
    if (total > ShardLimits.maxRingPoints) return err(tooManyPoints(total));
  }
  if (total === 0) return err(hashError(ShardErrorCodes.hashingNoEligibleNodes, ID));
  const his = new Uint32Array(total);
  const los = new Uint32Array(total);
  const owners: string[] = new Array(total);
  let p = 0;
  for (let n = 0; n < request.nodes.length; n++) {
    const nodeId = request.nodes[n].nodeId;
    for (let r = 0; r < counts[n]; r++) {
      xxh64String(`${nodeId}#${r}`);
      his[p] = digestHigh;
      los[p] = digestLow;
      owners[p] = nodeId;
      p++;
    }
  }
  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((a, b) => {
    const ha = his[a];
    const hb = his[b];
    if (ha !== hb) return ha < hb ? -1 : 1;
    const la = los[a];
    const lb = los[b];
    if (la !== lb) return la < lb ? -1 : 1;
    const oa = owners[a];
    const ob = owners[b];
    return oa < ob ? -1 : oa > ob ? 1 : 0;
  });
  const sortedHi = new Uint32Array(total);
  const sortedLo = new Uint32Array(total);
  const sortedOwner: string[] = new Array(total);
  for (let i = 0; i < total; i++) {
    const j = order[i];
    sortedHi[i] = his[j];
    sortedLo[i] = los[j];
    sortedOwner[i] = owners[j];
  }
  const namespace = request.namespace;
  const place = (shards: readonly ShardDefinition[]): Result<readonly ShardAssignment[]> => {
    const out: ShardAssignment[] = new Array(shards.length);
    for (let s = 0; s < shards.length; s++) {
      const shard = shards[s];
      xxh64String(`${namespace}/${shard.shardId}`);
      const hh = digestHigh;
      const hl = digestLow;
      // lower bound: first point with (hi, lo) >= (hh, hl)
      let lo = 0;
      let hi = total;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const mh = sortedHi[mid];
        if (mh < hh || (mh === hh && sortedLo[mid] < hl)) lo = mid + 1;
        else hi = mid;
      }
      out[s] = assignment(namespace, shard, sortedOwner[lo === total ? 0 : lo]);
    }
    return ok(out);
  };
  return ok({ place, costPerShard: COST_PER_SHARD });
}

/**
 * Consistent-hash ring with virtual nodes, id `ring`; byte-compatible with the original.
 *
 * When to use: classic consistent hashing (lookups are a binary search once the ring is built).
 *
 * Details: each node gets max(1, round-half-away-from-zero(weight × 64)) points (1 → 64, 1.5 → 96, 0.8 → 51,
 * ≤ 0 → 1) hashed from `<nodeId>#<replicaIndex>` (index from 0; the namespace is not part of the point key),
 * sorted by (hash, node id ordinal). A shard hashes `<namespace>/<shardId>` and is owned by the first point
 * whose hash is ≥ its hash, wrapping to the first point.
 *
 * Bounds: the ring has at most `ShardLimits.maxRingPoints` (262,144) points; more is `error.validation`
 * (metadata `points`, `limit`, `issues` at `$.nodes`) before anything is allocated. `prepare` builds the
 * ring once for slice-by-slice placement.
 *
 * Gotchas: an empty shard list returns an empty plan before the ring is built (so a blank node id is not
 * detected then). Errors: as `rendezvous` (`node_id_invalid` for a blank id while building the ring,
 * `no_eligible_nodes` for an empty ring).
 *
 * @example
 * ```ts
 * import { ringStrategy } from "@pipe/shards";
 * const plan = ringStrategy.compute({ namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a" }, { nodeId: "b", weight: 1.5 }] });
 * if (plan.isOk) console.log(plan.value.assignments[0]?.ownerNodeId);
 * ```
 */
export const ringStrategy: ShardHashStrategy = Object.freeze({
  id: ID,
  compute(request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan> {
    const invalid = validateHashRequest(request, ID);
    if (invalid !== undefined) return err(invalid);
    if (request.shards.length === 0) return ok(plan(request.namespace, ID, [], options));
    const built = build(request);
    if (built.isErr) return err(built.error);
    return built.value.place(request.shards).map((out) => plan(request.namespace, ID, out, options));
  },
  prepare: build,
});
