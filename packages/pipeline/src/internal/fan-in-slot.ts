import { linkAbort, type TimeProvider } from "@pipe/channels";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { Attribution } from "./fan-in-attribution.ts";

/** One handler in flight (reused from a free list; everything per message is reset on launch). @internal */
export interface FanInSlot {
  context: ResultPipelineStepContext | undefined;
  /** retain "message": what the handler registered (its message's record). */
  record: Attribution | undefined;
  /**
   * Without an async store, while its handler awaits: the last registration seq before the handler was called
   * (everything it registers has a greater one). -1 otherwise.
   */
  awaitSeq: number;
  controller: AbortController | undefined;
  timer: unknown;
  unlink: (() => void) | undefined;
  timedOut: boolean;
}

/** A fresh, empty slot. @internal */
export function newSlot(): FanInSlot {
  return {
    context: undefined,
    record: undefined,
    awaitSeq: -1,
    controller: undefined,
    timer: undefined,
    unlink: undefined,
    timedOut: false,
  };
}

/**
 * Gives the message of `slot` its own signal, aborted by `parent` or when `messageTimeout` ms pass on `clock`
 * (then `slot.timedOut` is set before `onTimeout` runs: the message has failed, whatever its handler returns).
 * @internal
 */
export function armMessageTimeout(
  slot: FanInSlot,
  clock: TimeProvider,
  parent: AbortSignal,
  messageTimeout: number,
  onTimeout: () => void,
): AbortSignal {
  const controller = new AbortController();
  slot.controller = controller;
  slot.timedOut = false;
  slot.timer = clock.setTimeout(() => {
    slot.timedOut = true;
    controller.abort(stopReason(`The handler timed out after ${messageTimeout} ms.`, "TimeoutError"));
    onTimeout();
  }, messageTimeout);
  if (parent.aborted) controller.abort(parent.reason);
  else slot.unlink = linkAbort(parent, controller);
  return controller.signal;
}

/** An abort reason: a DOMException with `name` where the runtime has one, else an Error. @internal */
export function stopReason(message: string, name: string): unknown {
  try {
    return new DOMException(message, name);
  } catch {
    return new Error(message);
  }
}
