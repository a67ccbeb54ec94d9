import type { TimeProvider } from "@pipe/channels";
import type { CompensationScope } from "../compensation-scope.ts";
import { ResultPipelineStepContext } from "../step-context.ts";

/**
 * The context an orchestrator hands one operation (or attempt, or saga run): `signal` (already linked by the
 * orchestrator) used as is, so no controller or listener is created per operation. With `index` >= 0 the step
 * name is `<stepName>[<index>]`, built only when read.
 */
export function operationContext(
  stepName: string,
  timeProvider: TimeProvider,
  signal: AbortSignal,
  scope?: CompensationScope,
  index = -1,
): ResultPipelineStepContext {
  return ResultPipelineStepContext.bare(stepName, timeProvider, signal, scope, undefined, index);
}

/**
 * Aborts `ctx.signal` with `reason` when the context owns its signal (a `child()` context) and it is not
 * aborted yet; reports whether it did.
 */
export function abortContextSignal(ctx: ResultPipelineStepContext, reason: unknown): boolean {
  const controller = ctx.controller;
  if (controller === undefined || controller.signal.aborted) return false;
  controller.abort(reason);
  return true;
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
  return ResultPipelineStepContext.bare(stepName, parent.timeProvider, signal, undefined, parent, -1);
}
