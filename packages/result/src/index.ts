/**
 * `@pipe/result`: `Result<T>` with structured, serialisable errors, async chains, streams and compensations
 * attached to results.
 *
 * @module @pipe/result
 */
export { AsyncResult } from "./async-result.ts";
export {
  all,
  group,
  type Partitioned,
  partition,
  type ResultValues,
  traverse,
  window,
} from "./collections.ts";
export {
  type Compensation,
  type CompensationAction,
  compensation,
  runCompensationEntry,
  type StatefulCompensationAction,
} from "./compensation.ts";
export { describeValue } from "./describe-value.ts";
export { GoDiagnostics, type GoDiagnosticsApi } from "./diagnostics.ts";
export { ErrorCodes, type ErrorCodesApi, type ErrorDescriptor, type KnownErrorCode } from "./error-codes.ts";
export { type ErrorFactory, type FromThrownOptions, fromThrown } from "./from-thrown.ts";
export { type GenBind, gen } from "./gen.ts";
export { isThenable } from "./is-thenable.ts";
export {
  createLineLogger,
  isLogFormat,
  type LineLogger,
  type LineLoggerOptions,
  type LogFields,
  type LogFormat,
  type LogLevel,
} from "./line-logger.ts";
export type {
  CounterLike,
  HistogramLike,
  MeterLike,
  MetricAttributes,
  MetricOptions,
  UpDownCounterLike,
} from "./meter-like.ts";
export { PipeError, type PipeErrorOptions } from "./pipe-error.ts";
export { pipeErrorFromJSON } from "./pipe-error-from-json.ts";
export type { PipeErrorJson } from "./pipe-error-json.ts";
export { Err, err, isResult, Ok, ok } from "./result.ts";
export { ResultError } from "./result-error.ts";
export { Result, type ResultNamespace } from "./result-namespace.ts";
export {
  fromStandardSchema,
  fromStandardSchemaAsync,
  type StandardSchemaIssueLike,
  type StandardSchemaLike,
  type StandardSchemaResultLike,
  type ValidationIssue,
} from "./standard-schema.ts";
export {
  filterStream,
  flatMapStream,
  mapStream,
  type ResultStream,
  type StreamOptions,
} from "./stream-operators.ts";
export {
  collectErrors,
  forEach,
  STREAM_FAILURES_MESSAGE,
  tapFailureEach,
  tapFailureEachAggregateErrors,
  tapFailureEachIgnoreErrors,
  tapSuccessEach,
  tapSuccessEachAggregateErrors,
  tapSuccessEachIgnoreErrors,
} from "./stream-sinks.ts";
export type { TryAsyncOptions } from "./try.ts";
