import type { TimeProvider } from "@pipe/channels";
import type { CompensationScope } from "../compensation-scope.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";

let peek: ((ctx: ResultPipelineStepContext) => CompensationScope | undefined) | undefined;
let attach:
  | ((parent: ResultPipelineStepContext, stepName: string, signal: AbortSignal) => ResultPipelineStepContext)
  | undefined;
let abortOwn: ((ctx: ResultPipelineStepContext, reason: unknown) => boolean) | undefined;
let makeOperationContext:
  | ((
      stepName: string,
      timeProvider: TimeProvider,
      signal: AbortSignal,
      scope: CompensationScope | undefined,
      index: number,
    ) => ResultPipelineStepContext)
  | undefined;

/** Installed once by `ResultPipelineStepContext`'s static block. @internal */
export function installContextInternals(
  fn: (ctx: ResultPipelineStepContext) => CompensationScope | undefined,
  attachChild: (
    parent: ResultPipelineStepContext,
    stepName: string,
    signal: AbortSignal,
  ) => ResultPipelineStepContext,
  abortSignal: (ctx: ResultPipelineStepContext, reason: unknown) => boolean,
  operationContext: (
    stepName: string,
    timeProvider: TimeProvider,
    signal: AbortSignal,
    scope: CompensationScope | undefined,
    index: number,
  ) => ResultPipelineStepContext,
): void {
  peek = fn;
  attach = attachChild;
  abortOwn = abortSignal;
  makeOperationContext = operationContext;
}

/**
 * The context an orchestrator hands one operation (or attempt, or saga run): `signal` (already linked by the
 * orchestrator) used as is, so no controller or listener is created per operation. With `index` >= 0 the step
 * name is `<stepName>[<index>]`, built only when read. @internal
 */
export function operationContext(
  stepName: string,
  timeProvider: TimeProvider,
  signal: AbortSignal,
  scope?: CompensationScope,
  index = -1,
): ResultPipelineStepContext {
  return (
    makeOperationContext as (
      stepName: string,
      timeProvider: TimeProvider,
      signal: AbortSignal,
      scope: CompensationScope | undefined,
      index: number,
    ) => ResultPipelineStepContext
  )(stepName, timeProvider, signal, scope, index);
}

/**
 * Aborts `ctx.signal` with `reason` when the context owns its signal (a `child()` context) and it is not
 * aborted yet; reports whether it did. @internal
 */
export function abortContextSignal(ctx: ResultPipelineStepContext, reason: unknown): boolean {
  return (abortOwn as (ctx: ResultPipelineStepContext, reason: unknown) => boolean)(ctx, reason);
}

/**
 * A child context that uses `signal` as is (no controller, no listener: the caller owns a signal already linked
 * to the parent's) and, like `child()`, moves its actions into the parent on `end()`. Its scope is created on
 * first registration, so an unused one costs two small objects.
 */
export function attachedChild(
  parent: ResultPipelineStepContext,
  stepName: string,
  signal: AbortSignal,
): ResultPipelineStepContext {
  return (
    attach as (
      parent: ResultPipelineStepContext,
      stepName: string,
      signal: AbortSignal,
    ) => ResultPipelineStepContext
  )(parent, stepName, signal);
}

/** The context's scope if one was created (contexts create theirs lazily). @internal */
export function scopeIfAny(ctx: ResultPipelineStepContext): CompensationScope | undefined {
  return (peek as (ctx: ResultPipelineStepContext) => CompensationScope | undefined)(ctx);
}
