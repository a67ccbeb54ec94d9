import type { Result } from "@pipe/result";
import { canceledResult, okVoidResult } from "./internal/errors.ts";
import { checkOptions, checkSignal, checkTimeProvider } from "./internal/usage.ts";
import { TimeProvider } from "./time-provider.ts";
import type { TimerOptions } from "./timer-options.ts";

/**
 * Waits `ms` milliseconds on a {@link TimeProvider}, resolving to `ok()` (never rejecting).
 *
 * When to use: back-offs, pacing, and any "sleep" in code you want to test with a `VirtualTimeProvider`.
 *
 * Details: `ms = 0` resolves without scheduling a timer. The timer and the abort listener are both removed on
 * settle.
 *
 * Errors: `error.canceled` when the signal aborts (the timer is cleared) or is already aborted (no timer is
 * scheduled). A negative, NaN or infinite `ms` is a usage error: `RangeError`, thrown synchronously.
 *
 * @example
 * ```ts
 * import { VirtualTimeProvider, delay } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const done = delay(250, { timeProvider: clock });
 * await clock.advance(250);
 * console.log((await done).isOk); // true
 * ```
 */
export function delay(ms: number, options: TimerOptions = {}): Promise<Result<void>> {
  checkOptions(options, "delay");
  checkSignal(options.signal, "delay");
  checkTimeProvider(options.timeProvider, "delay");
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`delay: ms must be a finite number >= 0, got ${ms}.`);
  const signal = options.signal;
  if (signal?.aborted) return Promise.resolve(canceledResult<void>(signal));
  if (ms === 0) return Promise.resolve(okVoidResult());
  const clock = options.timeProvider ?? TimeProvider.system;
  return new Promise<Result<void>>((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(canceledResult<void>(signal));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(okVoidResult());
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
