import type { ChannelReader, ChannelWriter, FullMode, SignalOptions } from "./channel-types.ts";
import { BoundedChannel } from "./internal/bounded-channel.ts";
import { modeOf } from "./internal/full-mode.ts";
import { PrioritizedChannel as PrioritizedChannelImpl } from "./internal/prioritized-channel.ts";
import { UnboundedChannel } from "./internal/unbounded-channel.ts";
import { checkOptions, describe } from "./internal/usage.ts";

/**
 * A channel's two halves.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const channel: Channel<number> = Channel.createUnbounded<number>();
 * channel.writer.tryWrite(1);
 * ```
 */
export interface Channel<T> {
  readonly reader: ChannelReader<T>;
  readonly writer: ChannelWriter<T>;
}

/**
 * Options of {@link Channel.createBounded}.
 *
 * @example
 * ```ts
 * import { type BoundedChannelOptions, Channel } from "@pipe/channels";
 * const options: BoundedChannelOptions<string> = { capacity: 64, fullMode: "dropOldest", onDrop: (s) => console.warn("dropped", s) };
 * const { reader, writer } = Channel.createBounded(options);
 * ```
 */
export interface BoundedChannelOptions<T> {
  /** Maximum number of buffered values (an integer >= 1). */
  readonly capacity: number;
  /** What a write does when the buffer is full (default `"wait"`: backpressure). */
  readonly fullMode?: FullMode;
  /** Hint only (accepted for API parity with .NET; every channel is safe for many readers). */
  readonly singleReader?: boolean;
  /** Hint only (accepted for API parity with .NET). */
  readonly singleWriter?: boolean;
  /**
   * Called synchronously with each value a drop mode discards (the oldest, the newest buffered, or the value
   * being written for `dropWrite`), so drops are observable. Must not throw; a throw is re-raised
   * asynchronously (never swallowed) and the write still counts as done.
   */
  readonly onDrop?: (value: T) => void;
}

/**
 * Options of {@link Channel.createUnbounded}.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const { reader, writer } = Channel.createUnbounded<number>({ singleReader: true });
 * ```
 */
export interface UnboundedChannelOptions {
  /** Hint only. */
  readonly singleReader?: boolean;
  /** Hint only. */
  readonly singleWriter?: boolean;
}

/**
 * Options of {@link Channel.createPrioritized}.
 *
 * @example
 * ```ts
 * import { Channel, type PrioritizedChannelOptions } from "@pipe/channels";
 * const options: PrioritizedChannelOptions<string> = { levels: 3, capacityPerLevel: 100 };
 * const { reader, writer } = Channel.createPrioritized(options);
 * ```
 */
export interface PrioritizedChannelOptions<T> {
  /** Number of lanes (integer >= 1; default 3). Lane 0 is the highest priority. */
  readonly levels?: number;
  /** Lane used by writes without a priority (default: the lowest, `levels - 1`). */
  readonly defaultLevel?: number;
  /** Capacity of each lane (integer >= 1); omit for unbounded lanes. */
  readonly capacityPerLevel?: number;
  /** Full mode of each bounded lane (default `"wait"`). */
  readonly fullMode?: FullMode;
  /** Called with each dropped value and its lane (drop modes only). Must not throw. */
  readonly onDrop?: (value: T, priority: number) => void;
  /** Hint only. */
  readonly singleReader?: boolean;
  /** Hint only. */
  readonly singleWriter?: boolean;
}

/**
 * Per-write options of a prioritised writer.
 *
 * @example
 * ```ts
 * import { Channel, type PriorityWriteOptions } from "@pipe/channels";
 * const { writer } = Channel.createPrioritized<string>({ levels: 2 });
 * const options: PriorityWriteOptions = { priority: 0 };
 * writer.write("urgent", options);
 * ```
 */
export interface PriorityWriteOptions extends SignalOptions {
  /** Lane to write to (default: the channel's `defaultLevel`). Out of range: `RangeError`. */
  readonly priority?: number;
}

/**
 * The writer of a prioritised channel: every write may name a lane.
 *
 * @example
 * ```ts
 * import { Channel, type PrioritizedChannelWriter } from "@pipe/channels";
 * const { writer }: { writer: PrioritizedChannelWriter<string> } = Channel.createPrioritized<string>();
 * writer.tryWrite("urgent", 0);
 * writer.tryWrite("whenever"); // default lane (the lowest)
 * ```
 */
export interface PrioritizedChannelWriter<T> extends ChannelWriter<T> {
  /** Writes to lane `priority` (default lane when omitted). */
  write(value: T, options?: PriorityWriteOptions): ReturnType<ChannelWriter<T>["write"]>;
  /** Synchronous write to lane `priority` (default lane when omitted). */
  tryWrite(value: T, priority?: number): boolean;
  /** Waits for room in lane `priority` (default lane when omitted). */
  waitToWrite(options?: PriorityWriteOptions): ReturnType<ChannelWriter<T>["waitToWrite"]>;
}

/**
 * The reader of a prioritised channel.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const { reader, writer } = Channel.createPrioritized<string>({ levels: 2 });
 * writer.tryWrite("x", 0);
 * console.log(reader.countAt(0)); // 1
 * ```
 */
export interface PrioritizedChannelReader<T> extends ChannelReader<T> {
  /** Number of values buffered in lane `priority`. */
  countAt(priority: number): number;
}

/**
 * A prioritised channel's halves.
 *
 * @example
 * ```ts
 * import { Channel, type PrioritizedChannel } from "@pipe/channels";
 * const lanes: PrioritizedChannel<string> = Channel.createPrioritized<string>({ levels: 2 });
 * lanes.writer.tryWrite("high", 0);
 * ```
 */
export interface PrioritizedChannel<T> {
  readonly reader: PrioritizedChannelReader<T>;
  readonly writer: PrioritizedChannelWriter<T>;
}

const positiveInteger = (value: number, what: string): void => {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${what} must be an integer >= 1, got ${value}.`);
};

function createBounded<T>(options: number | BoundedChannelOptions<T>): Channel<T> {
  if (typeof options !== "number" && (typeof options !== "object" || options === null)) {
    throw new TypeError(
      `Channel.createBounded: expected a capacity or { capacity, fullMode? }, got ${describe(options)}.`,
    );
  }
  const opts: BoundedChannelOptions<T> = typeof options === "number" ? { capacity: options } : options;
  positiveInteger(opts.capacity, "Channel.createBounded: capacity");
  const channel = new BoundedChannel<T>(opts.capacity, modeOf(opts.fullMode), opts.onDrop);
  return { reader: channel, writer: channel };
}

function createUnbounded<T>(options?: UnboundedChannelOptions): Channel<T> {
  checkOptions(options, "Channel.createUnbounded");
  const channel = new UnboundedChannel<T>();
  return { reader: channel, writer: channel };
}

function createPrioritized<T>(options: PrioritizedChannelOptions<T> = {}): PrioritizedChannel<T> {
  checkOptions(options, "Channel.createPrioritized");
  const levels = options.levels ?? 3;
  positiveInteger(levels, "Channel.createPrioritized: levels");
  const defaultLevel = options.defaultLevel ?? levels - 1;
  if (!Number.isInteger(defaultLevel) || defaultLevel < 0 || defaultLevel >= levels) {
    throw new RangeError(
      `Channel.createPrioritized: defaultLevel must be in [0, ${levels - 1}], got ${defaultLevel}.`,
    );
  }
  const capacity = options.capacityPerLevel ?? Number.POSITIVE_INFINITY;
  if (options.capacityPerLevel !== undefined) {
    positiveInteger(capacity, "Channel.createPrioritized: capacityPerLevel");
  }
  const channel = new PrioritizedChannelImpl<T>(
    levels,
    defaultLevel,
    capacity,
    modeOf(options.fullMode),
    options.onDrop,
  );
  return { reader: channel, writer: channel };
}

/**
 * Factories for channels: bounded (backpressure or a drop policy), unbounded, and prioritised.
 *
 * When to use: `createBounded` almost always (it bounds memory and applies backpressure); `createUnbounded` only
 * when the producer is naturally bounded (its `count` shows the backlog); `createPrioritized` when some items
 * must overtake others.
 *
 * Details: each returns `{ reader, writer }` (for speed, both are views of one object; use only the half you
 * were given). Buffers are ring buffers; a read that finds data and a write that finds room complete
 * synchronously without allocating a promise, timer or closure.
 *
 * - `createBounded(n | { capacity, fullMode, onDrop })`: `fullMode` `"wait"` (default) makes `write` wait and
 *   `tryWrite` return false when full; `"dropOldest"`/`"dropNewest"` evict a buffered value; `"dropWrite"`
 *   discards the value being written. Drops are reported to `onDrop` and writes still succeed.
 * - `createPrioritized({ levels = 3, defaultLevel = levels - 1, capacityPerLevel, fullMode })`: lane 0 first,
 *   FIFO within a lane, strict priority (a busy high lane can starve lower ones). Backpressure holds per lane:
 *   with capacity 2, two writes to a lane succeed and the third waits until a reader takes from that lane.
 *
 * Gotchas: capacity, levels and priorities are validated synchronously (`RangeError`; an unknown `fullMode`
 * is a `TypeError`); a capacity of 0 (rendezvous) is not supported.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const { reader, writer } = Channel.createBounded<number>({ capacity: 2, fullMode: "dropOldest", onDrop: (v) => console.log("dropped", v) });
 * writer.tryWrite(1); writer.tryWrite(2); writer.tryWrite(3); // dropped 1
 * writer.complete();
 * for await (const v of reader) console.log(v); // 2, 3
 * ```
 */
export const Channel: {
  readonly createBounded: <T>(options: number | BoundedChannelOptions<T>) => Channel<T>;
  readonly createUnbounded: <T>(options?: UnboundedChannelOptions) => Channel<T>;
  readonly createPrioritized: <T>(options?: PrioritizedChannelOptions<T>) => PrioritizedChannel<T>;
} = Object.freeze({ createBounded, createUnbounded, createPrioritized });
