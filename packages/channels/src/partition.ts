import { err, fromThrown, type Result } from "@pipe/result";
import type { ChannelReader, ChannelWriter } from "./channel-types.ts";
import { checkRunOptions, drainReaders, watchables } from "./internal/drain-loop.ts";
import type { WatchableReader } from "./internal/protocol.ts";
import { describe, writers } from "./internal/usage.ts";
import type { TimeProvider } from "./time-provider.ts";

/**
 * Destinations of {@link partition}.
 *
 * @example
 * ```ts
 * import { Channel, type PartitionTargets } from "@pipe/channels";
 * const targets: PartitionTargets<number> = { matched: Channel.createUnbounded<number>().writer, unmatched: Channel.createUnbounded<number>().writer };
 * ```
 */
export interface PartitionTargets<T> {
  /** Receives values for which the predicate returns true. */
  readonly matched: ChannelWriter<T>;
  /** Receives the other values. */
  readonly unmatched: ChannelWriter<T>;
}

/**
 * Options of {@link partition}.
 *
 * @example
 * ```ts
 * import { type PartitionOptions } from "@pipe/channels";
 * const options: PartitionOptions = { completeDestinations: false };
 * ```
 */
export interface PartitionOptions {
  /** Complete both destinations when the source ends (with the error on failure). Default true. */
  readonly completeDestinations?: boolean;
  /** One overall deadline in milliseconds (fails `error.timeout`). */
  readonly timeout?: number;
  /** Aborting stops with `error.canceled`. */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * Splits `source` into two channels by a predicate: each value goes to exactly one of `matched`/`unmatched`.
 *
 * When to use: routing valid/invalid, hot/cold, or any two-way split while keeping backpressure.
 *
 * Errors: `error.exception` when the predicate throws (the value is not written); `error.channel.completed` when
 * a destination was completed by someone else; a faulted source's error; `error.timeout`; `error.canceled`.
 * Destinations are completed with the error on failure (when `completeDestinations`).
 *
 * @example
 * ```ts
 * import { Channel, partition } from "@pipe/channels";
 * const src = Channel.createUnbounded<number>();
 * const even = Channel.createUnbounded<number>(), odd = Channel.createUnbounded<number>();
 * for (const n of [1, 2, 3]) src.writer.tryWrite(n);
 * src.writer.complete();
 * await partition(src.reader, (n) => n % 2 === 0, { matched: even.writer, unmatched: odd.writer });
 * console.log(even.reader.count, odd.reader.count); // 1 2
 * ```
 */
export function partition<T>(
  source: ChannelReader<T>,
  predicate: (value: T) => boolean,
  targets: PartitionTargets<T>,
  options: PartitionOptions = {},
): Promise<Result<void>> {
  const sources = watchables([source], "partition");
  checkRunOptions(options, "partition");
  if (typeof predicate !== "function") throw new TypeError("partition: predicate must be a function.");
  if (typeof targets !== "object" || targets === null)
    throw new TypeError(
      `partition: targets must be { matched, unmatched } channel writers, got ${describe(targets)}.`,
    );
  writers([targets.matched, targets.unmatched], "partition: targets.matched / targets.unmatched");
  return partitionInto(sources, predicate, targets, options);
}

async function partitionInto<T>(
  sources: readonly WatchableReader[],
  predicate: (value: T) => boolean,
  targets: PartitionTargets<T>,
  options: PartitionOptions,
): Promise<Result<void>> {
  const result = await drainReaders<T>(
    sources,
    (value, _index, signalOf) => {
      let target: ChannelWriter<T>;
      try {
        target = predicate(value) ? targets.matched : targets.unmatched;
      } catch (error) {
        return err<void>(fromThrown(error));
      }
      if (target.tryWrite(value)) return undefined;
      // Slow path only: the caller's signal linked with the overall deadline, so a timeout cancels the wait.
      const signal = signalOf();
      return target.write(value, signal === undefined ? undefined : { signal });
    },
    options,
  );
  if (options.completeDestinations !== false) {
    for (const d of [targets.matched, targets.unmatched]) {
      if (result.isOk) d.tryComplete();
      else d.tryComplete(result.error);
    }
  }
  return result;
}
