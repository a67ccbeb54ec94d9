/**
 * `@pipe/shards`: a shard control plane. Domain model and checksums byte-compatible with the original .NET
 * control plane, hashing strategies (rendezvous, ring, locality, weighted rendezvous), the in-memory store, the
 * read view, and a service for list / diff / watch / simulate / upsert / apply. Loads no database driver: the
 * PGlite and PostgreSQL stores live in `@pipe/shards/pglite` and `@pipe/shards/postgres`, the HTTP surface in
 * `@pipe/shards/http`, and `@pipe/shards/hashing` is the hashing and checksums without Effect.
 *
 * @module @pipe/shards
 */
export { shardErrorDescriptors } from "./codes.ts";
export { decodeShardCursor, encodeShardCursor } from "./cursor.ts";
export { ShardFilter, type ShardFilterInput } from "./filter.ts";
export * from "./hashing/index.ts";
export {
  ShardIdentifierLimits,
  ShardIdentifierSchemas,
  shardIdentifierProblem,
  shardLookupProblem,
  shardTextProblem,
} from "./identifier.ts";
export {
  type ShardChangeMetadata,
  type ShardHistoryRecord,
  type ShardKey,
  type ShardMutationRequest,
  type ShardMutationResult,
  type ShardRecord,
  type ShardRecordDiff,
  shardKeyString,
} from "./model.ts";
export { ShardReadView } from "./read-view.ts";
export type { ShardPositionWaitOptions, ShardReadViewOptions } from "./read-view-options.ts";
export type {
  ShardCompaction,
  ShardDiffReadOptions,
  ShardQueryOptions,
  ShardQueryPage,
  ShardRepository,
  ShardRepositoryCallOptions,
} from "./repository.ts";
export {
  decodeShardFilterInput,
  decodeShardMutationRequest,
  decodeShardSimulationRequest,
  ShardFilterInputSchema,
  ShardMutationRequestSchema,
  ShardSimulationRequestSchema,
} from "./schemas.ts";
export { ShardControlPlaneService } from "./service.ts";
export type { ShardCallOptions, ShardControlPlaneServiceOptions } from "./service-options.ts";
export type {
  ShardApplyRequest,
  ShardApplyResult,
  ShardBalance,
  ShardDiffPage,
  ShardListOptions,
  ShardListPage,
  ShardOwnership,
  ShardReconcileHook,
  ShardReconcileInput,
  ShardSimulation,
  ShardSimulationChange,
  ShardSimulationNode,
  ShardSimulationPage,
  ShardSimulationPageOptions,
  ShardSimulationRequest,
} from "./service-types.ts";
export { parseShardStatus, shardStatuses, shardStatusFromValue, shardStatusValue } from "./status.ts";
export { InMemoryShardRepository, type InMemoryShardRepositoryOptions } from "./stores/in-memory.ts";
