/**
 * The arguments of the `ResultPipelineStepContext` constructor, checked: the options object or the positional
 * form as one options object, and the step name as the context keeps it. Wrong types are programming errors
 * (`TypeError`).
 */
import type { TimeProvider } from "@pipe/channels";
import { CompensationScope } from "../compensation-scope.ts";
import type { ResultPipelineStepContextOptions } from "../step-context-options.ts";

/** A step name as given, or `""` when it is not a string or is blank. */
export function stepNameOf(name: unknown): string {
  return typeof name === "string" && name.length > 0 && (name.charCodeAt(0) > 32 || name.trim().length > 0)
    ? name
    : "";
}

/**
 * The constructor's options (the positional form `(stepName, scope, timeProvider, signal)` becomes an options
 * object); throws a `TypeError` naming what was expected when an argument or option has the wrong type.
 */
export function contextOptionsOf(
  optionsOrName: ResultPipelineStepContextOptions | string | undefined,
  compensationScope: CompensationScope | undefined,
  timeProvider: TimeProvider | undefined,
  signal: AbortSignal | undefined,
): ResultPipelineStepContextOptions {
  if (
    optionsOrName === null ||
    (optionsOrName !== undefined && typeof optionsOrName !== "object" && typeof optionsOrName !== "string")
  ) {
    throw new TypeError(
      `ResultPipelineStepContext: expected options { stepName?, compensationScope?, timeProvider?, signal? } or a step name, got ${optionsOrName === null ? "null" : typeof optionsOrName}.`,
    );
  }
  const options: ResultPipelineStepContextOptions =
    typeof optionsOrName === "object"
      ? optionsOrName
      : typeof optionsOrName === "string" || optionsOrName === undefined
        ? {
            ...(optionsOrName === undefined ? {} : { stepName: optionsOrName }),
            ...(compensationScope === undefined ? {} : { compensationScope }),
            ...(timeProvider === undefined ? {} : { timeProvider }),
            ...(signal === undefined ? {} : { signal }),
          }
        : {};
  if (options.compensationScope !== undefined && !(options.compensationScope instanceof CompensationScope))
    throw new TypeError("ResultPipelineStepContext: compensationScope must be a CompensationScope.");
  const clock = options.timeProvider;
  if (clock !== undefined && (typeof clock !== "object" || clock === null || typeof clock.now !== "function"))
    throw new TypeError(
      "ResultPipelineStepContext: timeProvider must be a TimeProvider (now, setTimeout, clearTimeout).",
    );
  const given = options.signal;
  if (
    given !== undefined &&
    (typeof given !== "object" || given === null || typeof given.aborted !== "boolean")
  )
    throw new TypeError("ResultPipelineStepContext: signal must be an AbortSignal.");
  return options;
}
