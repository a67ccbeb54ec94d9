import { err, type Result } from "@pipe/result";
import { type ChannelReader, type ChannelWriter, NO_VALUE, type SignalOptions } from "./channel-types.ts";
import { checkRunOptions, drainReaders, watchables } from "./internal/drain-loop.ts";
import { channelCompletedError, okVoidResult } from "./internal/errors.ts";
import { isRoomChecking, type WatchableReader } from "./internal/protocol.ts";
import type { TimeProvider } from "./time-provider.ts";

/**
 * Options of {@link merge}.
 *
 * @example
 * ```ts
 * import { type MergeOptions } from "@pipe/channels";
 * const options: MergeOptions = { completeDestination: false, timeout: 5_000 };
 * ```
 */
export interface MergeOptions {
  /** Complete `destination` when the merge ends (with the error on failure). Default true. */
  readonly completeDestination?: boolean;
  /** One overall deadline in milliseconds (fails `error.timeout`, also while waiting for room in the destination). */
  readonly timeout?: number;
  /** Aborting stops the merge with `error.canceled` (also while waiting for room in the destination). */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * Forwards every value of `readers` into `destination` until all readers are completed and drained.
 *
 * When to use: joining several producers into one consumer channel, with the destination's backpressure
 * applied to every source.
 *
 * Details: values of one reader keep their order; sources interleave by readiness (lower index first). The hot
 * path is `tryRead` + `tryWrite` (synchronous, no allocation); the merge awaits only when every source is
 * empty or the destination is full. Room is reserved before a value is taken: when the destination is full the
 * merge waits (`waitToWrite`) with the value still in its source, so a value leaves a source only when it is
 * written in the same synchronous step. On success the destination is completed (when `completeDestination`);
 * on failure it is completed with the error, so its readers see it.
 *
 * Errors: `error.channel.completed` when the destination was completed by someone else; a faulted source's
 * error (`error.exception` with the fault as cause unless it is a PipeError); `error.timeout` at the overall
 * deadline; `error.canceled` on abort. Empty `readers` → ok (completing the destination if asked). `readers` is
 * any iterable (an array, a Set, a generator; read once, up front); a non-iterable or a foreign reader is a
 * `TypeError`, a negative timeout a `RangeError` (both synchronous).
 *
 * Abort / timeout: stops waiting at once; no value is lost (every value is either in the destination or
 * still in its source, so a later merge or reader can pick it up).
 *
 * @example
 * ```ts
 * import { Channel, merge } from "@pipe/channels";
 * const a = Channel.createUnbounded<number>(), b = Channel.createUnbounded<number>();
 * const out = Channel.createBounded<number>(16);
 * a.writer.tryWrite(1); b.writer.tryWrite(2); a.writer.complete(); b.writer.complete();
 * console.log((await merge([a.reader, b.reader], out.writer)).isOk, out.reader.count); // true 2
 * ```
 */
export function merge<T>(
  readers: Iterable<ChannelReader<T>>,
  destination: ChannelWriter<T>,
  options: MergeOptions = {},
): Promise<Result<void>> {
  const sources = watchables(readers, "merge");
  checkRunOptions(options, "merge");
  return mergeSources(sources, destination, options);
}

/** A step's outcome from the destination's room: ok (room), its failure, or `error.channel.completed` (closed). */
function roomStep(room: Result<boolean>): Result<void> {
  if (room.isErr) return err<void>(room.error);
  return room.value ? okVoidResult() : err<void>(channelCompletedError());
}

async function mergeSources<T>(
  sources: readonly WatchableReader[],
  destination: ChannelWriter<T>,
  options: MergeOptions,
): Promise<Result<void>> {
  const direct = isRoomChecking(destination) ? destination : undefined;
  // Built once per merge (not per value): the caller's signal, linked with the deadline when there is one.
  let signalOptions: SignalOptions | undefined | null = null;
  const optionsOf = (signalOf: () => AbortSignal | undefined): SignalOptions | undefined => {
    if (signalOptions === null) {
      const signal = signalOf();
      signalOptions = signal === undefined ? undefined : { signal };
    }
    return signalOptions;
  };
  const result = await drainReaders<T>(
    sources,
    (value, index, signalOf) => {
      if (!destination.tryWrite(value)) {
        // Only reached when waitToWrite reported room but tryWrite disagrees (a writer not made by this package).
        return destination.write(value, optionsOf(signalOf));
      }
      // Moves the rest of this source's buffered values while the destination has room (checked before each
      // value is taken, so a value leaves its source only when it is written in the same step). A destination
      // from this package answers the room check synchronously; any other goes through `waitToWrite`.
      const source = sources[index] as WatchableReader;
      while (source.count > 0) {
        if (direct === undefined || !direct.pipeCanWrite()) {
          const room = destination.waitToWrite(optionsOf(signalOf));
          // Full: the step ends once there is room again (the drain loop then takes the next value).
          if (room instanceof Promise) return room.then(roomStep);
          if (!room.isOk || !room.value) return roomStep(room);
        }
        const next = source.tryRead();
        if (next === NO_VALUE) return undefined;
        if (!destination.tryWrite(next as T)) return destination.write(next as T, optionsOf(signalOf));
      }
      return undefined;
    },
    options,
    // Reserve room before taking a value: the hot path gets a shared ok(true) synchronously.
    (signalOf) => destination.waitToWrite(optionsOf(signalOf)),
  );
  if (options.completeDestination !== false) {
    if (result.isOk) destination.tryComplete();
    else destination.tryComplete(result.error);
  }
  return result;
}
