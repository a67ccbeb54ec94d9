import type { ChannelReader } from "./channel-types.ts";
import { BoundedChannel } from "./internal/bounded-channel.ts";
import { canceledError } from "./internal/errors.ts";
import { Mode } from "./internal/full-mode.ts";
import { checkOptions, checkSignal, checkTimeProvider } from "./internal/usage.ts";
import { TimeProvider } from "./time-provider.ts";
import type { TimerOptions } from "./timer-options.ts";

/**
 * Returns a reader that yields the clock's `now()` once, after `ms` milliseconds, and then completes (Go's
 * `time.After`).
 *
 * When to use: as a timeout arm in `select`, or wherever a channel-shaped one-shot timer is handy. For a
 * plain sleep use `delay`.
 *
 * Details: `ms = 0` writes immediately (no timer). Abort clears the timer and completes the channel with
 * `error.canceled`, so a reader sees that failure. The abort listener is removed when the timer fires.
 *
 * Errors: readers see `error.canceled` after an abort (immediately for an already-aborted signal, without
 * scheduling anything). A negative or non-finite `ms` is a `RangeError` thrown synchronously.
 *
 * @example
 * ```ts
 * import { VirtualTimeProvider, after } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const fired = after(100, { timeProvider: clock });
 * await clock.advance(100);
 * console.log(fired.tryRead()); // 100
 * ```
 */
export function after(ms: number, options: TimerOptions = {}): ChannelReader<number> {
  checkOptions(options, "after");
  checkSignal(options.signal, "after");
  checkTimeProvider(options.timeProvider, "after");
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`after: ms must be a finite number >= 0, got ${ms}.`);
  const channel = new BoundedChannel<number>(1, Mode.Wait, undefined);
  const signal = options.signal;
  const clock = options.timeProvider ?? TimeProvider.system;
  if (signal?.aborted) {
    channel.complete(canceledError(signal));
    return channel;
  }
  if (ms === 0) {
    channel.tryWrite(clock.now());
    channel.complete();
    return channel;
  }
  const onAbort = (): void => {
    clock.clearTimeout(handle);
    channel.complete(canceledError(signal));
  };
  const handle = clock.setTimeout(() => {
    signal?.removeEventListener("abort", onAbort);
    channel.tryWrite(clock.now());
    channel.complete();
  }, ms);
  signal?.addEventListener("abort", onAbort, { once: true });
  return channel;
}
