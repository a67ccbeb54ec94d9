import { PipeError } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardNodeHasher } from "../hashing/node-hasher.ts";
import type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardDefinition,
  ShardHashOptions,
  ShardHashRequest,
  ShardNodeDescriptor,
} from "../hashing/types.ts";
import { digestUnit, xxh64String } from "./xxh64.ts";

/** `string.IsNullOrWhiteSpace`. @internal */
export const isBlank = (value: unknown): boolean => typeof value !== "string" || value.trim().length === 0;

const messages: Record<string, string> = {
  [ShardErrorCodes.hashingNamespaceRequired]: "Shard namespace is required to compute assignments.",
  [ShardErrorCodes.hashingNodesRequired]: "At least one node is required to compute shard assignments.",
  [ShardErrorCodes.hashingNodeIdInvalid]: "Shard nodes must supply a non-empty nodeId.",
  [ShardErrorCodes.hashingShardsMissing]: "Shard definitions are required to compute assignments.",
  [ShardErrorCodes.hashingNoEligibleNodes]: "No eligible nodes were available for shard hashing.",
  [ShardErrorCodes.hashingStrategyUnknown]: "Requested shard hash strategy is not registered.",
  [ShardErrorCodes.hashingStrategyDuplicate]: "Shard hash strategy id is already registered.",
  [ShardErrorCodes.hashingStrategyRequired]: "Shard hash strategy cannot be null.",
};

/** A hashing error with the original's message and `strategyId` metadata. @internal */
export function hashError(code: string, strategyId: string | undefined): PipeError {
  return PipeError.from(messages[code] ?? code, code, { metadata: { strategyId: strategyId ?? null } });
}

/** The shared request validation, in the original's order. @internal */
export function validateHashRequest(
  request: ShardHashRequest | null | undefined,
  strategyId: string,
): PipeError | undefined {
  if (request === undefined || request === null || isBlank(request.namespace))
    return hashError(ShardErrorCodes.hashingNamespaceRequired, strategyId);
  if (request.nodes === undefined || request.nodes === null || request.nodes.length === 0)
    return hashError(ShardErrorCodes.hashingNodesRequired, strategyId);
  if (!request.nodes.some((n) => n !== undefined && n !== null && !isBlank(n.nodeId)))
    return hashError(ShardErrorCodes.hashingNodeIdInvalid, strategyId);
  if (request.shards === undefined || request.shards === null)
    return hashError(ShardErrorCodes.hashingShardsMissing, strategyId);
  return undefined;
}

/** Node weight with the default of 1. @internal */
export const weightOf = (node: ShardNodeDescriptor): number => node.weight ?? 1;

/** Linear HRW score of the original: normalised XXH64 × max(0.001, weight). @internal */
export const linearScore = (weight: number): number => digestUnit() * Math.max(0.001, weight);

const TWO_POW_21 = 2097152;
const TWO_POW_32 = 4294967296;
const TWO_POW_64 = 2 ** 64;
const TWO_POW_53 = 9007199254740992;

/**
 * Highest-random-weight owner over `nodes` (input order) for key prefix `<namespace>/<shardId>::`: a strictly
 * higher score wins; a score within 1e-12 goes to the ordinally (UTF-16) smaller node id. A blank node id
 * fails at once. @internal
 */
export function selectOwner(
  prefix: string,
  nodes: readonly ShardNodeDescriptor[],
  score: (weight: number) => number,
  strategyId: string,
): string | PipeError {
  let best = Number.NEGATIVE_INFINITY;
  let owner: string | undefined;
  for (const node of nodes) {
    if (node === undefined || node === null || isBlank(node.nodeId))
      return hashError(ShardErrorCodes.hashingNodeIdInvalid, strategyId);
    xxh64String(prefix + node.nodeId);
    const s = score(weightOf(node));
    if (s > best || (owner !== undefined && Math.abs(s - best) < 1e-12 && node.nodeId < owner)) {
      best = s;
      owner = node.nodeId;
    }
  }
  return owner ?? hashError(ShardErrorCodes.hashingNoEligibleNodes, strategyId);
}

/**
 * How a rendezvous strategy scores a node's digest: `linear` is the original's normalised XXH64 × weight,
 * `log` is −w / ln(u) with u the top 53 hash bits mapped into (0, 1) as (bits + 0.5) / 2^53. Weights below
 * 0.001 count as 0.001. @internal
 */
export type ShardScoreKind = "linear" | "log";

/**
 * {@link selectOwner} over a prepared {@link ShardNodeHasher} of `nodes` (same scores, same tie-break): the owner
 * index. `nodes` must be non-blank (checked once by the caller). Each score kind has its own loop with the
 * score written inline, so the loop never calls through a function value that differs between strategies.
 * @internal
 */
export function selectOwnerIndex(
  hasher: ShardNodeHasher,
  prefix: string,
  nodeIds: readonly string[],
  weights: Float64Array,
  kind: ShardScoreKind,
): number {
  const d = hasher.hash(prefix);
  return kind === "linear" ? linearArgMax(d, nodeIds, weights) : logArgMax(d, nodeIds, weights);
}

function linearArgMax(d: Uint32Array, nodeIds: readonly string[], weights: Float64Array): number {
  let best = Number.NEGATIVE_INFINITY;
  let owner = -1;
  for (let i = 0; i < nodeIds.length; i++) {
    const s = ((d[i * 2 + 1] * TWO_POW_32 + d[i * 2]) / TWO_POW_64) * Math.max(0.001, weights[i]);
    if (s > best || (owner >= 0 && Math.abs(s - best) < 1e-12 && nodeIds[i] < nodeIds[owner])) {
      best = s;
      owner = i;
    }
  }
  return owner;
}

function logArgMax(d: Uint32Array, nodeIds: readonly string[], weights: Float64Array): number {
  let best = Number.NEGATIVE_INFINITY;
  let owner = -1;
  for (let i = 0; i < nodeIds.length; i++) {
    const u = (d[i * 2 + 1] * TWO_POW_21 + (d[i * 2] >>> 11) + 0.5) / TWO_POW_53;
    const s = -Math.max(0.001, weights[i]) / Math.log(u);
    if (s > best || (owner >= 0 && Math.abs(s - best) < 1e-12 && nodeIds[i] < nodeIds[owner])) {
      best = s;
      owner = i;
    }
  }
  return owner;
}

/** Builds one assignment. @internal */
export function assignment(namespace: string, shard: ShardDefinition, owner: string): ShardAssignment {
  return {
    namespace,
    shardId: shard.shardId,
    ownerNodeId: owner,
    capacity: shard.capacity ?? 1,
    leaderId: null,
    localityHint: shard.localityHint ?? null,
  };
}

/** Wraps assignments into a plan stamped with `generatedAt`. @internal */
export function plan(
  namespace: string,
  strategyId: string,
  assignments: readonly ShardAssignment[],
  options: ShardHashOptions | undefined,
): ShardAssignmentPlan {
  const now = options?.now?.() ?? Date.now();
  return { namespace, strategyId, assignments, generatedAt: new Date(now).toISOString() };
}
