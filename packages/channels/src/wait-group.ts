import { err, fromThrown, isResult, PipeError, type Result } from "@pipe/result";
import { instruments } from "./internal/diagnostics.ts";
import { canceledResult, okVoidResult } from "./internal/errors.ts";
import { checkOptions, checkSignal, checkTimeProvider, describe } from "./internal/usage.ts";
import { WaitList } from "./internal/wait-list.ts";
import { TimeProvider } from "./time-provider.ts";

/**
 * Work run by `go`: receives a signal and returns a Result, a value, nothing, or a promise of one.
 *
 * @example
 * ```ts
 * import { type GroupWork, WaitGroup } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const work: GroupWork = async (signal) => (signal.aborted ? ok("skipped") : ok("done"));
 * new WaitGroup().go(work);
 * ```
 */
export type GroupWork = (signal: AbortSignal) => unknown;

/**
 * Options of {@link WaitGroup.wait}.
 *
 * @example
 * ```ts
 * import { WaitGroup, type WaitOptions } from "@pipe/channels";
 * const options: WaitOptions = { timeout: 1_000, signal: AbortSignal.timeout(5_000) };
 * const r = await new WaitGroup().wait(options); // ok(): nothing outstanding
 * ```
 */
export interface WaitOptions {
  /** Aborting stops the wait with `error.canceled` (the work keeps running). Pre-aborted: fails at once. */
  readonly signal?: AbortSignal;
  /** Fails the wait with `error.timeout` after this many milliseconds (>= 0). */
  readonly timeout?: number;
  /** Clock for `timeout` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}

/**
 * Options of {@link WaitGroup.go}.
 *
 * @example
 * ```ts
 * import { type GoOptions, WaitGroup } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const c = new AbortController();
 * const options: GoOptions = { signal: c.signal };
 * new WaitGroup().go(async (signal) => ok(signal.aborted), options);
 * ```
 */
export interface GoOptions {
  /** Passed to the work; a pre-aborted signal records `error.canceled` and the work never runs. */
  readonly signal?: AbortSignal;
}

/**
 * Options of the {@link WaitGroup} constructor.
 *
 * @example
 * ```ts
 * import { WaitGroup, type WaitGroupOptions } from "@pipe/channels";
 * const options: WaitGroupOptions = { limit: 8 };
 * const wg = new WaitGroup(options); // at most 8 works run at once; the rest wait in order
 * ```
 */
export interface WaitGroupOptions {
  /**
   * At most this many works started by `go` run at once (a positive integer; default `Infinity`). `go` never
   * blocks: work beyond the limit is counted at once and waits in the order `go` was called, and starts when a
   * running work settles.
   */
  readonly limit?: number;
}

const NEVER: AbortSignal = new AbortController().signal;

/** Work `go` counted but has not started (beyond the limit). */
interface Queued {
  readonly source: AbortSignal;
  readonly start: (source: AbortSignal) => Started;
}

/** What starting a work gives: its outcome, and the controller to abort once it settled (if any). */
interface Started {
  readonly outcome: unknown;
  readonly ended: AbortController | undefined;
}

function checkLimit(limit: unknown, what: string): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && (limit as number) >= 1))
    return limit as number;
  throw new RangeError(`${what}: limit must be a positive integer or Infinity, got ${describe(limit)}.`);
}

let ended: unknown;

/** The reason a work's signal aborts with once the work settled (one shared `AbortError`). */
function workEnded(): unknown {
  ended ??= new DOMException("The work has ended.", "AbortError");
  return ended;
}

/**
 * Go's `sync.WaitGroup` with Results: count outstanding work, then `wait()` for all of it and learn whether
 * any of it failed.
 *
 * When to use: starting a dynamic number of concurrent tasks and joining them. Use {@link ErrGroup} instead
 * when the first failure should cancel the others.
 *
 * Details: `go(work)` counts the work, runs it (synchronously up to its first `await`) with its own signal, and
 * records its outcome: a failed Result, a throw or a rejection (converted by `fromThrown`: `error.exception`,
 * or `error.canceled` / `error.timeout` for an `AbortError` / `TimeoutError`) is a failure; anything else
 * is success. The work's signal follows `options.signal` (or the group's) and aborts (an `AbortError`, "The
 * work has ended.") once the work settles, as Go's context cancel does, so resources tied to it are released. `wait()` resolves when the count reaches zero, with ok, the single failure, or an
 * `error.aggregate` of every failure (in completion order). Failures are kept for the group's lifetime.
 *
 * Limit: `new WaitGroup({ limit })` runs at most `limit` works at once, as `fanOut`'s `concurrency` does. `go`
 * never blocks its caller: work beyond the limit is counted at once and starts, in the order `go` was called,
 * when a running work settles. A queued work whose signal aborted before its turn never starts and counts as
 * `error.canceled` (an {@link ErrGroup} drops every queued work as soon as its group signal aborts).
 *
 * Extension points (used by `@pipe/pipeline`, whose subclass adds `go(ctx, work(childCtx, signal), { stepName })`):
 * `protected admit(signal, start)` counts one work and starts it under the limit (`start(signal)` returns
 * `{ outcome, ended }`); `protected track(outcome)` counts one unit of work and records how it settles,
 * outside the limit (call it with whatever your overload produced: a Result, a promise of one, or any value); `protected recordFailure(error)` receives each
 * failure (override to react, call `super`); `protected outcome()` builds the Result `wait()` returns.
 *
 * Errors: `wait` gives `error.canceled` on abort (or a pre-aborted signal, even when the count is zero) and
 * `error.timeout` (metadata `duration`) on timeout. Usage errors (thrown synchronously): `go` with a work that is not a function
 * (`TypeError`; it is not counted), options that are not an object or a signal that is not an `AbortSignal`
 * (`TypeError`), `add` with a
 * non-positive or non-integer count (`RangeError`), `done` below zero (`RangeError`, count stays zero).
 *
 * @example
 * ```ts
 * import { WaitGroup } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const wg = new WaitGroup({ limit: 2 });
 * for (const id of [1, 2, 3]) wg.go(async () => ok(id)); // the third starts once one of the first two settled
 * console.log((await wg.wait()).isOk); // true
 * ```
 */
export class WaitGroup {
  private outstanding = 0;
  private readonly failures: PipeError[] = [];
  private readonly waiters: WaitList = new WaitList();
  /** Works started by `go` and not yet settled. */
  private running = 0;
  private readonly limit: number;
  /** Works beyond the limit, oldest first from `head`. */
  private queue: (Queued | undefined)[] = [];
  private head = 0;
  /** True while `startQueued` runs (a work that settles synchronously does not start the next one itself). */
  private starting = false;

  /**
   * A group without a limit, or with `options.limit` works running at once.
   * @throws TypeError when `options` is not an object; RangeError when `limit` is not a positive integer or
   * `Infinity` (programmer errors).
   */
  constructor(options: WaitGroupOptions = {}) {
    checkOptions(options, "WaitGroup");
    this.limit = checkLimit((options as WaitGroupOptions | undefined)?.limit, "WaitGroup");
  }

  /** Outstanding work. */
  get count(): number {
    return this.outstanding;
  }

  /** Adds `delta` (default 1) units of outstanding work. */
  add(delta = 1): void {
    if (!Number.isInteger(delta) || delta < 1)
      throw new RangeError(`WaitGroup.add: delta must be an integer >= 1.`);
    this.outstanding += delta;
    const meter = instruments();
    if (meter !== undefined) {
      meter.waitGroupAdditions.add(delta);
      meter.waitGroupOutstanding.add(delta);
    }
  }

  /** Marks one unit of work done; releases waiters at zero. */
  done(): void {
    if (this.outstanding === 0) throw new RangeError("WaitGroup.done: the counter is already zero.");
    this.outstanding--;
    const meter = instruments();
    if (meter !== undefined) {
      meter.waitGroupCompletions.add(1);
      meter.waitGroupOutstanding.add(-1);
    }
    if (this.outstanding === 0) this.waiters.releaseAll(() => this.outcome());
  }

  /** Runs `work(signal)` as tracked work (see the class notes). */
  go(work: GroupWork, options: GoOptions = {}): void {
    if (typeof work !== "function")
      throw new TypeError(`WaitGroup.go: work must be a function (signal) => ..., got ${describe(work)}.`);
    checkOptions(options, "WaitGroup.go");
    checkSignal(options.signal, "WaitGroup.go");
    this.admit(options.signal ?? this.workSignal(), (source) => {
      // The work's own signal: it follows `source` and aborts once the work settles, so whatever the work tied
      // to it (listeners, timers, requests) is released.
      const own = new AbortController();
      const signal = source === NEVER ? own.signal : AbortSignal.any([source, own.signal]);
      let outcome: unknown;
      try {
        outcome = work(signal);
      } catch (error) {
        outcome = err<void>(fromThrown(error, { signal }));
      }
      return { outcome, ended: own };
    });
  }

  /**
   * Counts one work and starts it with `start(source)` now, or, when `limit` works are running, once an earlier
   * one settled (in the order of the calls). A work whose `source` aborted before it started never starts and
   * counts as `error.canceled`. `start` returns the work's outcome (recorded as `track` does) and optionally a
   * controller to abort once the outcome settled. For subclasses adding `go` overloads.
   */
  protected admit(
    source: AbortSignal,
    start: (source: AbortSignal) => {
      readonly outcome: unknown;
      readonly ended: AbortController | undefined;
    },
  ): void {
    this.add(1);
    if (this.running < this.limit) {
      this.running++;
      this.begin(source, start);
      return;
    }
    // Work that would queue once the group signal aborted is dropped at once, whatever signal it brought.
    const group = this.workSignal();
    if (group.aborted) {
      this.recordFailure(canceledResult<void>(group).error as PipeError);
      this.done();
      return;
    }
    this.queue.push({ source, start });
  }

  /**
   * Work not started yet (beyond the limit) never starts: each counts as `error.canceled` with `signal`'s
   * reason. ErrGroup calls it when its group signal aborts.
   */
  protected dropQueued(signal: AbortSignal): void {
    const dropped = this.queue.length - this.head;
    if (dropped === 0) return;
    this.queue = [];
    this.head = 0;
    for (let i = 0; i < dropped; i++) {
      this.recordFailure(canceledResult<void>(signal).error as PipeError);
      this.done();
    }
  }

  private begin(source: AbortSignal, start: (source: AbortSignal) => Started): void {
    if (source.aborted) {
      this.finish(canceledResult<void>(source), undefined);
      return;
    }
    const { outcome, ended } = start(source);
    if (
      typeof outcome === "object" &&
      outcome !== null &&
      typeof (outcome as PromiseLike<unknown>).then === "function"
    ) {
      Promise.resolve(outcome as PromiseLike<unknown>).then(
        (value) => this.finish(value, ended),
        (error: unknown) => this.finish(err<void>(fromThrown(error)), ended),
      );
    } else {
      this.finish(outcome, ended);
    }
  }

  private finish(value: unknown, ended: AbortController | undefined): void {
    if (isResult(value) && value.isErr) this.recordFailure(value.error);
    ended?.abort(workEnded());
    this.running--;
    if (this.head < this.queue.length) this.startQueued();
    this.done();
  }

  /** Starts queued works while fewer than `limit` run (a loop, so synchronous works do not nest). */
  private startQueued(): void {
    if (this.starting) return;
    this.starting = true;
    try {
      while (this.running < this.limit && this.head < this.queue.length) {
        const next = this.queue[this.head] as Queued;
        this.queue[this.head++] = undefined;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        }
        this.running++;
        this.begin(next.source, next.start);
      }
    } finally {
      this.starting = false;
    }
  }

  /** The signal handed to work started without one (never aborts here; ErrGroup returns its group signal). */
  protected workSignal(): AbortSignal {
    return NEVER;
  }

  /**
   * Counts one unit of work and records its outcome when it settles: a failed Result or a rejection is a
   * failure (`recordFailure`), anything else a success. Synchronous outcomes are recorded at once. `ended`, when
   * given, is aborted once the outcome settled (after `recordFailure`, before the count drops).
   */
  protected track(outcome: unknown, ended?: AbortController): void {
    this.add(1);
    if (
      typeof outcome === "object" &&
      outcome !== null &&
      typeof (outcome as PromiseLike<unknown>).then === "function"
    ) {
      Promise.resolve(outcome as PromiseLike<unknown>).then(
        (value) => this.settle(value, ended),
        (error: unknown) => this.settle(err<void>(fromThrown(error)), ended),
      );
    } else {
      this.settle(outcome, ended);
    }
  }

  private settle(value: unknown, ended: AbortController | undefined): void {
    if (isResult(value) && value.isErr) this.recordFailure(value.error);
    ended?.abort(workEnded());
    this.done();
  }

  /** Records one failure (override to react; call `super.recordFailure`). */
  protected recordFailure(error: PipeError): void {
    this.failures.push(error);
  }

  /** The Result `wait()` resolves with once the count is zero. */
  protected outcome(): Result<void> {
    const f = this.failures;
    if (f.length === 0) return okVoidResult();
    if (f.length === 1) return err<void>(f[0] as PipeError);
    return err<void>(PipeError.aggregate("One or more operations failed.", f.slice()));
  }

  /** Waits until the count is zero; see the class notes for the Result. */
  wait(options: WaitOptions = {}): Promise<Result<void>> {
    checkOptions(options, "WaitGroup.wait");
    const signal = options.signal;
    checkSignal(signal, "WaitGroup.wait");
    checkTimeProvider(options.timeProvider, "WaitGroup.wait");
    if (signal?.aborted) return Promise.resolve(canceledResult<void>(signal));
    const timeout = options.timeout;
    if (timeout !== undefined && !(timeout >= 0))
      throw new RangeError("WaitGroup.wait: timeout must be >= 0.");
    if (this.outstanding === 0) return Promise.resolve(this.outcome());
    if (timeout === 0) return Promise.resolve(err<void>(PipeError.timeout(0)));
    return this.waiters.add(options.timeProvider ?? TimeProvider.system, timeout, signal);
  }
}
