import type { TimeProvider } from "./time-provider.ts";

/**
 * Options of `select` (also taken by `prepareSelect(...).run` and `selectBuilder(options)`).
 *
 * @example
 * ```ts
 * import { type SelectOptions, VirtualTimeProvider } from "@pipe/channels";
 * const options: SelectOptions = { timeout: 100, fair: true, timeProvider: new VirtualTimeProvider() };
 * ```
 */
export interface SelectOptions {
  /** Fails with `error.timeout` when no case wins within this many milliseconds (>= 0; default: none). */
  readonly timeout?: number;
  /** Aborting fails the select with `error.canceled`; a pre-aborted signal fails before anything is read. */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` and deadline cases (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
  /** Rotate among ready cases of equal priority instead of always preferring the first (default false). */
  readonly fair?: boolean;
}
