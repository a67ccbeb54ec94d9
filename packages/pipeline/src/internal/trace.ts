/**
 * Tracing internals: the configured tracer (read once per orchestration call) and the wrappers that give each
 * step its span. Only the traced paths call into this module, so with no tracer nothing here runs per step.
 *
 * @internal
 * @module
 */
import { fromThrown, isResult, PipeError, type Result } from "@pipe/result";
import type { ResultPipelineOperation } from "../operation.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { SpanAttributes, SpanLike, TracerLike } from "../tracer-like.ts";
import { invoke, invokeFn } from "./invoke.ts";
import { isThenable } from "./util.ts";

/** The configured tracer (a field of a module constant: one property read to check). @internal */
export const tracing: { tracer: TracerLike | undefined } = { tracer: undefined };

/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** Marks `span` failed with `error` (status, message and `error.type`). @internal */
export function markSpanFailed(span: SpanLike, error: PipeError): void {
  span.setAttribute("error.type", error.code ?? "_OTHER");
  span.setStatus({ code: STATUS_ERROR, message: error.message });
}

/** Ends `span`, marked failed when `value` is a failed Result or a PipeError. */
function endWith(span: SpanLike, value: unknown): void {
  if (isResult(value)) {
    if (value.isErr) markSpanFailed(span, value.error);
  } else if (PipeError.is(value)) {
    markSpanFailed(span, value);
  }
  span.end();
}

/**
 * Runs `fn(span)` inside an active span named `name`, ended when what `fn` returns settles (failed when that
 * is a failed Result or a PipeError, or when `fn` throws or rejects). Returns what `fn` returns. @internal
 */
export function inSpan<R>(
  tracer: TracerLike,
  name: string,
  attributes: SpanAttributes,
  fn: (span: SpanLike) => R,
): R {
  return tracer.startActiveSpan(name, { attributes }, (span: SpanLike): R => {
    let value: R;
    try {
      value = fn(span);
    } catch (thrown) {
      markSpanFailed(span, fromThrown(thrown));
      span.end();
      throw thrown;
    }
    if (!isThenable(value)) {
      endWith(span, value);
      return value;
    }
    return Promise.resolve(value).then(
      (settled) => {
        endWith(span, settled);
        return settled;
      },
      (thrown: unknown) => {
        markSpanFailed(span, fromThrown(thrown));
        span.end();
        throw thrown;
      },
    ) as R;
  });
}

/** `operation` running in a span named `name` per attempt (`pipeline.step.name`, and `index` when given). @internal */
export function tracedOperation<T>(
  tracer: TracerLike,
  operation: ResultPipelineOperation<T>,
  name: string,
  index?: number,
): ResultPipelineOperation<T> {
  return (ctx: ResultPipelineStepContext): Result<T> | Promise<Result<T>> =>
    inSpan(
      tracer,
      name,
      index === undefined
        ? { "pipeline.step.name": ctx.stepName }
        : { "pipeline.step.name": ctx.stepName, "pipeline.operation.index": index },
      () => invoke(operation, ctx),
    );
}

/** `operations`, each running in a span named `name` per attempt, with its index. @internal */
export function tracedOperations<T>(
  tracer: TracerLike,
  operations: readonly ResultPipelineOperation<T>[],
  name = "pipeline.fan_out.operation",
): ResultPipelineOperation<T>[] {
  return operations.map((operation, index) => tracedOperation(tracer, operation, name, index));
}

/** A saga step operation running in a `pipeline.saga.step` span (one per attempt). @internal */
export function tracedSagaStep<S>(
  tracer: TracerLike,
  step: string,
  stepName: string,
  operation: (ctx: ResultPipelineStepContext, state: S) => unknown,
): (ctx: ResultPipelineStepContext, state: S) => Result<unknown> | Promise<Result<unknown>> {
  return (ctx, state) =>
    inSpan(tracer, "pipeline.saga.step", { "pipeline.step.name": stepName, "pipeline.saga.step": step }, () =>
      invokeFn(() => operation(ctx, state), ctx.signal),
    );
}

/**
 * Adds the `pipeline.compensation` event of the action that ran at `index` of its rollback (0: the oldest
 * registration); `failure` is undefined when it succeeded. @internal
 */
export function compensationEvent(span: SpanLike, index: number, failure: PipeError | undefined): void {
  span.addEvent(
    "pipeline.compensation",
    failure === undefined
      ? { "pipeline.compensation.index": index, "pipeline.compensation.outcome": "success" }
      : {
          "pipeline.compensation.index": index,
          "pipeline.compensation.outcome": "failure",
          "error.type": failure.code ?? "_OTHER",
          "exception.message": failure.message,
        },
  );
}
