/**
 * Argument checks of the public entry points: a programming error throws a `TypeError` that says what was
 * expected and what was received, once per call (never per message).
 *
 * @internal
 * @module
 */
import { checkOptions, checkSignal, checkTimeProvider } from "@pipe/channels";
import { describeValue as describe } from "@pipe/result";
import { ResultPipelineStepContext } from "../step-context.ts";

export { checkOptions, checkSignal } from "@pipe/channels";
export { describeValue as describe } from "@pipe/result";

/** Throws unless `ctx` is a `ResultPipelineStepContext`. */
export function checkContext(ctx: unknown, what: string, name = "context"): void {
  if (!(ctx instanceof ResultPipelineStepContext)) {
    throw new TypeError(
      `${what}: ${name} must be a ResultPipelineStepContext (new ResultPipelineStepContext({ stepName, ... })), got ${describe(ctx)}.`,
    );
  }
}

/** The options of an orchestrator (`whenAll`, `retry`, `withTimeout`, ...): an object, a signal, a context. */
export function checkOrchestrationOptions(
  options: { readonly signal?: AbortSignal; readonly context?: ResultPipelineStepContext } | undefined,
  what: string,
): void {
  checkOptions(options, what);
  if (options === undefined) return;
  checkSignal(options.signal, what);
  if (options.context !== undefined) checkContext(options.context, what, "options.context");
  checkTimeProvider((options as { readonly timeProvider?: unknown }).timeProvider, what);
}

/** `operations` (any iterable of functions) as an array. */
export function operationList<F>(operations: Iterable<F>, what: string): F[] {
  if (
    operations === null ||
    typeof operations !== "object" ||
    typeof (operations as Partial<Iterable<F>>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${what}: operations must be an iterable (an array) of functions (context, signal) => Result, got ${describe(operations)}.`,
    );
  }
  const list = Array.isArray(operations) ? (operations as F[]) : [...operations];
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== "function")
      throw new TypeError(`${what}: operations[${i}] must be a function, got ${describe(list[i])}.`);
  }
  return list;
}

/** The context and options of a channel adapter or timer (`ResultPipelineChannels.*`, `ResultPipelineTimers.*`). */
export function checkAdapter(
  ctx: unknown,
  options: { readonly signal?: AbortSignal } | undefined,
  what: string,
): void {
  checkContext(ctx, what);
  checkOptions(options, what);
  if (options !== undefined) checkSignal(options.signal, what);
}

/** Throws unless `writer` looks like a channel writer. */
export function checkWriter(writer: unknown, what: string): void {
  if (
    typeof writer !== "object" ||
    writer === null ||
    typeof (writer as { tryWrite?: unknown }).tryWrite !== "function"
  )
    throw new TypeError(`${what}: destination must be a channel writer, got ${describe(writer)}.`);
}
