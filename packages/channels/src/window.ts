import { err, type Result } from "@pipe/result";
import { type ChannelReader, NO_VALUE } from "./channel-types.ts";
import { BoundedChannel } from "./internal/bounded-channel.ts";
import { watchables } from "./internal/drain-loop.ts";
import { canceledResult, okVoidResult } from "./internal/errors.ts";
import { Mode } from "./internal/full-mode.ts";
import { MultiWait, Wake } from "./internal/multi-wait.ts";
import type { WatchableReader } from "./internal/protocol.ts";
import { checkOptions, checkSignal, checkTimeProvider } from "./internal/usage.ts";
import { TimeProvider } from "./time-provider.ts";

/**
 * Options of {@link window}: at least one of `size` and `intervalMs`.
 *
 * @example
 * ```ts
 * import { Channel, type WindowOptions, window } from "@pipe/channels";
 * const options: WindowOptions = { size: 100, intervalMs: 50 };
 * const batches = window(Channel.createUnbounded<number>().reader, options);
 * ```
 */
export interface WindowOptions {
  /** Flush when a batch holds this many values (integer >= 1). */
  readonly size?: number;
  /** Flush a non-empty batch every `intervalMs` (finite, > 0), on a fixed schedule from the start. */
  readonly intervalMs?: number;
  /** Capacity of the output channel of batches (default 16; the window waits when it is full). */
  readonly capacity?: number;
  /** Aborting stops the window: the output completes with `error.canceled`. */
  readonly signal?: AbortSignal;
  /** Clock for `intervalMs` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * The output of {@link window}.
 *
 * @example
 * ```ts
 * import { Channel, type WindowStream, window } from "@pipe/channels";
 * const stream: WindowStream<number> = window(Channel.createUnbounded<number>().reader, { size: 10 });
 * for await (const batch of stream.reader) console.log(batch.length);
 * ```
 */
export interface WindowStream<T> {
  /** Batches in source order; completes when the source does (with its error when it faulted). */
  readonly reader: ChannelReader<T[]>;
  /** Settles when the window stops: ok, or the failure the output was completed with. */
  readonly done: Promise<Result<void>>;
}

/**
 * Groups a stream into batches, flushed when a batch reaches `size` and/or every `intervalMs`.
 *
 * When to use: batching writes or calls (e.g. flush 100 items or every 50 ms, whichever comes first).
 *
 * Details: the interval runs on a fixed schedule on the TimeProvider (`start + k * intervalMs`); it does **not**
 * restart when a value arrives or a size flush happens, and empty batches are never emitted. One timer is
 * pending at a time, cleared when the window stops. The remaining partial batch is flushed when the source
 * completes. Writing a batch waits for room in the output channel (backpressure reaches the source).
 *
 * Errors: `done` and the output's readers see: a faulted source's error (`error.exception` with the fault as
 * cause unless it is a PipeError; the partial batch is flushed first); `error.canceled` on abort. Usage errors
 * (synchronous): neither option (`TypeError`), `size` not an integer >= 1, or `intervalMs` zero, negative or
 * not finite (`RangeError`; a zero interval never spins).
 *
 * @example
 * ```ts
 * import { Channel, VirtualTimeProvider, window } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const src = Channel.createUnbounded<number>();
 * const w = window(src.reader, { size: 2, intervalMs: 100, timeProvider: clock });
 * src.writer.tryWrite(1); src.writer.tryWrite(2); src.writer.tryWrite(3);
 * await clock.advance(100);
 * console.log(w.reader.tryRead(), w.reader.tryRead()); // [1, 2] [3]
 * ```
 */
export function window<T>(source: ChannelReader<T>, options: WindowOptions): WindowStream<T> {
  const [input] = watchables([source], "window") as [WatchableReader];
  if (checkOptions(options, "window") === undefined)
    throw new TypeError("window: options { size?, intervalMs? } are required (give size and/or intervalMs).");
  checkSignal(options.signal, "window");
  checkTimeProvider(options.timeProvider, "window");
  const { size, intervalMs } = options;
  if (size === undefined && intervalMs === undefined)
    throw new TypeError("window: give size and/or intervalMs.");
  if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
    throw new RangeError(`window: size must be an integer >= 1, got ${size}.`);
  }
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new RangeError(`window: intervalMs must be a finite number > 0, got ${intervalMs}.`);
  }
  const capacity = options.capacity ?? 16;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError("window: capacity must be an integer >= 1.");
  const output = new BoundedChannel<T[]>(capacity, Mode.Wait, undefined);
  const done = run(input, output, size ?? Number.POSITIVE_INFINITY, intervalMs, options).then((result) => {
    if (result.isOk) output.tryComplete();
    else output.tryComplete(result.error);
    return result;
  });
  return { reader: output, done };
}

async function run<T>(
  input: WatchableReader,
  output: BoundedChannel<T[]>,
  size: number,
  intervalMs: number | undefined,
  options: WindowOptions,
): Promise<Result<void>> {
  const signal = options.signal;
  if (signal?.aborted) return canceledResult<void>(signal);
  const clock = options.timeProvider ?? TimeProvider.system;
  const start = clock.now();
  let ticks = 1;
  const ticksAt: (number | undefined)[] = [intervalMs === undefined ? undefined : start + intervalMs];
  const waiter = new MultiWait(clock, signal);
  waiter.watcherFor(input);
  let batch: T[] = [];
  const emit = async (): Promise<Result<void>> => {
    const full = batch;
    batch = [];
    const r = output.tryWrite(full)
      ? okVoidResult()
      : await output.write(full, signal ? { signal } : undefined);
    return r;
  };
  for (;;) {
    if (signal?.aborted) return canceledResult<void>(signal);
    const due = ticksAt[0];
    if (due !== undefined && intervalMs !== undefined && clock.now() >= due) {
      while (start + ticks * intervalMs <= clock.now()) ticks++;
      ticksAt[0] = start + ticks * intervalMs;
      if (batch.length > 0) {
        const r = await emit();
        if (r.isErr) return r;
      }
      continue;
    }
    const value = input.tryRead();
    if (value !== NO_VALUE) {
      batch.push(value as T);
      if (batch.length >= size) {
        const r = await emit();
        if (r.isErr) return r;
      }
      continue;
    }
    const status = input.pipeStatus();
    if (status !== undefined) {
      if (batch.length > 0) {
        const r = await emit();
        if (r.isErr) return r;
      }
      return status === null ? okVoidResult() : err<void>(status);
    }
    const wake = await waiter.wait(() => true, undefined, ticksAt);
    if (wake === Wake.Aborted) return canceledResult<void>(signal);
  }
}
