import type { TimeProvider } from "@pipe/channels";
import type { CompensationScope } from "./compensation-scope.ts";

/**
 * Options of the {@link ResultPipelineStepContext} constructor.
 *
 * @example
 * ```ts
 * import { CompensationScope, ResultPipelineStepContext, type ResultPipelineStepContextOptions } from "@pipe/pipeline";
 * const options: ResultPipelineStepContextOptions = { stepName: "ingest", compensationScope: new CompensationScope() };
 * console.log(new ResultPipelineStepContext(options).stepName); // "ingest"
 * ```
 */
export interface ResultPipelineStepContextOptions {
  /** Name used in diagnostics and error metadata (blank becomes `""`). */
  readonly stepName?: string;
  /** Where registrations go (default: a new scope, created on first use). */
  readonly compensationScope?: CompensationScope;
  /** Clock for timeouts, deadlines and timers (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
  /**
   * Aborting it aborts the context's signal. The context's own `signal` is a different signal that follows this
   * one and also aborts when the context fails (a failed `waitGroup.go(context, ...)` work).
   */
  readonly signal?: AbortSignal;
}
