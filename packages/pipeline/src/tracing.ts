import { tracing } from "./internal/trace.ts";
import type { TracerLike } from "./tracer-like.ts";

/** The shape of the {@link PipelineTracing} object. */
export interface PipelineTracingApi {
  /**
   * Turns tracing on for `@pipe/pipeline` and `@pipe/tenants` by handing in a tracer (an OpenTelemetry `Tracer`).
   *
   * Gotchas: throws a `TypeError` when `tracer` has no `startActiveSpan` method. Work already running keeps the
   * tracer (or none) it started with.
   */
  configure(tracer: TracerLike): void;
  /** Turns tracing off again (the default state); useful between tests. */
  reset(): void;
  /** The configured tracer, or `undefined` when tracing is off. */
  readonly tracer: TracerLike | undefined;
}

/**
 * Process-wide tracing switch for the `@pipe` packages: off by default at the cost of one property read per
 * orchestration call (none per step).
 *
 * When to use: call `configure(tracer)` once at start-up, beside `GoDiagnostics.configure(meter)`, to get a span
 * per pipeline step. Nothing of OpenTelemetry is imported by the packages: the tracer is all they use.
 *
 * Details: span names are fixed (low cardinality); what varies is in attributes.
 * - `ResultPipeline.fanOut` / `Result.whenAll`: `pipeline.fan_out`, with a child `pipeline.fan_out.operation`
 *   per operation attempt (`pipeline.step.name`, `pipeline.operation.index`).
 * - `ResultPipeline.race` / `Result.whenAny`: `pipeline.race`, with a child `pipeline.race.operation` per
 *   operation attempt; `ResultPipeline.retry`: `pipeline.retry` with a `pipeline.retry.attempt` child per attempt;
 *   `ResultPipeline.withTimeout`: `pipeline.with_timeout` with `pipeline.with_timeout.attempt` children.
 * - `Result.tieredFallback`: `pipeline.tiered_fallback` (`pipeline.tiered_fallback.tiers`), with a child
 *   `pipeline.tiered_fallback.tier` per tier that runs (`pipeline.tiered_fallback.tier`: its name,
 *   `pipeline.tiered_fallback.tier_index`), failed when the tier fails, and under it a
 *   `pipeline.tiered_fallback.strategy` per strategy attempt (`pipeline.operation.index`).
 * - `WaitGroup.go` / `ErrGroup.go`: `pipeline.wait_group.go` / `pipeline.err_group.go` per work that starts
 *   (`pipeline.step.name`: the child context's, for the pipeline overload), ended once the work settled and its
 *   compensations moved; `{ traced: false }` leaves a long-lived worker without one.
 * - Sagas: `pipeline.saga`, with a child `pipeline.saga.step` per step attempt (`pipeline.saga.step`).
 * - `ResultPipelineChannels.fanIn`: `pipeline.fan_in`, with a child `pipeline.fan_in.message` per message.
 * - `Result.runCompensation`: `pipeline.compensation` (unless `options.span` is given).
 * - `@pipe/tenants`: `tenants.envelope` per processed envelope (`tenant.id`), retries and rollback included.
 *
 * A failed step's span gets the error status (`code` 2) with the error's message and an `error.type`
 * attribute holding its code. Each compensation action that runs adds one `pipeline.compensation` event to the
 * span of the run that rolls back, in the order the actions ran (newest first under `sequentialReverse`), with
 * `pipeline.compensation.index` (the action's place in that rollback, 0 for the oldest registration),
 * `pipeline.compensation.outcome` (`success` or `failure`) and, on failure, `error.type` and `exception.message`.
 *
 * Gotchas: parent/child links follow the active context, so they need a context manager (on Node the SDK's
 * `AsyncLocalStorageContextManager`); without one every span is a root span.
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * import { ok, PipelineTracing, ResultPipeline } from "@pipe/pipeline";
 * PipelineTracing.configure(trace.getTracer("orders"));
 * await ResultPipeline.fanOut([() => ok(1), () => ok(2)]); // pipeline.fan_out with two operation spans
 * PipelineTracing.reset();
 * ```
 */
export const PipelineTracing: PipelineTracingApi = Object.freeze({
  configure(tracer: TracerLike): void {
    if (tracer === null || typeof tracer !== "object" || typeof tracer.startActiveSpan !== "function") {
      throw new TypeError("PipelineTracing.configure: expected a tracer with startActiveSpan.");
    }
    tracing.tracer = tracer;
  },
  reset(): void {
    tracing.tracer = undefined;
  },
  get tracer(): TracerLike | undefined {
    return tracing.tracer;
  },
});
