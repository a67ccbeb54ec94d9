/**
 * `@pipe/shards/hashing`: the hashing strategies, XXH64 and the shard checksum alone, byte-compatible with the
 * original .NET control plane. Loads neither Effect nor a store driver; the main entry exports the same names.
 *
 * @module @pipe/shards/hashing
 */
export { computeShardChecksum, type ShardChecksumInput } from "../checksum.ts";
export { type ShardErrorCode, ShardErrorCodes } from "../codes.ts";
export { ShardLimits } from "../limits.ts";
export type { ShardStatus } from "../model.ts";
export { xxh64, xxh64Hex } from "../xxh64.ts";
export { type LocalityPreference, localityStrategy, parseLocalityHint } from "./locality.ts";
export { ShardNodeHasher } from "./node-hasher.ts";
export { ShardHashStrategyRegistry } from "./registry.ts";
export { rendezvousStrategy, weightedRendezvousStrategy } from "./rendezvous.ts";
export { ringStrategy } from "./ring.ts";
export type {
  ShardAssignment,
  ShardAssignmentPlan,
  ShardDefinition,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
  ShardNodeDescriptor,
  ShardPlacement,
} from "./types.ts";
