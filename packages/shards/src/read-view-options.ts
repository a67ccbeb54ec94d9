import type { TimeProvider } from "@pipe/channels";
import type { PipeError } from "@pipe/result";

/**
 * Options of {@link ShardReadView.open}.
 *
 * @example
 * ```ts
 * import type { ShardReadViewOptions } from "@pipe/shards";
 * const o: ShardReadViewOptions = { recentDiffs: 100_000, writeVisibilityMs: 2_000 };
 * console.log(o.recentDiffs);
 * ```
 */
export interface ShardReadViewOptions {
  /** Clock of the tail's back-off and of the waits (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
  /**
   * Most recent diffs kept in memory for `readDiffs`/`watch` (default 1,000,000, the reference app's history
   * retention; 0 keeps none). Held in columns that share the records (see the package README for the cost).
   */
  readonly recentDiffs?: number | undefined;
  /** How long `upsert` waits for its own write to reach the view (default 5,000 ms; 0 does not wait). */
  readonly writeVisibilityMs?: number | undefined;
  /** Called with each failure of the change-log tail (it is retried from the last applied position). */
  readonly onTailError?: ((error: PipeError) => void) | undefined;
  /** Aborting it before `open` finishes cancels the load (`error.canceled`). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of {@link ShardReadView.waitForPosition}.
 *
 * @example
 * ```ts
 * import type { ShardPositionWaitOptions } from "@pipe/shards";
 * const o: ShardPositionWaitOptions = { timeoutMs: 1_000 };
 * console.log(o.timeoutMs);
 * ```
 */
export interface ShardPositionWaitOptions {
  /** Longest wait in ms (default 0: answer at once). */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}
