import { ErrorCodes, err, fromThrown, PipeError, type Result } from "@pipe/result";
import type { ChannelReader, ChannelWriter } from "./channel-types.ts";
import { checkRunOptions, drainReaders, watchables } from "./internal/drain-loop.ts";
import { okVoidResult } from "./internal/errors.ts";
import type { TimeProvider } from "./time-provider.ts";

/**
 * Options of {@link keyedFanOut}.
 *
 * @example
 * ```ts
 * import { type KeyedFanOutOptions } from "@pipe/channels";
 * const options: KeyedFanOutOptions<{ tenant: string }, string> = { onUnrouted: (m) => console.warn("no branch for", m.tenant) };
 * ```
 */
export interface KeyedFanOutOptions<T, K> {
  /** Branches present from the start. */
  readonly branches?: Iterable<readonly [K, ChannelWriter<T>]>;
  /**
   * Receives values whose key has no branch (or whose branch was completed by someone else). Without it such a
   * value fails the fan-out with `error.validation` (never dropped silently).
   */
  readonly onUnrouted?: (value: T, key: K) => void;
  /**
   * Receives a value that was taken from the source but could not be delivered: the fan-out was aborted or
   * timed out while the value waited for room in a full branch, the branch failed the write, or `keyOf` threw
   * (then `key` is `undefined`). The fan-out still ends with that error; this hook is how the value itself is
   * accounted for (dead-lettered, retried), so nothing taken from the source is lost unseen.
   */
  readonly onUndelivered?: (value: T, key: K | undefined, error: PipeError) => void;
  /** Complete the branches still registered when the fan-out ends (with the error on failure). Default true. */
  readonly completeBranches?: boolean;
  /** One overall deadline in milliseconds (fails `error.timeout`). */
  readonly timeout?: number;
  /** Aborting stops with `error.canceled`. */
  readonly signal?: AbortSignal;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * A running keyed fan-out: add and remove branches while it runs; `done` settles when it stops.
 *
 * @example
 * ```ts
 * import { Channel, keyedFanOut, type KeyedFanOut } from "@pipe/channels";
 * const src = Channel.createUnbounded<{ tenant: string }>();
 * const router: KeyedFanOut<{ tenant: string }, string> = keyedFanOut(src.reader, (m) => m.tenant);
 * router.addBranch("acme", Channel.createBounded<{ tenant: string }>(16).writer);
 * ```
 */
export interface KeyedFanOut<T, K> {
  /** Adds a branch; `false` (and nothing changes) when the key already has one. */
  addBranch(key: K, writer: ChannelWriter<T>): boolean;
  /** Removes a branch (completing its writer when `complete` is true); `false` when there was none. */
  removeBranch(key: K, options?: { readonly complete?: boolean }): boolean;
  /** Whether `key` has a branch. */
  hasBranch(key: K): boolean;
  /** The keys with a branch, in insertion order. */
  readonly keys: readonly K[];
  /** Settles when the source is drained (ok) or the fan-out fails. */
  readonly done: Promise<Result<void>>;
}

/**
 * Routes each value of `source` to exactly one branch chosen by `keyOf(value)`; branches can be added and
 * removed while it runs.
 *
 * When to use: per-tenant or per-shard routing where each key has its own channel (and its own backpressure
 * policy: give a branch a drop mode so a slow tenant cannot hold up the others).
 *
 * Details: values are routed in source order; a full `wait`-mode branch holds up the router until it has
 * room (a removed branch's pending write still completes or fails normally). The router starts on the next
 * microtask, so branches added synchronously after the call see the first values.
 *
 * Gotchas: a value waiting for room in a full branch when the fan-out is aborted (or times out) has already
 * left the source; pass `onUndelivered` to account for it.
 *
 * Errors (`done`): `error.exception` when `keyOf` throws; `error.validation` for an unrouted value without
 * `onUnrouted`; a faulted source's error (`error.exception` with the fault as cause unless it is a PipeError);
 * `error.timeout`; `error.canceled`.
 *
 * @example
 * ```ts
 * import { Channel, keyedFanOut } from "@pipe/channels";
 * const src = Channel.createUnbounded<{ tenant: string; n: number }>();
 * const a = Channel.createUnbounded<{ tenant: string; n: number }>();
 * const router = keyedFanOut(src.reader, (m) => m.tenant, { branches: [["a", a.writer]], onUnrouted: () => {} });
 * src.writer.tryWrite({ tenant: "a", n: 1 });
 * src.writer.complete();
 * console.log((await router.done).isOk, a.reader.count); // true 1
 * ```
 */
export function keyedFanOut<T, K>(
  source: ChannelReader<T>,
  keyOf: (value: T) => K,
  options: KeyedFanOutOptions<T, K> = {},
): KeyedFanOut<T, K> {
  const sources = watchables([source], "keyedFanOut");
  checkRunOptions(options, "keyedFanOut");
  if (typeof keyOf !== "function") throw new TypeError("keyedFanOut: keyOf must be a function.");
  const branches = new Map<K, ChannelWriter<T>>(options.branches ?? []);
  const unrouted = (value: T, key: K): Result<void> | undefined => {
    if (options.onUnrouted === undefined) {
      return err<void>(
        PipeError.from("No branch for the value's key.", ErrorCodes.validation, {
          metadata: { key: String(key) },
        }),
      );
    }
    try {
      options.onUnrouted(value, key);
    } catch (error) {
      return err<void>(fromThrown(error));
    }
    return undefined;
  };
  const undelivered = (value: T, key: K | undefined, failure: Result<void>): Result<void> => {
    if (options.onUndelivered === undefined || failure.isOk) return failure;
    try {
      options.onUndelivered(value, key, failure.error);
    } catch (error) {
      return err<void>(fromThrown(error));
    }
    return failure;
  };
  const route = (
    value: T,
    _index: number,
    signalOf: () => AbortSignal | undefined,
  ): Result<void> | Promise<Result<void>> | undefined => {
    let key: K;
    try {
      key = keyOf(value);
    } catch (error) {
      return undelivered(value, undefined, err<void>(fromThrown(error)));
    }
    const branch = branches.get(key);
    if (branch === undefined) return unrouted(value, key);
    if (branch.tryWrite(value)) return undefined;
    // Slow path only: the caller's signal linked with the overall deadline, so a timeout cancels the wait.
    const signal = signalOf();
    const r = branch.write(value, signal === undefined ? undefined : { signal });
    const after = (done: Result<void>): Result<void> | undefined => {
      if (done.isOk) return undefined;
      if (done.error.code !== ErrorCodes.channelCompleted) return undelivered(value, key, done);
      if (branches.get(key) === branch) branches.delete(key);
      return unrouted(value, key);
    };
    return r instanceof Promise ? r.then((done) => after(done) ?? okVoidResult()) : after(r);
  };
  const done = Promise.resolve().then(async () => {
    const result = await drainReaders<T>(sources, route, options);
    if (options.completeBranches !== false) {
      for (const w of branches.values()) {
        if (result.isOk) w.tryComplete();
        else w.tryComplete(result.error);
      }
    }
    return result;
  });
  return {
    addBranch(key: K, writer: ChannelWriter<T>): boolean {
      if (branches.has(key)) return false;
      branches.set(key, writer);
      return true;
    },
    removeBranch(key: K, removeOptions?: { readonly complete?: boolean }): boolean {
      const writer = branches.get(key);
      if (writer === undefined) return false;
      branches.delete(key);
      if (removeOptions?.complete === true) writer.tryComplete();
      return true;
    },
    hasBranch: (key: K): boolean => branches.has(key),
    get keys(): readonly K[] {
      return [...branches.keys()];
    },
    done,
  };
}
