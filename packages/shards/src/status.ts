import type { ShardStatus } from "./model.ts";

/**
 * Every shard status in the original's integer order (active 0, draining 1, paused 2, disabled 3).
 *
 * @example
 * ```ts
 * import { shardStatuses } from "@pipe/shards";
 * console.log(shardStatuses.indexOf("paused")); // 2
 * ```
 */
export const shardStatuses: readonly ShardStatus[] = Object.freeze([
  "active",
  "draining",
  "paused",
  "disabled",
]);

/**
 * The original's integer for a status (what the checksum hashes and the SQL column stores).
 *
 * @example
 * ```ts
 * import { shardStatusValue } from "@pipe/shards";
 * console.log(shardStatusValue("disabled")); // 3
 * ```
 */
export function shardStatusValue(status: ShardStatus): number {
  switch (status) {
    case "active":
      return 0;
    case "draining":
      return 1;
    case "paused":
      return 2;
    case "disabled":
      return 3;
  }
}

/**
 * The status for one of the original's integers, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * import { shardStatusFromValue } from "@pipe/shards";
 * console.log(shardStatusFromValue(1)); // "draining"
 * ```
 */
export function shardStatusFromValue(value: number): ShardStatus | undefined {
  return Number.isInteger(value) ? shardStatuses[value] : undefined;
}

/**
 * Parses a status name case-insensitively (`"Active"`, `"paused"`), or one of the original's numeric strings
 * (`"0"`..`"3"`); `undefined` when it is neither.
 *
 * @example
 * ```ts
 * import { parseShardStatus } from "@pipe/shards";
 * console.log(parseShardStatus("Draining"), parseShardStatus("3"), parseShardStatus("x")); // draining disabled undefined
 * ```
 */
export function parseShardStatus(text: string): ShardStatus | undefined {
  const t = text.trim().toLowerCase();
  if (/^[0-3]$/.test(t)) return shardStatuses[Number(t)];
  return shardStatuses.find((s) => s === t);
}
