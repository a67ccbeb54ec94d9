import { linkAbort } from "@pipe/channels";
import { err, fromThrown, isResult, PipeError, type Result } from "@pipe/result";
import type { PipelineFanInHandler, PipelineFanInOptions } from "../channels/fan-in-options.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { AsyncStore } from "./async-context.ts";
import { attachedChild } from "./context-internals.ts";
import { type FanInSlot, MessageEntries, newSlot, stopReason } from "./fan-in-slot.ts";
import { type RegistrationSink, setDirectSink } from "./registration-tracking.ts";
import { currentSeq } from "./seq.ts";
import { isThenable } from "./util.ts";

/**
 * What a tracked launch reads and calls on its fan-in run (the run class provides it; structural, so this module
 * does not import the run's module, which imports this one). @internal
 */
export interface TrackedRun<T> {
  readonly options: PipelineFanInOptions;
  readonly tracker: AsyncStore<RegistrationSink> | undefined;
  readonly free: FanInSlot[];
  readonly slots: FanInSlot[];
  readonly signal: AbortSignal;
  readonly ctx: ResultPipelineStepContext;
  readonly messageStepName: string;
  readonly handler: PipelineFanInHandler<T>;
  underStore: boolean;
  nextValue: T | undefined;
  nextSignal: AbortSignal | undefined;
  nextContext: ResultPipelineStepContext | undefined;
  readonly callNext: () => unknown;
  readonly onWake: () => void;
  complete(slot: FanInSlot, result: Result<unknown>): void;
  await(slot: FanInSlot, value_: unknown, signal: AbortSignal): void;
  fail(error: PipeError): void;
}

/**
 * Launches one fan-in message that needs a slot from the start: under a message timeout (the handler gets a
 * signal of its own, aborted when the timeout passes) or with registration tracking (retain "message" with
 * concurrency > 1: what the handler registers on the shared scope is noted per message, through a direct sink
 * while it runs synchronously, through the async store once it has awaited).
 * @internal
 */
export function launchTracked<T>(run: TrackedRun<T>, value: T): void {
  const messageTimeout = run.options.messageTimeout;
  const tracker = run.tracker;
  const slot = run.free.pop() ?? newSlot();
  let signal = run.signal;
  if (messageTimeout !== undefined) signal = armMessageTimeout(run, slot, signal, messageTimeout);
  // Always passed, whatever the handler declares (rest parameters and wrappers included).
  const context = attachedChild(run.ctx, run.messageStepName, signal);
  slot.context = context;
  slot.launchSeq = currentSeq();
  run.slots.push(slot);
  let value_: unknown;
  try {
    if (tracker === undefined) value_ = run.handler(value, signal, context);
    else {
      const entries = new MessageEntries();
      slot.entries = entries;
      if (run.underStore) {
        run.nextValue = value;
        run.nextSignal = signal;
        run.nextContext = context;
        // A direct sink set by an enclosing synchronous handler (a fan-in run inside another's handler) would
        // win over the store: cleared for this call, restored after.
        const outer = setDirectSink(undefined);
        try {
          value_ = tracker.run(entries, run.callNext);
        } finally {
          setDirectSink(outer);
          run.nextValue = undefined;
          run.nextSignal = undefined;
          run.nextContext = undefined;
        }
      } else {
        const previous = setDirectSink(entries);
        try {
          value_ = run.handler(value, signal, context);
        } finally {
          setDirectSink(previous);
        }
        // What this message registers after an await is released by the in-flight rule (the portable
        // entry's); every later message runs under the store.
        if (isThenable(value_)) run.underStore = true;
      }
    }
  } catch (thrown) {
    run.complete(slot, err(fromThrown(thrown, { signal })));
    return;
  }
  if (isResult(value_)) {
    run.complete(slot, value_);
    return;
  }
  run.await(slot, value_, signal);
}

/** Gives the message of `slot` its own signal, aborted by `parent` or when `messageTimeout` ms pass. */
function armMessageTimeout<T>(
  run: TrackedRun<T>,
  slot: FanInSlot,
  parent: AbortSignal,
  messageTimeout: number,
): AbortSignal {
  const controller = new AbortController();
  slot.controller = controller;
  slot.timedOut = false;
  slot.timer = run.ctx.timeProvider.setTimeout(() => {
    // The message has failed from now on, whatever its handler returns later.
    slot.timedOut = true;
    controller.abort(stopReason(`The handler timed out after ${messageTimeout} ms.`, "TimeoutError"));
    run.fail(PipeError.timeout(messageTimeout));
    run.onWake();
  }, messageTimeout);
  if (parent.aborted) controller.abort(parent.reason);
  else slot.unlink = linkAbort(parent, controller);
  return controller.signal;
}
