import { Err, err, fromThrown, Ok, type Result } from "@pipe/result";
import type { ChannelReader } from "./channel-types.ts";
import { checkRunOptions, drainReaders, watchables } from "./internal/drain-loop.ts";
import { settleOutput } from "./internal/invoke.ts";
import type { TimeProvider } from "./time-provider.ts";

/**
 * Options of {@link fanIn}.
 *
 * @example
 * ```ts
 * import { Channel, fanIn, type FanInOptions, VirtualTimeProvider } from "@pipe/channels";
 * const options: FanInOptions = { timeout: 5_000, timeProvider: new VirtualTimeProvider() };
 * await fanIn([Channel.createUnbounded<number>().reader], () => {}, options);
 * ```
 */
export interface FanInOptions {
  /** One overall deadline in milliseconds for the whole fan-in, on `timeProvider` (fails `error.timeout`). */
  readonly timeout?: number;
  /** Aborting stops the loop with `error.canceled` (a running handler is not interrupted). */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * A fan-in handler: returns a Result (or nothing, meaning ok), possibly asynchronously.
 *
 * @example
 * ```ts
 * import { err, ok, PipeError } from "@pipe/result";
 * import { type FanInHandler } from "@pipe/channels";
 * const handler: FanInHandler<number> = (n) => (n < 0 ? err(PipeError.from("negative")) : ok());
 * ```
 */
export type FanInHandler<T> = (
  value: T,
  signal: AbortSignal | undefined,
) =>
  | Result<unknown>
  | PromiseLike<Result<unknown>>
  | undefined
  | PromiseLike<undefined>
  | void
  | PromiseLike<void>;

/**
 * Runs `handler` on every value of every reader, one at a time, until all readers are completed and drained
 * (a select loop over the readers).
 *
 * When to use: consuming several sources with one sequential handler. To forward values into a channel use
 * {@link merge}.
 *
 * Details: lower-index readers win when several have data; values of one reader stay in order. Buffered
 * values and synchronous handlers are processed without allocating; only an empty round parks one-shot
 * watchers (removed on wake). The first failed handler Result stops the fan-in and is returned as is;
 * values still buffered stay in their channels.
 *
 * Errors: the handler's failure; when it throws/rejects, the failure `fromThrown` gives (`error.exception`;
 * `error.canceled` for an `AbortError`, `error.timeout` for a `TimeoutError`); a reader completed with an error
 * returns that error (a PipeError passes through, any other fault becomes `error.exception` with it as cause;
 * never thrown, never swallowed); `error.timeout` at the deadline (a zero timeout fails at once);
 * `error.canceled` on abort or a pre-aborted signal. Empty `readers` → ok. `readers` is any iterable (an array, a
 * Set, a generator; read once, up front); a non-iterable or a foreign reader is a `TypeError`,
 * a negative timeout a `RangeError` (both synchronous).
 *
 * @example
 * ```ts
 * import { Channel, fanIn } from "@pipe/channels";
 * const a = Channel.createUnbounded<number>(), b = Channel.createUnbounded<number>();
 * a.writer.tryWrite(1); b.writer.tryWrite(2); a.writer.complete(); b.writer.complete();
 * const seen: number[] = [];
 * const r = await fanIn([a.reader, b.reader], (v) => { seen.push(v); });
 * console.log(r.isOk, seen); // true [1, 2]
 * ```
 */
export function fanIn<T>(
  readers: Iterable<ChannelReader<T>>,
  handler: FanInHandler<T>,
  options: FanInOptions = {},
): Promise<Result<void>> {
  const sources = watchables(readers, "fanIn");
  checkRunOptions(options, "fanIn");
  if (typeof handler !== "function") throw new TypeError("fanIn: handler must be a function.");
  const signal = options.signal;
  return drainReaders<T>(
    sources,
    (value) => {
      // A handler that returns nothing or a success costs no allocation (no Result per value).
      let out: unknown;
      try {
        out = handler(value, signal);
      } catch (error) {
        return err<void>(fromThrown(error));
      }
      if (out === undefined || out instanceof Ok) return undefined;
      if (out instanceof Err) return out as Result<void>;
      const r = settleOutput<unknown>(out);
      if (r instanceof Promise) return r as Promise<Result<void>>;
      return r.isErr ? (r as Result<void>) : undefined;
    },
    options,
  );
}
