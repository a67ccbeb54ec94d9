import { err, fromThrown, isResult, isThenable, PipeError, type Result } from "@pipe/result";
import { instruments } from "./internal/diagnostics.ts";
import { canceledResult, okVoidResult } from "./internal/errors.ts";
import { checkOptions, checkSignal, checkTimeProvider, describe } from "./internal/usage.ts";
import { WaitList } from "./internal/wait-list.ts";
import { WorkController } from "./internal/work-controller.ts";
import { checkLimit, NEVER, type Queued, WorkQueue, workEnded } from "./internal/work-queue.ts";
import { TimeProvider } from "./time-provider.ts";
import type { GoOptions, GroupWork, WaitGroupOptions, WaitOptions } from "./wait-group-options.ts";

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
 * is success. The work's signal aborts when `options.signal` does or the group's signal does (an
 * {@link ErrGroup}'s), and once the work settles (an `AbortError`, "The work has ended."), as Go's context
 * cancel does, so resources tied to it are released. `wait()` resolves when the count reaches zero, with ok,
 * the single failure, or an `error.aggregate` of every failure (in completion order). Failures are kept for
 * the group's lifetime.
 *
 * Limit: `new WaitGroup({ limit })` runs at most `limit` works at once, as `fanOut`'s `concurrency` does. `go`
 * never blocks its caller: work beyond the limit is counted at once and starts, in the order `go` was called,
 * when a running work settles. A queued work whose signal aborted before its turn never starts and counts as
 * `error.canceled` (an {@link ErrGroup} drops every queued work as soon as its group signal aborts).
 *
 * Extension points (used by `@pipe/pipeline`, whose subclass adds `go(ctx, work(childCtx, signal), { stepName })`):
 * `protected admit(signal, start)` counts one work and starts it under the limit (`start(signal)` returns
 * `{ outcome, ended }`); `protected track(outcome)` counts one unit of work and records how it settles,
 * outside the limit (call it with whatever your overload produced: a Result, a promise of one, or any value);
 * `protected recordFailure(error)` receives each failure (override to react, call `super`); `protected
 * outcome()` builds the Result `wait()` returns.
 *
 * Errors: `wait` gives `error.canceled` on abort (or a pre-aborted signal, even when the count is zero) and
 * `error.timeout` (metadata `duration`) on timeout. Usage errors (thrown synchronously): `go` with a work that
 * is not a function (`TypeError`; it is not counted), options that are not an object or a signal that is not
 * an `AbortSignal` (`TypeError`), `add` with a non-positive or non-integer count (`RangeError`), `done` below
 * zero (`RangeError`, count stays zero).
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
  /** The works `go` and `admit` counted, under the limit. */
  private readonly works: WorkQueue;

  /**
   * A group without a limit, or with `options.limit` works running at once.
   * @throws TypeError when `options` is not an object; RangeError when `limit` is not a positive integer or
   * `Infinity` (programmer errors).
   */
  constructor(options: WaitGroupOptions = {}) {
    checkOptions(options, "WaitGroup");
    this.works = new WorkQueue(checkLimit((options as WaitGroupOptions | undefined)?.limit, "WaitGroup"));
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
    const given = options.signal;
    const group = this.workSignal();
    this.admit(given ?? group, () => {
      if (group.aborted) return { outcome: canceledResult<void>(group), ended: undefined };
      // The work's own signal: it aborts when the given signal or the group's does, and once the work settles,
      // so whatever the work tied to it (listeners, timers, requests) is released.
      const own = new WorkController(given, group === NEVER || group === given ? undefined : group);
      const signal = own.signal;
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
    if (this.works.tryEnter()) {
      this.begin({ source, start });
      return;
    }
    // Work that would queue once the group signal aborted is dropped at once, whatever signal it brought.
    const group = this.workSignal();
    if (group.aborted) {
      this.recordFailure(canceledResult<void>(group).error as PipeError);
      this.done();
      return;
    }
    this.works.push({ source, start });
  }

  /**
   * Work not started yet (beyond the limit) never starts: each counts as `error.canceled` with `signal`'s
   * reason. ErrGroup calls it when its group signal aborts.
   */
  protected dropQueued(signal: AbortSignal): void {
    const dropped = this.works.clear();
    for (let i = 0; i < dropped; i++) {
      this.recordFailure(canceledResult<void>(signal).error as PipeError);
      this.done();
    }
  }

  /** Starts a work that holds a running slot (or records `error.canceled` when its signal already aborted). */
  private readonly begin = ({ source, start }: Queued): void => {
    if (source.aborted) {
      this.settled(canceledResult<void>(source), undefined, true);
      return;
    }
    const { outcome, ended } = start(source);
    this.whenSettled(outcome, ended, true);
  };

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
    this.whenSettled(outcome, ended, false);
  }

  /** Records `outcome` now, or once it settles when it is a promise (a rejection as `fromThrown` converts it). */
  private whenSettled(outcome: unknown, ended: AbortController | undefined, slot: boolean): void {
    if (isThenable(outcome)) {
      Promise.resolve(outcome).then(
        (value) => this.settled(value, ended, slot),
        (error: unknown) => this.settled(err<void>(fromThrown(error)), ended, slot),
      );
    } else {
      this.settled(outcome, ended, slot);
    }
  }

  /** One work settled: records a failure, aborts its signal, frees its running slot (`slot`), counts it done. */
  private settled(value: unknown, ended: AbortController | undefined, slot: boolean): void {
    if (isResult(value) && value.isErr) this.recordFailure(value.error);
    ended?.abort(workEnded());
    if (slot) this.works.release(this.begin);
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
