import type { TimeProvider } from "./time-provider.ts";

/**
 * Options shared by the timer helpers (`delay`, `after`, `ticker`).
 *
 * @example
 * ```ts
 * import { delay, type TimerOptions, VirtualTimeProvider } from "@pipe/channels";
 * const options: TimerOptions = { timeProvider: new VirtualTimeProvider(), signal: AbortSignal.timeout(1000) };
 * const slept = delay(10, options);
 * ```
 */
export interface TimerOptions {
  /** Cancels the timer: the timer is cleared and the helper reports `error.canceled`. */
  readonly signal?: AbortSignal;
  /** Clock to schedule on (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}
