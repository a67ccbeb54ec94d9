import type { ResultPipelineStepContext } from "../step-context.ts";
import type { RegistrationSink } from "./registration-tracking.ts";

/**
 * The compensations registered while one fan-in message's handler ran (noted through the async store, in any
 * scope). Fresh per message: a continuation that outlives its handler still notes into its own, closed, record.
 * @internal
 */
export class MessageEntries implements RegistrationSink {
  seqs: number[] | undefined = undefined;
  open = true;

  note(seq: number): void {
    if (this.open) (this.seqs ??= []).push(seq);
  }
}

/** One handler in flight (reused from a free list; everything per message is reset on launch). @internal */
export interface FanInSlot {
  /** The registration watermark when the handler started: everything at or below it was registered earlier. */
  launchSeq: number;
  context: ResultPipelineStepContext | undefined;
  entries: MessageEntries | undefined;
  controller: AbortController | undefined;
  timer: unknown;
  unlink: (() => void) | undefined;
  timedOut: boolean;
}

/** A fresh, empty slot. @internal */
export function newSlot(): FanInSlot {
  return {
    launchSeq: 0,
    context: undefined,
    entries: undefined,
    controller: undefined,
    timer: undefined,
    unlink: undefined,
    timedOut: false,
  };
}

/** An abort reason: a DOMException with `name` where the runtime has one, else an Error. @internal */
export function stopReason(message: string, name: string): unknown {
  try {
    return new DOMException(message, name);
  } catch {
    return new Error(message);
  }
}
