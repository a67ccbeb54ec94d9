import type { Result } from "@pipe/result";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { CompensationLog } from "./log.ts";
import { type RegistrationSink, setDirectSink } from "./registration-tracking.ts";

/**
 * The sequence numbers of the compensations one part of a fan-in registered (in any scope): one message's handler
 * call, or everything its handlers registered that no message record took. Only these are ever removed from the
 * fan-in's context on success, so entries other code registers there meanwhile stay.
 *
 * While `open`, a noted seq is kept here (and passed on to `outer`, the record of an enclosing fan-in's handler,
 * when this fan-in runs inside one). Once closed (its message has settled), a continuation of the handler that
 * still registers is passed to `late` (the fan-in's own record), or to `outer` when there is none.
 * @internal
 */
export class Attribution implements RegistrationSink {
  /** Noted seqs (mostly ascending): the first `count` are valid (a reused record keeps its storage). */
  seqs: number[] = [];
  count = 0;
  open = true;

  constructor(
    readonly late: Attribution | undefined,
    readonly outer: RegistrationSink | undefined,
  ) {}

  note(seq: number): void {
    if (this.open) {
      this.seqs[this.count++] = seq;
      this.outer?.note(seq);
    } else if (this.late !== undefined) this.late.note(seq);
    else this.outer?.note(seq);
  }

  /** Removes every noted entry from `log` and forgets them. */
  removeFrom(log: CompensationLog): void {
    if (this.count === 0) return;
    log.removeSeqs(this.seqs, this.count);
    this.count = 0;
  }

  /** Removes from `log` the noted entries older than `bound` (seq below it) and forgets them; keeps the rest. */
  removeBelow(log: CompensationLog, bound: number): void {
    const seqs = this.seqs;
    const count = this.count;
    const below: number[] = [];
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const seq = seqs[i] as number;
      if (seq < bound) below.push(seq);
      else seqs[kept++] = seq;
    }
    if (below.length === 0) return;
    log.removeSeqs(below, below.length);
    this.count = kept;
  }
}

/**
 * Notes in `record` the entries of a message context's own scope: what its handler registered there where no sink
 * saw it (after an await, outside the store). Nothing for a context already ended (its scope is the parent's).
 * @internal
 */
export function noteOwnScope(context: ResultPipelineStepContext, record: Attribution): void {
  const own = context.scope;
  if (own === undefined || context.ended) return;
  const seqs = own.log.seqs;
  for (let i = 0; i < seqs.length; i++) record.note(seqs[i] as number);
}

/** Absorbs `result`'s attached compensations into `ctx`, noting them in `record`. @internal */
export function absorbNoted(
  ctx: ResultPipelineStepContext,
  result: Result<unknown>,
  record: Attribution,
): void {
  const previous = setDirectSink(record);
  try {
    ctx.absorb(result);
  } finally {
    setDirectSink(previous);
  }
}
