import type { Result } from "@pipe/result";

/**
 * Options bag carrying an optional abort signal.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const c = new AbortController();
 * const r = Channel.createUnbounded<number>().reader.read({ signal: c.signal });
 * c.abort(); // r resolves to a failed Result with error.canceled
 * ```
 */
export interface SignalOptions {
  /** Aborting it cancels the pending operation with `error.canceled`; an already-aborted signal fails up front. */
  readonly signal?: AbortSignal;
}

/**
 * The value `tryRead()` returns when nothing can be read right now (empty or completed channel).
 *
 * Details: a unique symbol rather than `undefined`, so channels of `undefined` work and the fast path allocates
 * nothing. Compare with `===`.
 *
 * @example
 * ```ts
 * import { Channel, NO_VALUE } from "@pipe/channels";
 * const { reader, writer } = Channel.createUnbounded<number>();
 * writer.tryWrite(1);
 * const v = reader.tryRead();
 * if (v !== NO_VALUE) console.log(v); // 1
 * ```
 */
export const NO_VALUE: unique symbol = Symbol("@pipe/channels.noValue");

/**
 * The type of {@link NO_VALUE}.
 *
 * @example
 * ```ts
 * import { Channel, NO_VALUE, type NoValue } from "@pipe/channels";
 * const v: number | NoValue = Channel.createUnbounded<number>().reader.tryRead();
 * console.log(v === NO_VALUE); // true
 * ```
 */
export type NoValue = typeof NO_VALUE;

/**
 * The reading half of a channel.
 *
 * When to use: consume with `for await (const v of reader)` (simplest), `read()` (one value as a Result),
 * `tryRead()` (synchronous polling), or `select` across several readers.
 *
 * Details: values come out in FIFO order (per lane for prioritised channels, highest lane first). A read that
 * finds data completes synchronously. Once the writer completes and the buffer is drained, `read` fails with
 * `error.channel.completed`, or with the completing error when the channel was completed with one (a
 * non-PipeError completion error is converted by `fromThrown`: `error.exception` with it as cause, `error.canceled`
 * for an `AbortError`, `error.timeout` for a `TimeoutError`).
 *
 * Gotchas: async iteration ends normally on plain completion and **throws** the PipeError when the channel was
 * completed with an error or the iteration's signal aborts (an iterator can only end or throw; it never
 * swallows the error). Several readers compete: each value goes to exactly one of them.
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const { reader, writer } = Channel.createBounded<string>(8);
 * writer.tryWrite("a");
 * writer.complete();
 * for await (const v of reader) console.log(v); // "a"
 * ```
 */
export interface ChannelReader<T> extends AsyncIterable<T> {
  /**
   * Reads one value: a plain Result when a value (or the end) is there, else a Promise of one.
   *
   * Errors: `error.channel.completed` (completed and drained), the completing error, `error.canceled` (abort, or
   * a pre-aborted signal, which fails without consuming anything).
   */
  read(options?: SignalOptions): Result<T> | Promise<Result<T>>;
  /** Takes one value synchronously, or returns {@link NO_VALUE} when none is buffered. Allocates nothing. */
  tryRead(): T | NoValue;
  /**
   * Waits until a value is available (`ok(true)`) or the channel is completed and drained (`ok(false)`, or the
   * completing error). Consumes nothing; another reader may take the value first. Abort: `error.canceled`.
   */
  waitToRead(options?: SignalOptions): Result<boolean> | Promise<Result<boolean>>;
  /** An async iterator over the values until completion; abort ends it by throwing `error.canceled`. */
  readAll(options?: SignalOptions): AsyncIterableIterator<T>;
  /** Same as `readAll()` without a signal; its `return()` releases a pending `next()`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T>;
  /**
   * Settles when the channel is completed and drained; rejects with the completing error (as passed to
   * `complete`). Created lazily, so an unobserved faulted channel raises no unhandled rejection.
   */
  readonly completion: Promise<void>;
  /** Number of buffered values. */
  readonly count: number;
}

/**
 * The writing half of a channel.
 *
 * When to use: `write` when you can wait for room (backpressure), `tryWrite` to poll synchronously, `complete`
 * to signal the end (optionally with an error the readers will see).
 *
 * Details: the channels of this package return a promise from every `write`; a write that finds room (or a
 * waiting reader) takes the value at once and returns one shared, already resolved promise of a shared `ok()`,
 * so `await writer.write(v)` allocates nothing per value. Other writers may return a plain Result: a caller of
 * the interface handles both (`await` does). `tryWrite` is the synchronous write. In a drop mode writes always
 * succeed and the dropped value goes to the `onDrop` hook.
 *
 * Errors: `error.channel.completed` after completion (also for writers still blocked when it completes),
 * `error.canceled` on abort (the value is then not written).
 *
 * @example
 * ```ts
 * import { Channel } from "@pipe/channels";
 * const { reader, writer } = Channel.createBounded<number>(1);
 * console.log((await writer.write(1)).isOk); // true: there was room (the value went in at once)
 * const pending = writer.write(2); // waits for the reader
 * reader.tryRead();
 * console.log((await pending).isOk); // true
 * writer.tryWrite(3);                // false: full (synchronous)
 * ```
 */
export interface ChannelWriter<T> {
  /**
   * Writes one value, waiting for room: the channels of this package return a promise that is already resolved
   * when there was room (one shared promise), else settles when there is; another writer may return a plain
   * Result.
   */
  write(value: T, options?: SignalOptions): Result<void> | Promise<Result<void>>;
  /** Writes synchronously when possible; `false` when full (mode `wait`) or completed. */
  tryWrite(value: T): boolean;
  /**
   * Waits until a write could succeed (`ok(true)`), or the channel is completed (`ok(false)`, or the
   * completing error). Reserves nothing. Abort: `error.canceled`.
   */
  waitToWrite(options?: SignalOptions): Result<boolean> | Promise<Result<boolean>>;
  /**
   * Completes the channel, optionally with an error the readers see after draining. Blocked writers fail
   * with `error.channel.completed`. Returns `error.channel.completed` when already completed.
   */
  complete(error?: unknown): Result<void>;
  /** Like `complete`, returning `false` instead of a failure when already completed. */
  tryComplete(error?: unknown): boolean;
}

/**
 * How a full bounded channel (or lane) treats another write.
 *
 * @example
 * ```ts
 * import { Channel, type FullMode } from "@pipe/channels";
 * const mode: FullMode = "dropOldest";
 * Channel.createBounded<number>({ capacity: 8, fullMode: mode });
 * ```
 */
export type FullMode = "wait" | "dropOldest" | "dropNewest" | "dropWrite";
