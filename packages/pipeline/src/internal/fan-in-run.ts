import { type ChannelReader, NO_VALUE } from "@pipe/channels";
import { err, fromThrown, isResult, ok, PipeError, type Result } from "@pipe/result";
import type { PipelineFanInHandler, PipelineFanInOptions } from "../channels/fan-in-options.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import { attachedChild } from "./context-internals.ts";
import { type Attribution, absorbNoted, noteOwnScope } from "./fan-in-attribution.ts";
import { FanInCalls } from "./fan-in-calls.ts";
import { armMessageTimeout, type FanInSlot, newSlot, stopReason } from "./fan-in-slot.ts";
import { asResult } from "./invoke.ts";
import { ReaderRing } from "./reader-ring.ts";
import { type LinkedSignal, linkSignals } from "./signals.ts";
import { canceledBy, isThenable } from "./util.ts";

/**
 * One `ResultPipelineChannels.fanIn` call: drains the readers through a {@link ReaderRing}, runs the handler per
 * message (at most `concurrency` in flight), keeps or releases each message's compensations, and concludes with
 * one Result. Only what its handlers registered (attributed by {@link FanInCalls}) is ever removed from `ctx`'s
 * scope, so what other code registers there while the fan-in runs stays.
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
  /** Handlers in flight, oldest first. */
  readonly slots: FanInSlot[] = [];
  readonly free: FanInSlot[] = [];
  readonly ring: ReaderRing<T>;
  readonly concurrency: number;
  readonly messageRetain: boolean;
  readonly messageStepName: string;
  readonly calls: FanInCalls<T>;
  readonly drainNext = (): Promise<Result<void>> => this.drain();
  readonly onMessageTimeout = (): void => {
    this.fail(PipeError.timeout(this.options.messageTimeout));
    this.onWake();
  };
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
    handler: PipelineFanInHandler<T>,
    readonly options: PipelineFanInOptions,
    /** The handler as the caller gave it (before any tracing wrapper). */
    given: unknown,
  ) {
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
    this.calls = new FanInCalls(
      handler,
      given,
      this.messageRetain && this.concurrency > 1,
      ctx.compensationScope.log,
    );
  }

  fail(error: PipeError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.link.abort(stopReason("The fan-in stopped after a failure.", "AbortError"));
  }

  /**
   * Runs the handler for one message (it settles now or when its promise does). A handler that returns a Result
   * without a message timeout settles at once, without taking a slot (nothing else runs while it runs, so no
   * other message can look for it among those in flight); a slot is taken when it returns a promise (or another
   * value), or before the call when the message gets a timeout of its own.
   */
  launch(value: T): void {
    const messageTimeout = this.options.messageTimeout;
    let slot: FanInSlot | undefined;
    let signal = this.signal;
    if (messageTimeout !== undefined) {
      slot = this.takeSlot();
      signal = armMessageTimeout(slot, this.ctx.timeProvider, signal, messageTimeout, this.onMessageTimeout);
    }
    // Always passed, whatever the handler declares (rest parameters and wrappers included).
    const context = attachedChild(this.ctx, this.messageStepName, signal);
    const calls = this.calls;
    const before = calls.seqBeforeCall();
    let value_: unknown;
    try {
      // Without per-message records every call notes into the fan-in's record, directly.
      value_ = calls.perMessage
        ? calls.call(value, signal, context)
        : calls.callDirect(calls.record, value, signal, context);
    } catch (thrown) {
      value_ = err(fromThrown(thrown, { signal }));
    }
    if (slot === undefined && isResult(value_)) {
      this.settle(context, calls.lastRecord, undefined, false, value_);
      return;
    }
    slot ??= this.takeSlot();
    slot.context = context;
    calls.keep(slot, value_, before);
    if (isResult(value_)) this.complete(slot, value_);
    else this.await(slot, value_, signal);
  }

  /** A slot for a message in flight from now on. */
  takeSlot(): FanInSlot {
    const slot = this.free.pop() ?? newSlot();
    this.slots.push(slot);
    return slot;
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
    const record = slot.record;
    slot.context = undefined;
    slot.record = undefined;
    this.free.push(slot);
    this.settle(context, record, slot, timedOut, result);
  }

  /**
   * Ends a message (its slot, if it had one, already released): keeps or releases what it registered (noted in
   * `record`, or in the fan-in's own record).
   */
  settle(
    context: ResultPipelineStepContext,
    record: Attribution | undefined,
    slot: FanInSlot | undefined,
    timedOut: boolean,
    result: Result<unknown>,
  ): void {
    const calls = this.calls;
    calls.settled(record, slot);
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
    if (this.failure !== undefined) {
      context.end();
      if (result.compensations.length > 0) this.ctx.absorb(result);
      return;
    }
    if (this.messageRetain) {
      // A context its handler ended already has `ctx`'s scope as its own: never cleared from here.
      if (!context.ended) context.scope?.clear();
      context.end();
      calls.release(this.ctx.compensationScope.log, record);
      return;
    }
    // retain "pipeline": staged until the fan-in ends, noted in its record (removed on success). Without a store,
    // what a handler registered on its message context after an await was seen by no sink: noted from the scope.
    if (slot !== undefined && calls.tracker === undefined) noteOwnScope(context, calls.record);
    context.end();
    if (result.compensations.length > 0) absorbNoted(this.ctx, result, calls.record);
  }

  stopped(): boolean {
    return this.failure !== undefined || this.deadlineHit || this.aborted;
  }

  /** Runs the fan-in (inside the async store, on runtimes that have one: see {@link FanInCalls}). */
  run(): Promise<Result<void>> {
    return this.calls.run(this.drainNext);
  }

  async drain(): Promise<Result<void>> {
    const timeout = this.options.timeout;
    const tp = this.ctx.timeProvider;
    // Everything after `run` started tracking is undone in `finally`, even when the clock throws here.
    try {
      if (timeout !== undefined && Number.isFinite(timeout)) {
        this.deadline = tp.setTimeout(() => {
          this.deadlineHit = true;
          this.link.abort(stopReason(`The fan-in timed out after ${timeout} ms.`, "TimeoutError"));
          this.onWake();
        }, timeout);
      }
      this.signal.addEventListener("abort", this.onAbort);
      this.aborted = this.signal.aborted;
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
      this.calls.stop();
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
    // Success: the staged compensations of this fan-in's messages are cleared (both retain modes), nothing else.
    this.calls.record.removeFrom(this.ctx.compensationScope.log);
    return ok();
  }
}
