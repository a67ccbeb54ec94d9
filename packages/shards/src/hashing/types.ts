import type { Result } from "@pipe/result";

/**
 * A shard to place: its id, a capacity copied into the assignment, and an optional locality hint.
 *
 * @example
 * ```ts
 * import type { ShardDefinition } from "@pipe/shards";
 * const d: ShardDefinition = { shardId: "s1", capacity: 1, localityHint: "iad/iad-1" };
 * console.log(d.shardId);
 * ```
 */
export interface ShardDefinition {
  readonly shardId: string;
  /** Copied to the assignment; default 1. */
  readonly capacity?: number | undefined;
  /** `zone:<z>`, `region:<r>`, `<region>/<zone>` or a bare region (used by `locality`). */
  readonly localityHint?: string | null | undefined;
  /** Carried, not used by the built-in strategies. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/**
 * A node that can own shards.
 *
 * @example
 * ```ts
 * import type { ShardNodeDescriptor } from "@pipe/shards";
 * const n: ShardNodeDescriptor = { nodeId: "iad-zone-1", weight: 1.2, region: "iad", zone: "iad-1" };
 * console.log(n.nodeId);
 * ```
 */
export interface ShardNodeDescriptor {
  readonly nodeId: string;
  /** Default 1. Rendezvous clamps it to at least 0.001; the ring makes max(1, round(weight × 64)) points. */
  readonly weight?: number | undefined;
  readonly region?: string | null | undefined;
  readonly zone?: string | null | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/**
 * The input of a hash strategy: one namespace, its shards and the candidate nodes.
 *
 * @example
 * ```ts
 * import type { ShardHashRequest } from "@pipe/shards";
 * const r: ShardHashRequest = { namespace: "ns", shards: [{ shardId: "s1" }], nodes: [{ nodeId: "a" }] };
 * console.log(r.nodes.length);
 * ```
 */
export interface ShardHashRequest {
  readonly namespace: string;
  readonly shards: readonly ShardDefinition[];
  readonly nodes: readonly ShardNodeDescriptor[];
}

/**
 * One shard's computed owner.
 *
 * @example
 * ```ts
 * import type { ShardAssignment } from "@pipe/shards";
 * const owner = (a: ShardAssignment) => a.ownerNodeId;
 * console.log(typeof owner);
 * ```
 */
export interface ShardAssignment {
  readonly namespace: string;
  readonly shardId: string;
  readonly ownerNodeId: string;
  readonly capacity: number;
  /** Never set by the built-in strategies. */
  readonly leaderId: string | null;
  readonly localityHint: string | null;
}

/**
 * A strategy's output: one assignment per shard, in the request's shard order.
 *
 * @example
 * ```ts
 * import type { ShardAssignmentPlan } from "@pipe/shards";
 * const count = (p: ShardAssignmentPlan) => p.assignments.length;
 * console.log(typeof count);
 * ```
 */
export interface ShardAssignmentPlan {
  readonly namespace: string;
  readonly strategyId: string;
  readonly assignments: readonly ShardAssignment[];
  /** ISO-8601 UTC, from {@link ShardHashOptions.now} (default `Date.now`). */
  readonly generatedAt: string;
}

/**
 * Options of one computation.
 *
 * @example
 * ```ts
 * import type { ShardHashOptions } from "@pipe/shards";
 * const fixed: ShardHashOptions = { now: () => 0 };
 * console.log(fixed.now?.());
 * ```
 */
export interface ShardHashOptions {
  /** Clock for `generatedAt`, in epoch milliseconds. */
  readonly now?: (() => number) | undefined;
}

/**
 * A strategy prepared for one namespace and node set (see {@link ShardHashStrategy.prepare}).
 *
 * @example
 * ```ts
 * import { ringStrategy, type ShardPlacement } from "@pipe/shards";
 * const placement: ShardPlacement = ringStrategy.prepare!({ namespace: "ns", shards: [], nodes: [{ nodeId: "a" }] }).unwrap();
 * console.log(placement.place([{ shardId: "s1" }]).unwrap()[0]?.ownerNodeId); // "a"
 * ```
 */
export interface ShardPlacement {
  /** The assignments `compute` would return for these shards, in order; fails as `compute` would. */
  place(shards: readonly ShardDefinition[]): Result<readonly ShardAssignment[]>;
  /**
   * Relative cost of placing one shard, in node scores (one hash each); default: the node count. Callers that
   * place shards in slices size the slices with it.
   */
  readonly costPerShard?: number | undefined;
}

/**
 * A placement algorithm: maps every shard of a request to an owner node.
 *
 * When to use: implement it to register a custom strategy in a `ShardHashStrategyRegistry`.
 *
 * Details: `compute` is synchronous and returns a failed Result (never throws) with a `shards.hashing.*` code
 * carrying `strategyId` metadata. Shards are placed independently of each other, so a plan may be computed
 * in slices (`prepare`, or `compute` per slice) with the same result.
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * import type { ShardHashStrategy } from "@pipe/shards";
 * const first: ShardHashStrategy = {
 *   id: "first",
 *   compute: (r) => ok({ namespace: r.namespace, strategyId: "first", generatedAt: new Date(0).toISOString(),
 *     assignments: r.shards.map((s) => ({ namespace: r.namespace, shardId: s.shardId, ownerNodeId: r.nodes[0]?.nodeId ?? "", capacity: s.capacity ?? 1, leaderId: null, localityHint: s.localityHint ?? null })) }),
 * };
 * console.log(first.id);
 * ```
 */
export interface ShardHashStrategy {
  /** The id requests name in `strategyId`. */
  readonly id: string;
  /** Places every shard of `request`; a failed Result (never a throw) with a `shards.hashing.*` code. */
  compute(request: ShardHashRequest, options?: ShardHashOptions): Result<ShardAssignmentPlan>;
  /**
   * Optional: builds the per-node-set state once (the ring's sorted points) and returns a placement of any
   * slice of shards. The service's simulation places large namespaces slice by slice, yielding to other work
   * in between; without `prepare` it calls `compute` per slice. `request.shards` may be empty here.
   */
  prepare?(request: ShardHashRequest): Result<ShardPlacement>;
}
