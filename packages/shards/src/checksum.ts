import { formatDotNetDouble } from "./internal/dotnet-number.ts";
import { digestHex, xxh64String } from "./internal/xxh64.ts";
import type { ShardStatus } from "./model.ts";
import { shardStatusValue } from "./status.ts";

/**
 * The fields a shard checksum covers (a record, or a mutation with its effective change ticket).
 *
 * @example
 * ```ts
 * import type { ShardChecksumInput } from "@pipe/shards";
 * const input: ShardChecksumInput = { namespace: "ns", shardId: "s", strategyId: "ring", ownerNodeId: "a", leaderId: null, capacityHint: 1, status: "active", changeTicket: null };
 * console.log(input.shardId);
 * ```
 */
export interface ShardChecksumInput {
  readonly namespace: string;
  readonly shardId: string;
  readonly strategyId: string;
  readonly ownerNodeId: string;
  readonly leaderId: string | null | undefined;
  readonly capacityHint: number;
  readonly status: ShardStatus;
  readonly changeTicket: string | null | undefined;
}

/**
 * The original's shard checksum: XXH64 (seed 0) of the UTF-8 string
 * `namespace|shardId|strategyId|ownerNodeId|leaderId|capacityHint|status|changeTicket`, as 16 uppercase hex
 * characters.
 *
 * When to use: stores call it on every mutation; call it to verify a record read from elsewhere.
 *
 * Details: byte-compatible with the .NET control plane: a null leader or ticket is the empty string,
 * `capacityHint` is formatted like .NET's invariant `double.ToString()` (shortest round-trip; `1E+15`,
 * `1E-05`, `-0`), `status` is its integer (active 0 … disabled 3). `version` and `updatedAt` are not covered.
 *
 * Gotchas: the stores pass the *effective* change ticket (request ticket, else the metadata ticket).
 *
 * @example
 * ```ts
 * import { computeShardChecksum } from "@pipe/shards";
 * const sum = computeShardChecksum({ namespace: "mesh.control", shardId: "shard-01", strategyId: "rendezvous", ownerNodeId: "node-a", leaderId: null, capacityHint: 1, status: "active", changeTicket: null });
 * console.log(sum.length); // 16
 * ```
 */
export function computeShardChecksum(input: ShardChecksumInput): string {
  const text = `${input.namespace}|${input.shardId}|${input.strategyId}|${input.ownerNodeId}|${input.leaderId ?? ""}|${formatDotNetDouble(input.capacityHint)}|${shardStatusValue(input.status)}|${input.changeTicket ?? ""}`;
  xxh64String(text);
  return digestHex();
}
