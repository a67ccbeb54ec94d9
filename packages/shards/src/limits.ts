/**
 * The bounds on every number that drives work in the shard control plane, enforced where input enters (the
 * decoders, the service, the HTTP surface). A value outside its bound is a failed Result, never a slow,
 * huge or crashing computation.
 *
 * When to use: to size clients and fleets (a plan of 1,000,000 shards × 1,000 nodes is within the bounds),
 * and to explain an `error.validation` failure whose message names a limit.
 *
 * Details:
 * - `maxNodes` (10,000): nodes in one simulation request (`$.nodes`).
 * - `maxNodeWeight` (1,000): a node weight is a finite number from 0 to 1,000 (`$.nodes[i].weight`). Weights
 *   are relative, so 1,000 gives a node 1,000 times the share of a weight-1 node.
 * - `ringPointsPerWeight` (64) and `maxRingPoints` (262,144): the `ring` strategy places
 *   max(1, round(weight × 64)) virtual nodes per node; their sum is capped so the ring stays within about
 *   10 MB and is built in a fraction of a second (1,000 nodes of weight 4 fit; `$.nodes`).
 * - `maxShards` (1,000,000): shards in the simulated namespace (`$.namespace`).
 * - `maxSimulationWork` (1,000,000,000): shards × nodes of one simulation (`$.nodes`): the number of
 *   (shard, node) scores the rendezvous strategies compute. 1,000,000 × 1,000 is exactly the limit.
 * - `minPageSize` / `maxPageSize` / `defaultPageSize` (1 / 500 / 100): `list`'s `pageSize`; outside the range
 *   is `error.validation` (`$.pageSize`), never clamped.
 * - `maxSimulationPageSize` / `defaultSimulationPageSize` (10,000 / 1,000): shards per page of
 *   `simulatePage` (`$.pageSize`); a page costs page size × nodes scores.
 * - `maxPosition` (2^53 − 1): change positions (`fromPosition`, `toPosition`, `resumeToken`,
 *   `Last-Event-ID`) are integers from 0 to `Number.MAX_SAFE_INTEGER` (PostgreSQL `bigint` positions beyond
 *   it are never produced).
 * - `maxJsonDepth` (16): nesting of arrays and objects in an HTTP request body (the deepest valid body, an
 *   apply plan, nests 4 levels); deeper is 400 `shards.http.json.too_deep` before the body is parsed.
 *
 * Gotchas: the HTTP surface adds its own configurable limits (`maxBodyBytes`, default 1 MiB;
 * `maxConcurrentSimulations`, default 2); the Node adapter of the reference app answers a request line or
 * headers over 16 KiB with 431 problem+json.
 *
 * @example
 * ```ts
 * import { ShardLimits } from "@pipe/shards";
 * const nodes = 1_000;
 * console.log(Math.floor(ShardLimits.maxSimulationWork / nodes)); // 1000000 shards fit
 * ```
 */
export const ShardLimits: {
  readonly maxNodes: 10_000;
  readonly maxNodeWeight: 1_000;
  readonly ringPointsPerWeight: 64;
  readonly maxRingPoints: 262_144;
  readonly maxShards: 1_000_000;
  readonly maxSimulationWork: 1_000_000_000;
  readonly minPageSize: 1;
  readonly maxPageSize: 500;
  readonly defaultPageSize: 100;
  readonly maxSimulationPageSize: 10_000;
  readonly defaultSimulationPageSize: 1_000;
  readonly maxPosition: 9_007_199_254_740_991;
  readonly maxJsonDepth: 16;
} = Object.freeze({
  maxNodes: 10_000,
  maxNodeWeight: 1_000,
  ringPointsPerWeight: 64,
  maxRingPoints: 262_144,
  maxShards: 1_000_000,
  maxSimulationWork: 1_000_000_000,
  minPageSize: 1,
  maxPageSize: 500,
  defaultPageSize: 100,
  maxSimulationPageSize: 10_000,
  defaultSimulationPageSize: 1_000,
  maxPosition: 9_007_199_254_740_991,
  maxJsonDepth: 16,
} as const);
