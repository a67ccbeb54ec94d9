import type { ChannelReader } from "./channel-types.ts";
import { BoundedChannel } from "./internal/bounded-channel.ts";
import { canceledError } from "./internal/errors.ts";
import { Mode } from "./internal/full-mode.ts";
import { checkOptions, checkSignal, checkTimeProvider } from "./internal/usage.ts";
import { TimeProvider, type TimerHandle } from "./time-provider.ts";
import type { TimerOptions } from "./timer-options.ts";

/**
 * A running ticker: read ticks from `reader`, end it with `stop()`.
 *
 * @example
 * ```ts
 * import { ticker, type Ticker } from "@pipe/channels";
 * const t: Ticker = ticker(1000);
 * for await (const at of t) { console.log(at); t.stop(); }
 * ```
 */
export interface Ticker extends AsyncIterable<number> {
  /** Yields the clock's `now()` at each tick; holds at most one tick (a slow reader sees only the latest). */
  readonly reader: ChannelReader<number>;
  /** Stops the ticker and completes its channel (later reads report completion). Idempotent. */
  stop(): void;
}

/**
 * Starts a ticker that emits the clock's `now()` every `periodMs` milliseconds (Go's `time.NewTicker`).
 *
 * When to use: periodic work in a `for await` loop or a `select`, testable with a `VirtualTimeProvider`.
 *
 * Details: ticks are scheduled at `start + k * periodMs` (no drift from slow consumers). The channel buffers
 * **one** tick and drops the oldest, so a slow reader sees only the latest tick. One timer is pending at a
 * time; `stop()` and abort clear it.
 *
 * Errors: after an abort the reader sees `error.canceled` (iteration throws it); after `stop()` iteration ends
 * normally. A `periodMs` that is not a finite number > 0 is a `RangeError`, thrown synchronously.
 *
 * @example
 * ```ts
 * import { VirtualTimeProvider, ticker } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const t = ticker(10, { timeProvider: clock });
 * await clock.advance(30);
 * console.log(t.reader.tryRead()); // 30 (ticks at 10 and 20 were dropped)
 * t.stop();
 * ```
 */
export function ticker(periodMs: number, options: TimerOptions = {}): Ticker {
  checkOptions(options, "ticker");
  checkSignal(options.signal, "ticker");
  checkTimeProvider(options.timeProvider, "ticker");
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new RangeError(`ticker: periodMs must be a finite number > 0, got ${periodMs}.`);
  }
  const channel = new BoundedChannel<number>(1, Mode.DropOldest, undefined);
  const signal = options.signal;
  const clock = options.timeProvider ?? TimeProvider.system;
  let handle: TimerHandle | undefined;
  const stop = (): void => {
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    signal?.removeEventListener("abort", onAbort);
    channel.tryComplete();
  };
  const onAbort = (): void => {
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    channel.tryComplete(canceledError(signal));
  };
  if (signal?.aborted) {
    channel.complete(canceledError(signal));
  } else {
    const start = clock.now();
    let k = 0;
    const tick = (): void => {
      channel.tryWrite(clock.now());
      k++;
      handle = clock.setTimeout(tick, start + (k + 1) * periodMs - clock.now());
    };
    handle = clock.setTimeout(tick, periodMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  }
  return {
    reader: channel,
    stop,
    [Symbol.asyncIterator]: (): AsyncIterator<number> => channel[Symbol.asyncIterator](),
  };
}
