import type { GroupWork } from "@pipe/channels";
import { ErrorCodes, err, type Result } from "@pipe/result";
import { ResultPipelineStepContext } from "../step-context.ts";
import { abortContextSignal } from "./context-internals.ts";
import { invoke } from "./invoke.ts";
import { inSpan, tracing } from "./trace.ts";
import { failContext, recordConsequence, upstreamFailureOf } from "./upstream-failure.ts";
import { describe } from "./usage.ts";
import { canceledBy, isThenable } from "./util.ts";

/** Pipeline work run by `WaitGroup.go(context, work)`: a child context and its signal. */
export type PipelineWork<T> = (
  context: ResultPipelineStepContext,
  signal: AbortSignal,
) => Result<T> | PromiseLike<Result<T>>;

let ended: unknown;

/** The reason a child's signal aborts with once its work settled (one shared `AbortError`). */
function workEnded(): unknown {
  ended ??= new DOMException("The work has ended.", "AbortError");
  return ended;
}

function end<T>(
  parent: ResultPipelineStepContext,
  child: ResultPipelineStepContext,
  result: Result<T>,
): Result<T> {
  const stripped = result.compensations.length > 0 ? child.absorb(result) : result;
  child.end();
  if (stripped.isErr) {
    const error = stripped.error;
    const upstream = error.code === ErrorCodes.canceled ? upstreamFailureOf(child.signal) : undefined;
    // A peer stopped by an upstream failure reports that failure; any other failure fails the parent context
    // (its signal aborts with the error), which stops the fan-outs and peers working under it.
    if (upstream !== undefined) recordConsequence(error, upstream);
    else failContext(parent, error);
  }
  // Like Go's context cancel: whatever the work tied to its signal is released once the work settled.
  abortContextSignal(child, workEnded());
  return stripped;
}

/** Throws a TypeError unless `parent` is a step context and `work` a function (checked when `go` is called). */
function checkChildWork(parent: unknown, work: unknown): void {
  if (!(parent instanceof ResultPipelineStepContext)) {
    throw new TypeError(
      `go: expected go(work(signal)) or go(context, work(childContext, signal), { stepName? }) with a ResultPipelineStepContext, got ${describe(parent)}.`,
    );
  }
  if (typeof work !== "function") throw new TypeError(`go: work must be a function, got ${describe(work)}.`);
}

/** The span names of the two groups' work. */
const SPAN_NAMES = { waitgroup: "pipeline.wait_group.go", errgroup: "pipeline.err_group.go" } as const;

/**
 * Checks `go(context, work, options)` of the pipeline `WaitGroup` (`group` "waitgroup") or `ErrGroup`
 * ("errgroup") and returns what starts the work (`admit`'s `start`): `runChildWork` with the step name
 * (default `"<parent>.<group>"`) and, unless `options.traced` is false, the group's span name. Throws a
 * TypeError for options that are not `{ stepName?, traced?: boolean }` and as `checkChildWork` does. @internal
 */
export function childWorkStart<T>(
  parent: ResultPipelineStepContext,
  work: PipelineWork<T>,
  options: { readonly stepName?: string; readonly traced?: boolean } | undefined,
  group: keyof typeof SPAN_NAMES,
): (source: AbortSignal) => { readonly outcome: Result<T> | Promise<Result<T>>; readonly ended: undefined } {
  if (
    options !== undefined &&
    (typeof options !== "object" ||
      options === null ||
      (options.traced !== undefined && typeof options.traced !== "boolean"))
  )
    throw new TypeError("go: options must be an object { stepName?, traced?: boolean }.");
  checkChildWork(parent, work);
  const stepName = options?.stepName ?? `${parent.stepName}.${group}`;
  const spanName = options?.traced === false ? undefined : SPAN_NAMES[group];
  return (source) => ({ outcome: runChildWork(parent, work, stepName, source, spanName), ended: undefined });
}

/**
 * Runs `work` with a child of `parent` (signal linked to the parent's and `groupSignal`); the child's
 * compensations reach the parent on success and failure; a throw becomes `error.exception`; a failure fails
 * `parent` (see `failContext`). When tracing and `spanName` is given, work that runs does so in a span named it
 * (`pipeline.step.name`: the child's step name), ended once the child's compensations moved.
 */
function runChildWork<T>(
  parent: ResultPipelineStepContext,
  work: PipelineWork<T>,
  stepName: string,
  groupSignal: AbortSignal,
  spanName: string | undefined,
): Result<T> | Promise<Result<T>> {
  checkChildWork(parent, work);
  const child = parent.child(stepName, { signal: groupSignal });
  if (child.signal.aborted) {
    child.end();
    return err(upstreamFailureOf(child.signal) ?? canceledBy(child.signal));
  }
  const tracer = tracing.tracer;
  if (tracer === undefined || spanName === undefined) return runInChild(parent, child, work);
  return inSpan(tracer, spanName, { "pipeline.step.name": child.stepName }, () =>
    runInChild(parent, child, work),
  );
}

function runInChild<T>(
  parent: ResultPipelineStepContext,
  child: ResultPipelineStepContext,
  work: PipelineWork<T>,
): Result<T> | Promise<Result<T>> {
  const pending = invoke(work, child);
  return isThenable(pending) ? pending.then((r) => end(parent, child, r)) : end(parent, child, pending);
}

/**
 * `work` (the `@pipe/channels` form of `go`) of the pipeline `WaitGroup` (`group` "waitgroup") or `ErrGroup`
 * ("errgroup"), running in a span named as the group's when tracing. @internal
 */
export function tracedGroupWork(work: GroupWork, group: keyof typeof SPAN_NAMES): GroupWork {
  const tracer = tracing.tracer;
  if (tracer === undefined || typeof work !== "function") return work;
  const spanName = SPAN_NAMES[group];
  return (signal) => inSpan(tracer, spanName, {}, () => work(signal));
}
