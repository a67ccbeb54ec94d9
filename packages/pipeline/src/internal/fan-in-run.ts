import { type ChannelReader, NO_VALUE } from "@pipe/channels";
import { err, fromThrown, isResult, ok, PipeError, type Result } from "@pipe/result";
import type { PipelineFanInHandler, PipelineFanInOptions } from "../channels/fan-in-options.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { AsyncStore } from "./async-context.ts";
import { attachedChild } from "./context-internals.ts";
import { type FanInSlot, type MessageEntries, newSlot, stopReason } from "./fan-in-slot.ts";
import { launchTracked } from "./fan-in-tracked.ts";
import { asResult } from "./invoke.ts";
import { ReaderRing } from "./reader-ring.ts";
import { type RegistrationSink, startTracking, stopTracking } from "./registration-tracking.ts";
import { currentSeq } from "./seq.ts";
import { type LinkedSignal, linkSignals } from "./signals.ts";
import { canceledBy, isThenable } from "./util.ts";

const AsyncFunction: unknown = (async () => {}).constructor;

/** Whether `fn` is an `async` function (its awaits always run later, after the call returned). */
function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor === AsyncFunction;
}

/**
 * One `ResultPipelineChannels.fanIn` call: drains the readers through a {@link ReaderRing}, runs the handler per
 * message (at most `concurrency` in flight), keeps or releases each message's compensations, and concludes with
 * one Result.
 * @internal
 */
export class FanInRun<T> {
  readonly link: LinkedSignal;
  /** The link's signal (every handler's signal unless a message timeout gives it its own). */
  readonly signal: AbortSignal;
  /** Set by the abort listener `run` adds to `signal` (read once per message instead of the signal). */
  aborted = false;
  readonly onAbort = (): void => {
    this.aborted = true;
    this.onWake();
  };
  readonly startSeq: number = currentSeq();
  /** Handlers in flight, oldest first. */
  readonly slots: FanInSlot[] = [];
  readonly free: FanInSlot[] = [];
  readonly ring: ReaderRing<T>;
  readonly concurrency: number;
  readonly messageRetain: boolean;
  readonly messageStepName: string;
  /** Attributes shared-scope registrations to messages (retain "message" with concurrency > 1). */
  tracker: AsyncStore<RegistrationSink> | undefined;
  /**
   * Whether each handler call enters the async store (needed for what it registers after an await). An `async`
   * handler does from the first message; another handler is called with a direct sink (its synchronous
   * registrations are attributed without the store's per-call cost) until it first returns a promise.
   */
  underStore: boolean;
  // The handler call `tracker.run` makes (set right before it; read synchronously).
  nextValue: T | undefined;
  nextSignal: AbortSignal | undefined;
  nextContext: ResultPipelineStepContext | undefined;
  readonly callNext = (): unknown =>
    this.handler(
      this.nextValue as T,
      this.nextSignal as AbortSignal,
      this.nextContext as ResultPipelineStepContext,
    );
  failure: PipeError | undefined;
  deadlineHit = false;
  deadline: unknown;
  wake: (() => void) | undefined;
  readonly onWake = (): void => {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  };

  constructor(
    readonly ctx: ResultPipelineStepContext,
    readers: ChannelReader<T>[],
    readonly handler: PipelineFanInHandler<T>,
    readonly options: PipelineFanInOptions,
    /** The handler as the caller gave it (before any tracing wrapper). */
    given: unknown,
  ) {
    this.underStore = isAsyncFunction(given);
    this.link = linkSignals(ctx.signal, options.signal, true);
    this.signal = this.link.signal;
    this.concurrency = options.concurrency ?? 1;
    this.ring = new ReaderRing(
      readers,
      this.concurrency > 1,
      this.signal,
      (error) => this.fail(error),
      this.onWake,
    );
    this.messageStepName = `${ctx.stepName}.message`;
    this.messageRetain = options.retain === "message";
  }

  fail(error: PipeError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.link.abort(stopReason("The fan-in stopped after a failure.", "AbortError"));
  }

  /** Runs the handler for one message (it settles now or when its promise does). */
  launch(value: T): void {
    if (this.options.messageTimeout === undefined && this.tracker === undefined) this.launchUntracked(value);
    else launchTracked(this, value);
  }

  /**
   * `launch` without a message timeout or registration tracking: a handler that returns a Result settles the
   * message at once, without taking a slot (nothing else runs while it runs, so no other message can look for
   * it among those in flight); a slot is taken only when it returns a promise (or another value).
   */
  launchUntracked(value: T): void {
    const signal = this.signal;
    const launchSeq = currentSeq();
    const context = attachedChild(this.ctx, this.messageStepName, signal);
    let value_: unknown;
    try {
      value_ = this.handler(value, signal, context);
    } catch (thrown) {
      this.settle(context, undefined, false, err(fromThrown(thrown, { signal })));
      return;
    }
    if (isResult(value_)) {
      this.settle(context, undefined, false, value_);
      return;
    }
    const slot = this.free.pop() ?? newSlot();
    slot.context = context;
    slot.launchSeq = launchSeq;
    this.slots.push(slot);
    this.await(slot, value_, signal);
  }

  /** Settles the message of `slot` once the handler's promise (or other non-Result value) settles. */
  await(slot: FanInSlot, value_: unknown, signal: AbortSignal): void {
    const pending = isThenable(value_)
      ? Promise.resolve(value_).then(asResult<unknown>, (thrown: unknown) =>
          err<unknown>(fromThrown(thrown, { signal })),
        )
      : Promise.resolve(asResult<unknown>(value_));
    pending.then((r) => {
      this.complete(slot, r);
      this.onWake();
    });
  }

  complete(slot: FanInSlot, result: Result<unknown>): void {
    const slots = this.slots;
    // pop() keeps the array's storage for the next message (emptying through `length = 0` drops it).
    if (slots[slots.length - 1] === slot) slots.pop();
    else slots.splice(slots.indexOf(slot), 1);
    const timedOut = slot.timedOut;
    if (slot.controller !== undefined) {
      this.ctx.timeProvider.clearTimeout(slot.timer);
      slot.unlink?.();
      slot.controller = undefined;
      slot.unlink = undefined;
      slot.timer = undefined;
      slot.timedOut = false;
    }
    const context = slot.context as ResultPipelineStepContext;
    const entries = slot.entries;
    slot.context = undefined;
    slot.entries = undefined;
    this.free.push(slot);
    this.settle(context, entries, timedOut, result);
  }

  /** Ends a message (its slot, if it had one, already released): keeps or releases what it registered. */
  settle(
    context: ResultPipelineStepContext,
    entries: MessageEntries | undefined,
    timedOut: boolean,
    result: Result<unknown>,
  ): void {
    if (entries !== undefined) entries.open = false;
    if (result.isErr || timedOut) {
      // A failed or timed-out message keeps every compensation it registered, for the caller's rollback.
      context.end();
      if (result.compensations.length > 0) this.ctx.absorb(result);
      // A handler that stopped because the whole fan-in's deadline aborted it reports the deadline, not a cancel.
      const error = timedOut
        ? PipeError.timeout(this.options.messageTimeout)
        : this.deadlineHit && result.error?.code === "error.canceled"
          ? PipeError.timeout(this.options.timeout)
          : (result.error as PipeError);
      this.fail(error);
      return;
    }
    if (this.failure !== undefined || !this.messageRetain) {
      context.end();
      if (result.compensations.length > 0) this.ctx.absorb(result);
      return;
    }
    this.release(context, entries);
  }

  /**
   * retain "message", after a success: drops this message's registrations (its context's, its result's, and
   * those it made on the shared scope, noted per message) and every entry that no handler still in flight can
   * own (registered before the oldest one started). Later registrations on its ended context reach the parent.
   */
  release(context: ResultPipelineStepContext, entries: MessageEntries | undefined): void {
    context.scope?.clear();
    context.end();
    const log = this.ctx.compensationScope.log;
    if (log.size === 0) return;
    if (entries?.seqs !== undefined) log.removeSeqs(entries.seqs);
    const oldest = this.slots[0];
    if (oldest === undefined) log.removeAfter(this.startSeq);
    else log.removeRange(this.startSeq, oldest.launchSeq + 1);
  }

  stopped(): boolean {
    return this.failure !== undefined || this.deadlineHit || this.aborted;
  }

  async run(): Promise<Result<void>> {
    const timeout = this.options.timeout;
    const tp = this.ctx.timeProvider;
    if (timeout !== undefined && Number.isFinite(timeout)) {
      this.deadline = tp.setTimeout(() => {
        this.deadlineHit = true;
        this.link.abort(stopReason(`The fan-in timed out after ${timeout} ms.`, "TimeoutError"));
        this.onWake();
      }, timeout);
    }
    this.signal.addEventListener("abort", this.onAbort);
    this.aborted = this.signal.aborted;
    try {
      if (this.messageRetain && this.concurrency > 1) this.tracker = startTracking();
      for (;;) {
        if (this.stopped()) break;
        if (this.slots.length < this.concurrency) {
          const v = this.ring.tryTake();
          if (v !== NO_VALUE) {
            this.launch(v);
            continue;
          }
          if (this.ring.arm()) continue;
          if (this.stopped()) break;
          if (this.ring.live.length === 0) {
            if (this.slots.length === 0) break;
          }
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      while (this.slots.length > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      if (this.tracker !== undefined) stopTracking();
      if (this.deadline !== undefined) tp.clearTimeout(this.deadline);
      this.signal.removeEventListener("abort", this.onAbort);
      if (!this.signal.aborted) this.link.abort(stopReason("The fan-in ended.", "AbortError"));
      this.link.dispose();
    }
    return this.conclude();
  }

  conclude(): Result<void> {
    if (this.failure !== undefined) return err(this.failure);
    if (this.deadlineHit) return err(PipeError.timeout(this.options.timeout));
    const aborted = this.ctx.signal.aborted
      ? this.ctx.signal
      : this.options.signal?.aborted
        ? this.options.signal
        : undefined;
    if (aborted !== undefined) return err(canceledBy(aborted));
    // Success: the staged compensations of this fan-in are cleared (both retain modes).
    this.ctx.compensationScope.log.removeRange(this.startSeq, Number.POSITIVE_INFINITY);
    return ok();
  }
}
