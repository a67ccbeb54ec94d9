import { type ChannelReader, NO_VALUE } from "@pipe/channels";
import { err, isResult, ok, PipeError, type Result } from "@pipe/result";
import { linkAbort } from "../internal/abort-fanout.ts";
import { attachedChild, scopeIfAny } from "../internal/context-internals.ts";
import { asResult } from "../internal/invoke.ts";
import { logOf } from "../internal/scope-internals.ts";
import { currentSeq } from "../internal/seq.ts";
import { type LinkedSignal, linkSignals } from "../internal/signals.ts";
import {
  canceledBy,
  isThenable,
  requireNonNegative,
  requirePositiveInteger,
  toPipeError,
} from "../internal/util.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";

/**
 * A fan-in handler: one message, a signal (aborted when the fan-in stops or the message times out), and the
 * message's own step context (a child of the fan-in's context, created only when the handler declares this
 * third parameter, so seed-style two-parameter handlers pay nothing for it).
 *
 * Registering on the message context attributes a compensation to its message exactly: with
 * `retain: "message"` it is released when the handler succeeds, and rolled back with the message otherwise,
 * whatever the concurrency. Registering on the outer context (as seed 001 does) works the same with
 * `concurrency: 1`; with more handlers in flight such registrations cannot be told apart, so they are released
 * only when no handler is in flight.
 */
export type PipelineFanInHandler<T> = (
  value: T,
  signal: AbortSignal,
  context: ResultPipelineStepContext,
) => Result<unknown> | PromiseLike<Result<unknown>>;

/** Options of `ResultPipelineChannels.fanIn`. */
export interface PipelineFanInOptions {
  /** Deadline for the whole fan-in in ms on the context's TimeProvider (`error.timeout`). */
  readonly timeout?: number;
  /** Bound for one handler in ms: its signal is aborted and the fan-in fails with `error.timeout`. */
  readonly messageTimeout?: number;
  /** Handlers in flight at once (default 1: one at a time, in selection order). */
  readonly concurrency?: number;
  /**
   * `"pipeline"` (default): every message's compensations stay in the context's scope until the fan-in ends and
   * are cleared when it succeeds. `"message"`: a message's compensations are released as soon as its handler
   * succeeds (flat memory for endless feeds).
   */
  readonly retain?: "pipeline" | "message";
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

interface Slot {
  context: ResultPipelineStepContext | undefined;
  controller: AbortController | undefined;
  timer: unknown;
  unlink: (() => void) | undefined;
  timedOut: boolean;
}

const stopReason = (message: string, name: string): unknown => {
  try {
    return new DOMException(message, name);
  } catch {
    return new Error(message);
  }
};

class FanInRun<T> {
  readonly live: ChannelReader<T>[];
  readonly waiting: (Promise<unknown> | undefined)[];
  readonly link: LinkedSignal;
  readonly startSeq: number = currentSeq();
  readonly slots: Slot[] = [];
  readonly free: Slot[] = [];
  readonly concurrency: number;
  readonly messageRetain: boolean;
  readonly messageStepName: string;
  readonly wantsContext: boolean;
  failure: PipeError | undefined;
  deadlineHit = false;
  deadline: unknown;
  rr = 0;
  wake: (() => void) | undefined;
  readonly onWake = (): void => {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  };

  constructor(
    readonly ctx: ResultPipelineStepContext,
    readers: readonly ChannelReader<T>[],
    readonly handler: PipelineFanInHandler<T>,
    readonly options: PipelineFanInOptions,
  ) {
    this.live = [...readers];
    this.waiting = new Array(readers.length);
    this.link = linkSignals(ctx.signal, options.signal, true);
    this.concurrency = options.concurrency ?? 1;
    this.messageStepName = `${ctx.stepName}.message`;
    this.wantsContext = handler.length >= 3;
    this.messageRetain = options.retain === "message";
  }

  /** Takes one buffered value round-robin, or NO_VALUE. */
  tryTake(): T | typeof NO_VALUE {
    const n = this.live.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      const v = (this.live[i] as ChannelReader<T>).tryRead();
      if (v !== NO_VALUE) {
        this.rr = this.concurrency === 1 ? 0 : (i + 1) % n;
        return v;
      }
    }
    return NO_VALUE;
  }

  /** Arms one pending waitToRead per live reader; returns true when one is readable right now. */
  arm(): boolean {
    const signal = this.link.signal;
    for (let i = 0; i < this.live.length; i++) {
      if (this.waiting[i] !== undefined) continue;
      const reader = this.live[i] as ChannelReader<T>;
      const r = reader.waitToRead({ signal });
      if (isThenable<Result<boolean>>(r)) {
        const p = r.then((res) => {
          const at = this.live.indexOf(reader);
          if (at !== -1) this.waiting[at] = undefined;
          this.onWaitResult(reader, res);
          this.onWake();
        });
        this.waiting[i] = p;
        continue;
      }
      if (this.onWaitResult(reader, r)) return true;
      if (this.live[i] !== reader) i--;
    }
    return false;
  }

  /** Handles a waitToRead outcome; returns true when readable. */
  onWaitResult(reader: ChannelReader<T>, r: Result<boolean>): boolean {
    if (r.isOk) {
      if (r.value) return true;
      const i = this.live.indexOf(reader);
      if (i !== -1) {
        this.live.splice(i, 1);
        this.waiting.splice(i, 1);
      }
      return false;
    }
    if (r.error.code === "error.canceled" && this.link.signal.aborted) return false;
    this.fail(r.error);
    return false;
  }

  fail(error: PipeError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.link.abort(stopReason("The fan-in stopped after a failure.", "AbortError"));
  }

  launch(value: T): void {
    const messageTimeout = this.options.messageTimeout;
    const slot: Slot = this.free.pop() ?? {
      context: undefined,
      controller: undefined,
      timer: undefined,
      unlink: undefined,
      timedOut: false,
    };
    let signal = this.link.signal;
    if (messageTimeout !== undefined) signal = this.armMessageTimeout(slot, signal, messageTimeout);
    // The message context costs nothing unless the handler declares it (a third parameter).
    const context = this.wantsContext ? attachedChild(this.ctx, this.messageStepName, signal) : undefined;
    slot.context = context;
    this.slots.push(slot);
    let value_: unknown;
    try {
      value_ =
        context === undefined
          ? (this.handler as (value: T, signal: AbortSignal) => unknown)(value, signal)
          : this.handler(value, signal, context);
    } catch (thrown) {
      this.complete(slot, err(toPipeError(thrown, signal)));
      return;
    }
    if (isResult(value_)) {
      this.complete(slot, value_);
      return;
    }
    const pending = isThenable(value_)
      ? Promise.resolve(value_).then(asResult<unknown>, (thrown: unknown) =>
          err<unknown>(toPipeError(thrown, signal)),
        )
      : Promise.resolve(asResult<unknown>(value_));
    pending.then((r) => {
      this.complete(slot, r);
      this.onWake();
    });
  }

  armMessageTimeout(slot: Slot, parent: AbortSignal, messageTimeout: number): AbortSignal {
    const controller = new AbortController();
    slot.controller = controller;
    slot.timedOut = false;
    slot.timer = this.ctx.timeProvider.setTimeout(() => {
      slot.timedOut = true;
      controller.abort(stopReason(`The handler timed out after ${messageTimeout} ms.`, "TimeoutError"));
    }, messageTimeout);
    if (parent.aborted) controller.abort(parent.reason);
    else slot.unlink = linkAbort(parent, controller);
    return controller.signal;
  }

  complete(slot: Slot, result: Result<unknown>): void {
    const slots = this.slots;
    if (slots.length === 1) slots.length = 0;
    else slots.splice(slots.indexOf(slot), 1);
    const timedOut = slot.timedOut;
    if (slot.controller !== undefined) {
      this.ctx.timeProvider.clearTimeout(slot.timer);
      slot.unlink?.();
      slot.controller = undefined;
      slot.unlink = undefined;
      slot.timer = undefined;
    }
    const context = slot.context;
    slot.context = undefined;
    this.free.push(slot);
    if (result.isErr) {
      context?.end();
      if (result.compensations.length > 0) this.ctx.absorb(result);
      // A handler that stopped because the whole fan-in's deadline aborted it reports the deadline, not a cancel.
      const error = timedOut
        ? PipeError.timeout(this.options.messageTimeout)
        : this.deadlineHit && result.error.code === "error.canceled"
          ? PipeError.timeout(this.options.timeout)
          : result.error;
      this.fail(error);
      return;
    }
    if (this.failure !== undefined || !this.messageRetain) {
      context?.end();
      if (result.compensations.length > 0) this.ctx.absorb(result);
      return;
    }
    // retain "message": this message's own registrations (its context, its result) are released now; later
    // registrations on its ended context go to the fan-in's context. Registrations made on the shared context
    // cannot be attributed while other handlers run, so they are released when none is in flight (O(1)).
    if (context !== undefined) {
      scopeIfAny(context)?.clear();
      context.end();
    }
    if (this.slots.length === 0) {
      const log = logOf(this.ctx.compensationScope);
      if (log.size > 0) log.removeRange(this.startSeq, Number.POSITIVE_INFINITY);
    }
  }

  stopped(): boolean {
    return this.failure !== undefined || this.deadlineHit || this.link.signal.aborted;
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
    this.link.signal.addEventListener("abort", this.onWake);
    try {
      for (;;) {
        if (this.stopped()) break;
        if (this.slots.length < this.concurrency) {
          const v = this.tryTake();
          if (v !== NO_VALUE) {
            this.launch(v);
            continue;
          }
          if (this.arm()) continue;
          if (this.stopped()) break;
          if (this.live.length === 0) {
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
      if (this.deadline !== undefined) tp.clearTimeout(this.deadline);
      this.link.signal.removeEventListener("abort", this.onWake);
      if (!this.link.signal.aborted) this.link.abort(stopReason("The fan-in ended.", "AbortError"));
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
    logOf(this.ctx.compensationScope).removeRange(this.startSeq, Number.POSITIVE_INFINITY);
    return ok();
  }
}

/**
 * Drains every reader, running `handler(value, signal)` per message, with the context's compensations.
 * See `ResultPipelineChannels.fanIn` for the full contract.
 * @internal
 */
export function pipelineFanIn<T>(
  ctx: ResultPipelineStepContext,
  readers: readonly ChannelReader<T>[],
  handler: PipelineFanInHandler<T>,
  options: PipelineFanInOptions = {},
): Promise<Result<void>> {
  if (typeof handler !== "function") throw new TypeError("fanIn: handler must be a function.");
  if (!Array.isArray(readers)) throw new TypeError("fanIn: readers must be an array.");
  for (const r of readers) {
    if (r === null || typeof r !== "object" || typeof r.tryRead !== "function") {
      throw new TypeError("fanIn: every reader must be a ChannelReader.");
    }
  }
  if (options.timeout !== undefined) requireNonNegative(options.timeout, "fanIn: timeout");
  if (options.messageTimeout !== undefined)
    requireNonNegative(options.messageTimeout, "fanIn: messageTimeout");
  if (options.concurrency !== undefined) requirePositiveInteger(options.concurrency, "fanIn: concurrency");
  if (options.retain !== undefined && options.retain !== "pipeline" && options.retain !== "message") {
    throw new TypeError('fanIn: retain must be "pipeline" or "message".');
  }
  const aborted = ctx.signal.aborted ? ctx.signal : options.signal?.aborted ? options.signal : undefined;
  if (aborted !== undefined) return Promise.resolve(err(canceledBy(aborted)));
  if (options.timeout === 0) return Promise.resolve(err(PipeError.timeout(0)));
  return new FanInRun(ctx, readers, handler, options).run();
}
