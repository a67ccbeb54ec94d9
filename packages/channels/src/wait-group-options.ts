import type { TimeProvider } from "./time-provider.ts";

/**
 * Work run by `go`: receives a signal and returns a Result, a value, nothing, or a promise of one.
 *
 * @example
 * ```ts
 * import { type GroupWork, WaitGroup } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const work: GroupWork = async (signal) => (signal.aborted ? ok("skipped") : ok("done"));
 * new WaitGroup().go(work);
 * ```
 */
export type GroupWork = (signal: AbortSignal) => unknown;

/**
 * Options of {@link WaitGroup.wait}.
 *
 * @example
 * ```ts
 * import { WaitGroup, type WaitOptions } from "@pipe/channels";
 * const options: WaitOptions = { timeout: 1_000, signal: AbortSignal.timeout(5_000) };
 * const r = await new WaitGroup().wait(options); // ok(): nothing outstanding
 * ```
 */
export interface WaitOptions {
  /** Aborting stops the wait with `error.canceled` (the work keeps running). Pre-aborted: fails at once. */
  readonly signal?: AbortSignal;
  /** Fails the wait with `error.timeout` after this many milliseconds (>= 0). */
  readonly timeout?: number;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * Options of {@link WaitGroup.go}.
 *
 * @example
 * ```ts
 * import { type GoOptions, WaitGroup } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const c = new AbortController();
 * const options: GoOptions = { signal: c.signal };
 * new WaitGroup().go(async (signal) => ok(signal.aborted), options);
 * ```
 */
export interface GoOptions {
  /**
   * The work's signal aborts when this one does (in an {@link ErrGroup}, also when the group signal does); a
   * pre-aborted signal records `error.canceled` and the work never runs.
   */
  readonly signal?: AbortSignal;
}

/**
 * Options of the {@link WaitGroup} constructor.
 *
 * @example
 * ```ts
 * import { WaitGroup, type WaitGroupOptions } from "@pipe/channels";
 * const options: WaitGroupOptions = { limit: 8 };
 * const wg = new WaitGroup(options); // at most 8 works run at once; the rest wait in order
 * ```
 */
export interface WaitGroupOptions {
  /**
   * At most this many works started by `go` run at once (a positive integer; default `Infinity`). `go` never
   * blocks: work beyond the limit is counted at once and waits in the order `go` was called, and starts when a
   * running work settles.
   */
  readonly limit?: number;
}
