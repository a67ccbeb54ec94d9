/**
 * The pair that identifies a shard: a namespace and a shard id unique within it.
 *
 * Details: identifiers compare ordinally (case-sensitive). The string form is `namespace/shardId`
 * ({@link shardKeyString}).
 *
 * @example
 * ```ts
 * import { type ShardKey, shardKeyString } from "@pipe/shards";
 * const key: ShardKey = { namespace: "mesh.control", shardId: "shard-01" };
 * console.log(shardKeyString(key)); // "mesh.control/shard-01"
 * ```
 */
export interface ShardKey {
  readonly namespace: string;
  readonly shardId: string;
}

/**
 * The string form of a shard key, `namespace/shardId` (joined by one slash, as the original).
 *
 * @example
 * ```ts
 * import { shardKeyString } from "@pipe/shards";
 * console.log(shardKeyString({ namespace: "a", shardId: "b" })); // "a/b"
 * ```
 */
export function shardKeyString(key: ShardKey): string {
  return `${key.namespace}/${key.shardId}`;
}

/**
 * A shard's lifecycle status. On the wire and in this API it is the lowercase name; the checksum and the SQL
 * column use the original's integers (active 0, draining 1, paused 2, disabled 3; see `shardStatusValue`).
 *
 * @example
 * ```ts
 * import type { ShardStatus } from "@pipe/shards";
 * const s: ShardStatus = "draining";
 * console.log(s);
 * ```
 */
export type ShardStatus = "active" | "draining" | "paused" | "disabled";

/**
 * The durable ownership row of one shard.
 *
 * Details: `version` is per shard (1 after create, +1 per upsert); `checksum` is {@link computeShardChecksum}
 * over the record; `updatedAt` is an ISO-8601 UTC timestamp from the store's time provider.
 *
 * @example
 * ```ts
 * import type { ShardRecord } from "@pipe/shards";
 * const owner = (r: ShardRecord) => r.ownerNodeId;
 * console.log(typeof owner);
 * ```
 */
export interface ShardRecord extends ShardKey {
  readonly strategyId: string;
  readonly ownerNodeId: string;
  readonly leaderId: string | null;
  readonly capacityHint: number;
  readonly status: ShardStatus;
  readonly version: number;
  readonly checksum: string;
  readonly updatedAt: string;
  readonly changeTicket: string | null;
}

/**
 * The governance envelope of a mutation: who changed it, why, under which ticket.
 *
 * Details: `actor` and `reason` must be non-blank (the service returns `error.validation` with the original's
 * messages "Actor must be provided." / "Reason must be provided."). A mutation without metadata is recorded as
 * actor `system`, reason `unspecified`. `metadata` is free-form text (e.g. JSON).
 *
 * @example
 * ```ts
 * import type { ShardChangeMetadata } from "@pipe/shards";
 * const m: ShardChangeMetadata = { actor: "alice", reason: "rebalance", changeTicket: "CHG-1" };
 * console.log(m.actor);
 * ```
 */
export interface ShardChangeMetadata {
  readonly actor: string;
  readonly reason: string;
  readonly changeTicket?: string | undefined;
  readonly ownershipDeltaPercent?: number | undefined;
  readonly metadata?: string | undefined;
}

/**
 * A create-or-update of one shard.
 *
 * Details: `expectedVersion` enables optimistic concurrency: it is compared with the current version, or with
 * 0 when the shard does not exist (so 0 means "create only"); omitted means last-writer-wins. The effective
 * change ticket is `changeTicket`, else `changeMetadata.changeTicket`.
 *
 * @example
 * ```ts
 * import type { ShardMutationRequest } from "@pipe/shards";
 * const m: ShardMutationRequest = { namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a", expectedVersion: 0 };
 * console.log(m.shardId);
 * ```
 */
export interface ShardMutationRequest extends ShardKey {
  readonly strategyId: string;
  readonly ownerNodeId: string;
  readonly leaderId?: string | null | undefined;
  readonly capacityHint?: number | undefined;
  readonly status?: ShardStatus | undefined;
  readonly changeTicket?: string | null | undefined;
  readonly expectedVersion?: number | undefined;
  readonly changeMetadata?: ShardChangeMetadata | undefined;
}

/**
 * The immutable audit row written by every mutation.
 *
 * Details: `version` is the record version the mutation produced; `previousOwnerNodeId` is the owner before
 * it (null on create, set even when unchanged); `createdAt` equals the record's `updatedAt`.
 *
 * @example
 * ```ts
 * import type { ShardHistoryRecord } from "@pipe/shards";
 * const who = (h: ShardHistoryRecord) => `${h.actor}: ${h.reason}`;
 * console.log(typeof who);
 * ```
 */
export interface ShardHistoryRecord extends ShardKey {
  readonly version: number;
  readonly strategyId: string;
  readonly actor: string;
  readonly reason: string;
  readonly changeTicket: string | null;
  readonly createdAt: string;
  readonly ownerNodeId: string;
  readonly previousOwnerNodeId: string | null;
  readonly ownershipDeltaPercent: number | null;
  readonly metadata: string | null;
}

/**
 * What an upsert returns: the new record, the history row just written, and whether it created the shard.
 *
 * @example
 * ```ts
 * import type { ShardMutationResult } from "@pipe/shards";
 * const created = (r: ShardMutationResult) => r.created;
 * console.log(typeof created);
 * ```
 */
export interface ShardMutationResult {
  readonly record: ShardRecord;
  readonly history: ShardHistoryRecord;
  readonly created: boolean;
}

/**
 * One entry of the change stream: the state after a mutation, the state before it, and its audit row.
 *
 * Details: `position` is global and strictly increasing across all shards (it is **not** a version); streams
 * return positions strictly greater than a resume token. Unlike the original's relational store (which mixed
 * in the *current* row's checksum/status), `current` and `previous` are the exact snapshots of that mutation.
 * `previous` is null for a create.
 *
 * @example
 * ```ts
 * import type { ShardRecordDiff } from "@pipe/shards";
 * const moved = (d: ShardRecordDiff) => d.previous !== null && d.previous.ownerNodeId !== d.current.ownerNodeId;
 * console.log(typeof moved);
 * ```
 */
export interface ShardRecordDiff {
  readonly position: number;
  readonly current: ShardRecord;
  readonly previous: ShardRecord | null;
  readonly history: ShardHistoryRecord;
}
