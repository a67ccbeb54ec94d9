/**
 * `@pipe/pipeline`: compensation scopes and policies, step contexts, orchestration (fan-out, race, retry,
 * timeout, tiered fallback, sagas), pipeline-aware channel adapters, WaitGroup/ErrGroup with step contexts and
 * timers. Re-exports the public API of `@pipe/result` and `@pipe/channels`, with `Result` carrying the
 * orchestration members, so a ported tutorial imports from one package.
 *
 * This is the portable entry. Node, Deno and Bun load `index.node.ts` instead (the `node`, `deno` and `bun` export
 * conditions): the same exports plus an async store, with which `ResultPipelineChannels.fanIn` attributes
 * registrations on a shared context to the message whose handler made them.
 *
 * @module @pipe/pipeline
 */
export * from "@pipe/channels";
// Both packages export `partition` and `window`: the free functions here are the channel operators; the
// Result collection versions stay reachable as `Result.partition` / `Result.window`.
export { partition, window } from "@pipe/channels";
export * from "@pipe/result";
export type { ChannelPair, PipelineBroadcastOptions, PipelineFanOutOptions } from "./channels/broadcast.ts";
export type { PipelineFanInHandler, PipelineFanInOptions } from "./channels/fan-in-options.ts";
export type {
  MergeStrategy,
  PipelineMergeOptions,
  PipelineMergeWithStrategyOptions,
} from "./channels/merge.ts";
export type {
  PipelineKeyedFanOutOptions,
  PipelineSelectOptions,
  PipelineWindowOptions,
} from "./channels/routing.ts";
export {
  type CompensationPolicyKind,
  type CompensationStep,
  type CompensationStrategy,
  ResultCompensationPolicy,
} from "./compensation-policy.ts";
export { CompensationScope } from "./compensation-scope.ts";
export { ErrGroup } from "./err-group.ts";
export { ResultExecutionPolicy } from "./execution-policy.ts";
export type { PipelineWork } from "./internal/child-work.ts";
export type { ResultPipelineOperation } from "./operation.ts";
export type { FanOutOptions, OrchestrationOptions } from "./orchestration-options.ts";
export { type PipelineResultNamespace, Result } from "./result.ts";
export { ResultPipeline, type ResultPipelineApi } from "./result-pipeline.ts";
export { ResultPipelineChannels, type ResultPipelineChannelsApi } from "./result-pipeline-channels.ts";
export { retry } from "./retry.ts";
export { type ExponentialRetryOptions, ResultRetryPolicy, type RetrySchedule } from "./retry-policy.ts";
export { type RunCompensationOptions, runCompensation } from "./run-compensation.ts";
export { ResultSagaBuilder, type SagaCompensation, type SagaStepOperation } from "./saga.ts";
export { ResultPipelineStepContext } from "./step-context.ts";
export type { ResultPipelineStepContextOptions } from "./step-context-options.ts";
export { type FallbackTierLike, ResultFallbackTier, tieredFallback } from "./tiered-fallback.ts";
export { type PipelineTimerOptions, ResultPipelineTimers, type ResultPipelineTimersApi } from "./timers.ts";
export type { SpanAttributes, SpanLike, SpanStartOptions, TracerLike } from "./tracer-like.ts";
export { PipelineTracing, type PipelineTracingApi } from "./tracing.ts";
export { type PipelineGoOptions, WaitGroup } from "./wait-group.ts";
export { whenAll } from "./when-all.ts";
export { whenAny } from "./when-any.ts";
export { withTimeout } from "./with-timeout.ts";
