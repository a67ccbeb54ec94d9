import type { TimeProvider } from "@pipe/channels";
import type { ResultExecutionPolicy } from "@pipe/pipeline";
import type { ShardHashStrategyRegistry } from "./hashing/registry.ts";
import type { ShardRepository } from "./repository.ts";
import type { ShardReconcileHook } from "./service-types.ts";

/**
 * Options of a {@link ShardControlPlaneService}.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, type ShardControlPlaneServiceOptions } from "@pipe/shards";
 * const o: ShardControlPlaneServiceOptions = { repository: new InMemoryShardRepository(), workers: 4 };
 * console.log(o.workers);
 * ```
 */
export interface ShardControlPlaneServiceOptions {
  readonly repository: ShardRepository;
  /** Strategy registry (default: a new registry with the built-ins). */
  readonly registry?: ShardHashStrategyRegistry | undefined;
  /** Clock for retry back-off, `generatedAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
  /**
   * The repository policy: retries and compensation for store calls and simulation workers (default
   * {@link ShardControlPlaneService.repositoryPolicy}). Only `shards.control.repository.failure` is retried.
   */
  readonly policy?: ResultExecutionPolicy | undefined;
  /** Simulation worker partitions (default `navigator.hardwareConcurrency`, else 4). */
  readonly workers?: number | undefined;
  /** Per-assignment hook of simulation workers (fault injection, custom checks). */
  readonly reconcile?: ShardReconcileHook | undefined;
  /** Longest wait of a `list` for its `minPosition`, in ms (default 2,000). */
  readonly positionWaitMs?: number | undefined;
}

/**
 * Signal-only options.
 *
 * @example
 * ```ts
 * import type { ShardCallOptions } from "@pipe/shards";
 * const o: ShardCallOptions = { signal: AbortSignal.timeout(5000) };
 * console.log(o.signal !== undefined);
 * ```
 */
export interface ShardCallOptions {
  readonly signal?: AbortSignal | undefined;
}
