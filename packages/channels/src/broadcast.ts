import type { PipeError, Result } from "@pipe/result";
import type { ChannelReader, ChannelWriter } from "./channel-types.ts";
import { checkRunOptions, drainReaders, watchables } from "./internal/drain-loop.ts";
import { reportHookError } from "./internal/errors.ts";
import type { WatchableReader } from "./internal/protocol.ts";
import { writers } from "./internal/usage.ts";
import { writeAll } from "./internal/write-all.ts";
import type { TimeProvider } from "./time-provider.ts";

/**
 * Options of {@link broadcast}.
 *
 * @example
 * ```ts
 * import { type BroadcastOptions } from "@pipe/channels";
 * const options: BroadcastOptions<number> = {
 *   completeDestinations: true,
 *   signal: AbortSignal.timeout(10_000),
 *   onUndelivered: (value, error) => console.warn("not delivered everywhere:", value, error.code),
 * };
 * ```
 */
export interface BroadcastOptions<T = unknown> {
  /** Complete every destination when the source ends (with the error on failure). Default true. */
  readonly completeDestinations?: boolean;
  /** One overall deadline in milliseconds (fails `error.timeout`, also while a write waits for room). */
  readonly timeout?: number;
  /** Aborting stops with `error.canceled`, including a write blocked on a full destination. */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
  /**
   * Called once, when the broadcast fails, with the value it had taken from the source but not yet written to
   * every destination (abort, timeout or a completed destination mid-value), and the returned error. Some
   * destinations may already hold that value. A throwing hook is reported asynchronously, never swallowed.
   */
  readonly onUndelivered?: (value: T, error: PipeError) => void;
}

/**
 * Copies every value of `source` to every destination, in destination order (broadcast fan-out).
 *
 * When to use: every consumer must see every item (e.g. audit + processing). To route each item to one
 * branch, use {@link keyedFanOut}.
 *
 * Details: a full destination in mode `wait` holds up the others (head-of-line blocking by design: no value is
 * skipped); give slow branches a drop mode to decouple them. Values go out synchronously while every
 * destination has room.
 *
 * Errors: `error.channel.completed` when a destination was completed by someone else; a faulted source's
 * error (`error.exception` with the fault as cause unless it is a PipeError); `error.timeout` at the overall
 * deadline (also while blocked on a full destination); `error.canceled` on abort. No destinations: the source
 * is still drained and ok returned. `destinations` is any iterable of writers (read once, up front). Usage
 * errors (thrown synchronously, `TypeError`): a foreign source, destinations that are not an iterable of
 * writers, options that are not an object, a signal that is not an `AbortSignal`; a negative timeout is a
 * `RangeError`.
 *
 * Gotchas: unlike {@link merge}, room cannot be reserved in N destinations at once, so a value is taken from
 * the source first. If abort, timeout or a completed destination stops the broadcast while a value is only
 * partly delivered (written to the first destinations, blocked on a later one), that value is in neither the
 * source nor every destination: pass `onUndelivered` to recover or log it.
 *
 * @example
 * ```ts
 * import { Channel, broadcast } from "@pipe/channels";
 * const src = Channel.createUnbounded<number>();
 * const a = Channel.createUnbounded<number>(), b = Channel.createUnbounded<number>();
 * src.writer.tryWrite(7); src.writer.complete();
 * await broadcast(src.reader, [a.writer, b.writer]);
 * console.log(a.reader.tryRead(), b.reader.tryRead()); // 7 7
 * ```
 */
export function broadcast<T>(
  source: ChannelReader<T>,
  destinations: Iterable<ChannelWriter<T>>,
  options: BroadcastOptions<T> = {},
): Promise<Result<void>> {
  const sources = watchables([source], "broadcast");
  checkRunOptions(options, "broadcast");
  return broadcastTo(sources, writers(destinations, "broadcast"), options);
}

async function broadcastTo<T>(
  sources: readonly WatchableReader[],
  targets: readonly ChannelWriter<T>[],
  options: BroadcastOptions<T>,
): Promise<Result<void>> {
  const n = targets.length;
  // The value taken from the source and not yet written everywhere (tracked only on the slow path).
  let inFlight = false;
  let inFlightValue: T | undefined;
  const settled = (done: Result<void>): Result<void> => {
    if (done.isOk) {
      inFlight = false;
      inFlightValue = undefined;
    }
    return done;
  };
  const result = await drainReaders<T>(
    sources,
    (value, _index, signalOf) => {
      for (let i = 0; i < n; i++) {
        if ((targets[i] as ChannelWriter<T>).tryWrite(value)) continue;
        const r = writeAll(targets, value, signalOf(), i);
        if (r === undefined) return undefined;
        inFlight = true;
        inFlightValue = value;
        return r instanceof Promise ? r.then(settled) : settled(r);
      }
      return undefined;
    },
    options,
  );
  const onUndelivered = options.onUndelivered;
  if (result.isErr && inFlight && onUndelivered !== undefined) {
    try {
      onUndelivered(inFlightValue as T, result.error);
    } catch (thrown) {
      reportHookError(thrown);
    }
  }
  if (options.completeDestinations !== false) {
    for (const d of targets) {
      if (result.isOk) d.tryComplete();
      else d.tryComplete(result.error);
    }
  }
  return result;
}
