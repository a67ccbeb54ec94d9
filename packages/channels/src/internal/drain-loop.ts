import { ErrorCodes, err, PipeError, type Result } from "@pipe/result";
import type { ChannelReader } from "../channel-types.ts";
import { NO_VALUE } from "../channel-types.ts";
import { TimeProvider, type TimerHandle } from "../time-provider.ts";
import { canceledResult, channelCompletedError, okVoidResult } from "./errors.ts";
import { MultiWait, Wake } from "./multi-wait.ts";
import { isWatchable, type WatchableReader } from "./protocol.ts";
import { checkOptions, checkSignal, checkTimeProvider, describe } from "./usage.ts";

/** Options shared by the drain-based combinators. */
export interface DrainOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeout?: number | undefined;
  readonly timeProvider?: TimeProvider | undefined;
}

/**
 * Per-value step: `undefined` (done, synchronously), a Result, or a promise of one. A step that waits must pass
 * `signalOf()` (the caller's signal, linked with the overall deadline when there is one) to what it awaits, so
 * that abort and timeout cancel it; call it only on the slow path (it may allocate the deadline on first use).
 */
export type Step<T> = (
  value: T,
  index: number,
  signalOf: () => AbortSignal | undefined,
) => Result<void> | Promise<Result<void>> | undefined;

/**
 * Optional gate run before a value is taken from a non-empty reader: `undefined` or `ok(true)` (room now, take
 * it synchronously), `ok(false)` / an error (stop with that error), or a promise of one (the loop waits, then
 * re-scans the readers). Lets a combinator reserve room first so that no value leaves a reader it cannot hand on.
 */
export type Gate = (
  signalOf: () => AbortSignal | undefined,
) => Result<boolean> | Promise<Result<boolean>> | undefined;

/**
 * The caller's signal linked lazily with the overall deadline: the controller, timer and listener exist only
 * once a step or gate actually waits, and `dispose` removes them.
 */
class Deadline {
  private controller: AbortController | undefined = undefined;
  private timer: TimerHandle | undefined = undefined;
  /** True when the deadline (not the caller's signal) aborted the linked signal. */
  timedOut = false;
  readonly signalOf: () => AbortSignal | undefined;

  constructor(
    private readonly clock: TimeProvider,
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutAt: number | undefined,
    private readonly timeout: number | undefined,
  ) {
    this.signalOf = timeoutAt === undefined ? () => signal : () => this.linked();
  }

  private linked(): AbortSignal {
    if (this.controller !== undefined) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    const signal = this.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        controller.abort(signal.reason);
        return controller.signal;
      }
      signal.addEventListener("abort", this);
    }
    const clock = this.clock;
    this.timer = clock.setTimeout(
      () => {
        this.timer = undefined;
        if (controller.signal.aborted) return;
        this.timedOut = true;
        controller.abort(PipeError.timeout(this.timeout));
      },
      (this.timeoutAt as number) - clock.now(),
    );
    return controller.signal;
  }

  /** Abort listener on the caller's signal. */
  handleEvent(): void {
    const controller = this.controller;
    if (controller !== undefined && !controller.signal.aborted) controller.abort(this.signal?.reason);
  }

  dispose(): void {
    if (this.controller === undefined) return;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.signal?.removeEventListener("abort", this);
  }
}

/** Validates readers and returns their internal protocol views (throws `TypeError` for foreign readers). */
export function watchables(readers: Iterable<ChannelReader<unknown>>, what: string): WatchableReader[] {
  if (
    readers === null ||
    typeof readers !== "object" ||
    typeof (readers as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${what}: readers must be an iterable of channel readers (an array, a Set, a generator), got ${describe(readers)}.`,
    );
  }
  const out: WatchableReader[] = [];
  for (const r of readers) {
    if (!isWatchable(r)) throw new TypeError(`${what}: reader ${out.length} must come from @pipe/channels.`);
    out.push(r);
  }
  return out;
}

/**
 * Validates the options of a combinator once per call: an object (or `undefined`), a `timeout` >= 0
 * (`RangeError` when negative or NaN) and a `signal` that is an `AbortSignal`.
 */
export function checkRunOptions(
  options: { readonly timeout?: number; readonly signal?: AbortSignal } | undefined,
  what: string,
): void {
  if (checkOptions(options, what) === undefined) return;
  const timeout = (options as { readonly timeout?: number }).timeout;
  if (timeout !== undefined && !(timeout >= 0))
    throw new RangeError(`${what}: timeout must be >= 0, got ${timeout}.`);
  checkSignal((options as { readonly signal?: AbortSignal }).signal, what);
  checkTimeProvider((options as { readonly timeProvider?: unknown }).timeProvider, what);
}

/**
 * Reads every value from `readers` (lower index first when several are ready) and runs `step` on each, one at
 * a time, until all readers are completed and drained. Synchronous steps on buffered data run without
 * allocating; the loop parks one-shot watchers only when every reader is empty.
 *
 * Returns ok when all readers completed; the first failed step's Result; a drained reader's completion error
 * (a PipeError, or `error.exception` wrapping the raw fault); `error.timeout` at the overall deadline (also
 * while a step or the gate waits, e.g. a write blocked on a full destination); `error.canceled` on abort.
 */
export async function drainReaders<T>(
  sources: readonly WatchableReader[],
  step: Step<T>,
  options: DrainOptions,
  gate?: Gate,
): Promise<Result<void>> {
  const signal = options.signal;
  if (signal?.aborted) return canceledResult<void>(signal);
  const clock = options.timeProvider ?? TimeProvider.system;
  const timeout = options.timeout;
  const timeoutAt = timeout === undefined || timeout === Infinity ? undefined : clock.now() + timeout;
  if (timeout === 0) return err<void>(PipeError.timeout(0));
  const deadline = new Deadline(clock, signal, timeoutAt, timeout);
  try {
    return await loop(sources, step, gate, signal, clock, timeout, timeoutAt, deadline);
  } finally {
    deadline.dispose();
  }
}

/** Maps a failure seen while waiting: the deadline wins over the `error.canceled` it caused. */
function settleWait<R>(r: Result<R>, deadline: Deadline, timeout: number | undefined): Result<R> {
  return r.isErr && deadline.timedOut && r.error.code === ErrorCodes.canceled
    ? err<R>(PipeError.timeout(timeout))
    : r;
}

async function loop<T>(
  sources: readonly WatchableReader[],
  step: Step<T>,
  gate: Gate | undefined,
  signal: AbortSignal | undefined,
  clock: TimeProvider,
  timeout: number | undefined,
  timeoutAt: number | undefined,
  deadline: Deadline,
): Promise<Result<void>> {
  const signalOf = deadline.signalOf;
  let waiter: MultiWait | undefined;
  const n = sources.length;
  for (;;) {
    if (signal?.aborted) return canceledResult<void>(signal);
    if (deadline.timedOut || (timeoutAt !== undefined && clock.now() >= timeoutAt))
      return err<void>(PipeError.timeout(timeout));
    let progressed = false;
    let open = 0;
    for (let i = 0; i < n; i++) {
      const source = sources[i] as WatchableReader;
      if (gate !== undefined && source.count > 0) {
        let g = gate(signalOf);
        if (g !== undefined) {
          const waited = g instanceof Promise;
          if (waited) g = settleWait(await g, deadline, timeout);
          const room = g as Result<boolean>;
          if (room.isErr) return err<void>(room.error);
          if (!room.value) return err<void>(channelCompletedError());
          if (waited) {
            progressed = true;
            break;
          }
        }
      }
      const value = source.tryRead();
      if (value !== NO_VALUE) {
        let r = step(value as T, i, signalOf);
        if (r !== undefined) {
          if (r instanceof Promise) r = settleWait(await r, deadline, timeout);
          if ((r as Result<void>).isErr) return r as Result<void>;
        }
        progressed = true;
        break;
      }
      const status = source.pipeStatus();
      if (status === undefined) open++;
      else if (status !== null) return err<void>(status);
    }
    if (progressed) continue;
    if (open === 0) return okVoidResult();
    if (waiter === undefined) {
      waiter = new MultiWait(clock, signal);
      for (const s of sources) waiter.watcherFor(s);
    }
    const w = waiter;
    const wake = await w.wait((i) => (sources[i] as WatchableReader).pipeStatus() === undefined, timeoutAt);
    if (wake === Wake.Aborted) return canceledResult<void>(signal);
    if (wake === Wake.Timeout) return err<void>(PipeError.timeout(timeout));
  }
}
