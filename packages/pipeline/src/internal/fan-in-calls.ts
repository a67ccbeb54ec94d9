import type { PipelineFanInHandler } from "../channels/fan-in-options.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { AsyncStore } from "./async-context.ts";
import { Attribution } from "./fan-in-attribution.ts";
import type { FanInSlot } from "./fan-in-slot.ts";
import type { CompensationLog } from "./log.ts";
import {
  addAmbientSink,
  currentSink,
  type RegistrationSink,
  removeAmbientSink,
  setDirectSink,
  startTracking,
  stopTracking,
} from "./registration-tracking.ts";
import { currentSeq } from "./seq.ts";
import { isThenable } from "./util.ts";

const AsyncFunction: unknown = (async () => {}).constructor;

/** Whether `fn` is an `async` function (its awaits always run later, after the call returned). */
function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor === AsyncFunction;
}

/**
 * How one fan-in calls its handler and attributes what the handler registers (in any scope), so that only its
 * messages' entries are ever removed from its context's scope and what other code registers there stays.
 *
 * Every call gets a direct sink (what the handler registers before returning). On runtimes with an async store the
 * whole run executes inside the store with the fan-in's `record`, so what handlers register after an await is
 * noted there; with retain "message" above concurrency 1 (`perMessage`) each call of a handler known to await
 * enters the store with a record of its own, so each message's entries are released as soon as it succeeds.
 * Without a store (the portable entry), while at least one handler awaits, the fan-in's `record` is an ambient
 * sink: it notes what no other sink sees among the registrations into its context's scope (a handler's
 * continuation, or other code registering there meanwhile: the portable limit the docs name). With retain "message" only its entries older than the oldest awaiting handler's call are
 * released after a success (newer ones may be that handler's, kept for a rollback if it fails); all on success.
 * @internal
 */
export class FanInCalls<T> {
  /**
   * The fan-in's own record: what its handlers registered that no message record took (everything unless
   * `perMessage`). Removed on success; with retain "message", after each success unless `firstAwaiting` is in
   * flight.
   */
  readonly record: Attribution;
  /** `perMessage`: the record of a call outside the store, reused while handlers return a Result at once. */
  scratch: Attribution;
  /** The async store (while the fan-in runs, on runtimes that have one). */
  tracker: AsyncStore<RegistrationSink> | undefined;
  /**
   * `perMessage`: whether each call enters the store with its own record. An `async` handler does from the first
   * message; another handler gets a direct sink only (no per-call cost of the store) until it returns a promise.
   */
  underStore: boolean;
  /**
   * `perMessage`: the message of the one call outside the store that returned a promise while the store exists:
   * what it registers after its awaits reaches `record`, which is kept while it is in flight.
   */
  firstAwaiting: FanInSlot | undefined;
  /** Without a store: the messages whose handler is awaiting, oldest call first (the record is ambient meanwhile). */
  readonly awaiting: FanInSlot[] = [];
  /** `perMessage`: the record of the last `call` and whether it entered the store (else undefined, false). */
  lastRecord: Attribution | undefined;
  lastStored = false;
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

  constructor(
    readonly handler: PipelineFanInHandler<T>,
    /** The handler as the caller gave it (before any tracing wrapper). */
    given: unknown,
    readonly perMessage: boolean,
    /** The log of the fan-in context's scope: the only one whose registrations the ambient record takes. */
    readonly log: CompensationLog,
  ) {
    this.underStore = isAsyncFunction(given);
    // Inside an enclosing fan-in's handler, what this one's handlers register is that handler's too.
    this.record = new Attribution(undefined, currentSink());
    this.scratch = new Attribution(this.record, this.record.outer);
  }

  /** Runs `drain` (the whole fan-in) inside the store with `record`, where there is one; pair with `stop`. */
  run<R>(drain: () => R): R {
    this.tracker = startTracking();
    return this.tracker === undefined ? drain() : this.tracker.run(this.record, drain);
  }

  stop(): void {
    stopTracking();
    this.record.open = false;
    if (this.awaiting.length > 0) {
      this.awaiting.length = 0;
      removeAmbientSink(this.record);
    }
  }

  /** The seq before the next handler call (taken only without a store, where `keep` may need it). */
  seqBeforeCall(): number {
    return this.tracker === undefined ? currentSeq() : -1;
  }

  /** Calls the handler for one message, attributing what it registers (`lastRecord`); throws what it throws. */
  call(value: T, signal: AbortSignal, context: ResultPipelineStepContext): unknown {
    const stored = this.perMessage && this.underStore && this.tracker !== undefined;
    let record: Attribution | undefined;
    if (stored) record = new Attribution(this.record, this.record.outer);
    else if (this.perMessage) {
      record = this.scratch;
      record.count = 0;
    }
    this.lastRecord = record;
    this.lastStored = stored;
    return stored
      ? this.callStored(record as Attribution, value, signal, context)
      : this.callDirect(record ?? this.record, value, signal, context);
  }

  /**
   * The message of `slot` outlives the last call (it returned `returned`, not a Result; `before` is the seq from
   * `seqBeforeCall`): it keeps the record.
   */
  keep(slot: FanInSlot, returned: unknown, before: number): void {
    if (this.tracker === undefined && isThenable(returned)) {
      // No store: what the handler registers after its awaits reaches the ambient record.
      slot.awaitSeq = before;
      if (this.awaiting.push(slot) === 1) addAmbientSink(this.record, this.log);
    }
    const record = this.lastRecord;
    // A reused record stays the message's (an enclosing fan-in's continuation may still note into it).
    if (record === this.scratch) this.scratch = new Attribution(this.record, this.record.outer);
    slot.record = record;
    if (!this.lastStored && isThenable(returned)) {
      // What this message registers after an await reaches `record` (the run executes inside the store); every
      // later message enters the store with a record of its own.
      this.underStore = true;
      if (this.perMessage && this.tracker !== undefined) this.firstAwaiting = slot;
    }
  }

  /** The message of `slot` (or of the last call, without a slot) has settled: its record takes nothing more. */
  settled(record: Attribution | undefined, slot: FanInSlot | undefined): void {
    if (slot !== undefined) {
      if (slot === this.firstAwaiting) this.firstAwaiting = undefined;
      if (slot.awaitSeq >= 0) this.doneAwaiting(slot);
    }
    if (record !== undefined && record !== this.scratch) record.open = false;
  }

  /** retain "message", after a success: removes from `log` the message's entries and what `record` may release. */
  release(log: CompensationLog, record: Attribution | undefined): void {
    record?.removeFrom(log);
    if (this.firstAwaiting !== undefined) return;
    const oldest = this.awaiting[0];
    if (oldest === undefined) this.record.removeFrom(log);
    else this.record.removeBelow(log, oldest.awaitSeq + 1);
  }

  /** Takes `slot` off the awaiting list; the last one off ends the ambient sink. */
  doneAwaiting(slot: FanInSlot): void {
    slot.awaitSeq = -1;
    const awaiting = this.awaiting;
    const i = awaiting.indexOf(slot);
    if (i < 0) return;
    awaiting.splice(i, 1);
    if (awaiting.length === 0) removeAmbientSink(this.record);
  }

  /** Calls the handler with `sink` as the direct sink (what it registers before returning is noted there). */
  callDirect(sink: Attribution, value: T, signal: AbortSignal, context: ResultPipelineStepContext): unknown {
    const previous = setDirectSink(sink);
    try {
      return this.handler(value, signal, context);
    } finally {
      setDirectSink(previous);
    }
  }

  /** Calls the handler inside the async store with `sink` (noted there after its awaits too). */
  callStored(sink: Attribution, value: T, signal: AbortSignal, context: ResultPipelineStepContext): unknown {
    this.nextValue = value;
    this.nextSignal = signal;
    this.nextContext = context;
    // A direct sink set by an enclosing synchronous handler would win over the store: cleared for this call.
    const outer = setDirectSink(undefined);
    try {
      return (this.tracker as AsyncStore<RegistrationSink>).run(sink, this.callNext);
    } finally {
      setDirectSink(outer);
      this.nextValue = undefined;
      this.nextSignal = undefined;
      this.nextContext = undefined;
    }
  }
}
