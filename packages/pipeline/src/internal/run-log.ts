import {
  fromThrown,
  isResult,
  type PipeError,
  PipeError as PipeErrorClass,
  type StatefulCompensationAction,
} from "@pipe/result";
import type { CompensationStep, ResultCompensationPolicy } from "../compensation-policy.ts";
import type { SpanLike } from "../tracer-like.ts";
import { COMPENSATION_CODE } from "./codes.ts";
import { keepLayout } from "./kept.ts";
import { CompensationLog } from "./log.ts";
import { instruments } from "./metrics.ts";
import { compensationEvent } from "./trace.ts";
import { isThenable, neverAbortedSignal } from "./util.ts";

type Outcome = PipeError | undefined;

class RunState {
  failures: PipeError[] | undefined;
  skipped = 0;
  constructor(
    readonly log: CompensationLog,
    readonly signal: AbortSignal,
    readonly restoreTo: CompensationLog | undefined,
    /** Gets a `pipeline.compensation` event per action that ran, when tracing. */
    readonly span: SpanLike | undefined,
  ) {}

  fail(thrown: unknown): void {
    (this.failures ??= []).push(fromThrown(thrown));
  }

  /** Inspects a synchronous return value; returns the pending promise when it is one. */
  check(value: unknown): PromiseLike<unknown> | undefined {
    if (value === undefined) return undefined;
    if (isThenable(value)) return value;
    if (isResult(value) && value.isErr) this.fail(value.error);
    return undefined;
  }

  /** Puts entries [0, count) back into the scope they came from (they never ran). */
  restore(count: number): void {
    this.skipped = count;
    if (this.restoreTo === undefined || count === 0) return;
    const log = this.log;
    this.restoreTo.mergeFrom(
      new CompensationLog(log.states.slice(0, count), log.actions.slice(0, count), log.seqs.slice(0, count)),
    );
  }

  finish(): Outcome {
    const failed = this.failures?.length ?? 0;
    const total = this.log.size;
    const metrics = instruments();
    if (metrics !== undefined) {
      metrics.compensationRuns.add(1);
      metrics.compensationActions.add(total - this.skipped);
      if (failed > 0) metrics.compensationFailures.add(failed);
    }
    if (failed === 0 && this.skipped === 0) return undefined;
    const children = this.failures ?? [];
    if (this.skipped > 0) {
      children.push(
        PipeErrorClass.canceled(
          `Compensation was canceled before ${this.skipped} of ${total} actions ran.`,
          this.signal.reason,
        ).withMetadata("skipped", this.skipped),
      );
    }
    return PipeErrorClass.from(
      `Compensation finished with compensation issues: ${failed} of ${total} actions failed${
        this.skipped > 0 ? `, ${this.skipped} did not run` : ""
      }.`,
      COMPENSATION_CODE,
      { errors: children, metadata: { failed, total, skipped: this.skipped } },
    );
  }
}

keepLayout(new RunState(new CompensationLog(), new AbortController().signal, undefined, undefined));

function invoke(state: RunState, i: number): unknown {
  if (state.span !== undefined) return invokeTraced(state, i, state.span);
  return invokeAction(state, i);
}

function invokeAction(state: RunState, i: number): unknown {
  const log = state.log;
  try {
    return (log.actions[i] as StatefulCompensationAction<unknown>)(log.states[i], state.signal);
  } catch (thrown) {
    state.fail(thrown);
    return undefined;
  }
}

/** Runs action `i` and adds its `pipeline.compensation` event to `span` once it settled. */
function invokeTraced(state: RunState, i: number, span: SpanLike): unknown {
  const before = state.failures?.length ?? 0;
  const value = invokeAction(state, i);
  if (isThenable(value)) {
    return Promise.resolve(value).then(
      (settled) => {
        compensationEvent(span, i, isResult(settled) && settled.isErr ? settled.error : undefined);
        return settled;
      },
      (thrown: unknown) => {
        compensationEvent(span, i, fromThrown(thrown));
        throw thrown;
      },
    );
  }
  const failures = state.failures;
  if (failures !== undefined && failures.length > before) compensationEvent(span, i, failures[before]);
  else compensationEvent(span, i, isResult(value) && value.isErr ? value.error : undefined);
  return value;
}

async function sequentialAsync(
  state: RunState,
  pending: PromiseLike<unknown>,
  from: number,
): Promise<Outcome> {
  try {
    state.check(await pending);
  } catch (thrown) {
    state.fail(thrown);
  }
  for (let i = from; i >= 0; i--) {
    if (state.signal.aborted) {
      state.restore(i + 1);
      return state.finish();
    }
    const value = invoke(state, i);
    const next = state.check(value);
    if (next !== undefined) {
      try {
        const settled = await next;
        state.check(settled);
      } catch (thrown) {
        state.fail(thrown);
      }
    }
  }
  return state.finish();
}

function sequential(state: RunState): Outcome | Promise<Outcome> {
  const signal = state.signal;
  // The shared never-aborting signal (no compensationSignal given) is not checked per action.
  const abortable = signal !== neverAbortedSignal;
  const untraced = state.span === undefined;
  for (let i = state.log.size - 1; i >= 0; i--) {
    if (abortable && signal.aborted) {
      state.restore(i + 1);
      return state.finish();
    }
    const value = untraced ? invokeAction(state, i) : invoke(state, i);
    if (value === undefined) continue;
    const pending = state.check(value);
    if (pending !== undefined) return sequentialAsync(state, pending, i - 1);
  }
  return state.finish();
}

function parallel(state: RunState): Outcome | Promise<Outcome> {
  let pending: PromiseLike<unknown>[] | undefined;
  for (let i = state.log.size - 1; i >= 0; i--) {
    const p = state.check(invoke(state, i));
    if (p !== undefined) (pending ??= []).push(p);
  }
  if (pending === undefined) return state.finish();
  const all = pending;
  return new Promise<Outcome>((resolve) => {
    let left = all.length;
    const done = (): void => {
      if (--left === 0) resolve(state.finish());
    };
    for (const p of all) {
      p.then(
        (settled) => {
          state.check(settled);
          done();
        },
        (thrown: unknown) => {
          state.fail(thrown);
          done();
        },
      );
    }
  });
}

async function runStep(state: RunState, i: number): Promise<PipeError | undefined> {
  const before = state.failures?.length ?? 0;
  const pending = state.check(invoke(state, i));
  if (pending !== undefined) {
    try {
      state.check(await pending);
    } catch (thrown) {
      state.fail(thrown);
    }
  }
  return (state.failures?.length ?? 0) > before ? state.failures?.[state.failures.length - 1] : undefined;
}

async function custom(state: RunState, policy: ResultCompensationPolicy): Promise<Outcome> {
  const n = state.log.size;
  const steps: CompensationStep[] = new Array(n);
  for (let k = 0; k < n; k++) {
    let outcome: Promise<PipeError | undefined> | undefined;
    steps[k] = Object.freeze({
      index: k,
      run: (): Promise<PipeError | undefined> => {
        outcome ??= runStep(state, n - 1 - k);
        return outcome;
      },
    });
  }
  try {
    await (policy.strategy as NonNullable<ResultCompensationPolicy["strategy"]>)(
      Object.freeze(steps),
      state.signal,
    );
  } catch (thrown) {
    state.fail(thrown);
  }
  return state.finish();
}

/**
 * Runs every entry of an already taken `log` under `policy`. Never throws; returns `undefined` when every action
 * succeeded, else an `error.compensation` aggregate. Synchronous when every action is.
 * @internal
 */
export function runLog(
  policy: ResultCompensationPolicy,
  log: CompensationLog,
  signal: AbortSignal,
  restoreTo?: CompensationLog,
  span?: SpanLike,
): Outcome | Promise<Outcome> {
  if (log.size === 0) return undefined;
  const state = new RunState(log, signal, restoreTo, span);
  switch (policy.kind) {
    case "none":
      return undefined;
    case "parallel":
      return parallel(state);
    case "custom":
      return custom(state, policy);
    default:
      return sequential(state);
  }
}
