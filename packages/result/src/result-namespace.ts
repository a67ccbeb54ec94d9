import type { AsyncResult } from "./async-result.ts";
import {
  all,
  group,
  type Partitioned,
  partition,
  type ResultValues,
  traverse,
  window,
} from "./collections.ts";
import { type GenBind, gen } from "./gen.ts";
import type { PipeError } from "./pipe-error.ts";
import { type Err, err, isResult, type Ok, ok, type Result as ResultType } from "./result.ts";
import { fromStandardSchema, fromStandardSchemaAsync, type StandardSchemaLike } from "./standard-schema.ts";
import {
  filterStream,
  flatMapStream,
  mapStream,
  type ResultStream,
  type StreamOptions,
} from "./stream-operators.ts";
import {
  collectErrors,
  forEach,
  tapFailureEach,
  tapFailureEachAggregateErrors,
  tapFailureEachIgnoreErrors,
  tapSuccessEach,
  tapSuccessEachAggregateErrors,
  tapSuccessEachIgnoreErrors,
} from "./stream-sinks.ts";
import { type ErrorFactory, type TryAsyncOptions, tryAsync, tryResult } from "./try.ts";

/**
 * A success or a failure; see the `Result` namespace object for the factories and helpers.
 *
 * @example
 * ```ts
 * import { Result } from "@pipe/result";
 * const r: Result<number> = Result.ok(1);
 * ```
 */
export type Result<T> = ResultType<T>;

/** The shape of the {@link Result} namespace object (packages such as `@pipe/pipeline` extend it). */
export interface ResultNamespace {
  /**
   * Creates a success (`Result.ok()` gives `Ok<void>`); counted once in diagnostics.
   * @example `Result.ok(42)`
   */
  ok(): Ok<void>;
  /** Creates a success holding `value`. @example `Result.ok(42)` */
  ok<T>(value: T): Ok<T>;
  /**
   * Creates a failure (the free function `err`); counted once in diagnostics.
   * @example `Result.fail(PipeError.from("nope", "demo.nope"))`
   */
  fail<T = never>(error: PipeError): Err<T>;
  /**
   * Runs `fn` and captures its exception by `fromThrown`: `errorFactory(e) ?? PipeError.fromException(e)`
   * (`error.exception`, cause = the exception); an `AbortError` becomes `error.canceled` (metadata `reason`), a
   * `TimeoutError` `error.timeout`, a thrown PipeError stays itself.
   *
   * @example
   * ```ts
   * import { Result } from "@pipe/result";
   * const r = Result.try(() => JSON.parse("{bad"));
   * r.isErr && r.error.code; // "error.exception"
   * ```
   */
  try<T>(fn: () => T, errorFactory?: ErrorFactory): Result<T>;
  /**
   * Runs `fn(signal)` and returns an {@link AsyncResult}: the value, or `errorFactory(e) ?? fromException(e)`
   * for an exception (`error.exception`).
   *
   * Abort: an already-aborted signal gives `error.canceled` without calling `fn`. While `fn` runs, the signal
   * is `fn`'s to observe: the result settles when `fn` does, never earlier, so a rollback that follows a
   * canceled result never races side effects `fn` is still performing. An exception thrown after an abort, or
   * an `AbortError`, is `error.canceled` (metadata `reason` = the signal's reason); a `TimeoutError` (such as
   * `AbortSignal.timeout`'s) is `error.timeout`; a function that finishes despite the abort returns its value.
   * The rule is `fromThrown`'s, the same at every entry point.
   *
   * @example
   * ```ts
   * import { Result } from "@pipe/result";
   * const r = await Result.tryAsync(async (signal) => (await fetch("https://example.com", { signal })).status, {
   *   signal: AbortSignal.timeout(5_000),
   * }).map((status) => status === 200);
   * ```
   */
  tryAsync<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: TryAsyncOptions): AsyncResult<T>;
  /**
   * Sequences results (stops at the first failure). See {@link all}.
   * @example `Result.all([ok(1), ok(2)]) // Ok([1, 2])`
   */
  all<const R extends readonly Result<unknown>[]>(results: R): Result<ResultValues<R>>;
  /** Sequences any iterable of results into an array (stops at the first failure). @example `Result.all(new Set([ok(1)]))` */
  all<T>(results: Iterable<Result<T>>): Result<T[]>;
  /** Maps items through a failing step (stops at the first failure). See {@link traverse}. @example `Result.traverse([1, 2], (n) => ok(n * 2))` */
  traverse<A, B>(items: Iterable<A>, fn: (item: A, index: number) => Result<B>): Result<B[]>;
  /** Splits values from errors. See {@link partition}. @example `Result.partition([ok(1), err(e)])` */
  partition<T>(results: Iterable<Result<T>>): Partitioned<T>;
  /** Groups values by key (stops at the first failure). See {@link group}. @example `Result.group(rs, (v) => v.kind)` */
  group<T, K>(results: Iterable<Result<T>>, keyOf: (value: T) => K): Result<Map<K, T[]>>;
  /** Batches values (stops at the first failure; size ≥ 1). See {@link window}. @example `Result.window(rs, 100)` */
  window<T>(results: Iterable<Result<T>>, size: number): Result<T[][]>;
  /** Whether a value is a Result. @example `Result.is(ok(1)) // true` */
  is(value: unknown): value is Result<unknown>;
  /** Early-return notation with generators. See {@link gen}. @example `Result.gen(function* (bind) { return (yield* bind(ok(1))) + 1; })` */
  gen<T>(body: (bind: GenBind) => Generator<Result<unknown>, T, unknown>): Result<T>;
  /** Validates with a Standard Schema (`error.validation` with issue paths). See {@link fromStandardSchema}. @example `Result.fromStandardSchema(schema, input)` */
  fromStandardSchema<O>(schema: StandardSchemaLike<unknown, O>, input: unknown): Result<O>;
  /** Validates with a sync or async Standard Schema. See {@link fromStandardSchemaAsync}. @example `await Result.fromStandardSchemaAsync(schema, input)` */
  fromStandardSchemaAsync<O>(schema: StandardSchemaLike<unknown, O>, input: unknown): AsyncResult<O>;
  /** See {@link mapStream}. @example `Result.mapStream(source, (v) => ok(v + 1))` */
  mapStream<T, U>(
    source: ResultStream<T>,
    selector: (value: T, signal: AbortSignal) => Result<U> | PromiseLike<Result<U>>,
    options?: StreamOptions,
  ): AsyncGenerator<Result<U>, void, undefined>;
  /** See {@link flatMapStream}. @example `Result.flatMapStream(source, (v) => [ok(v), ok(v)])` */
  flatMapStream<T, U>(
    source: ResultStream<T>,
    selector: (value: T, signal: AbortSignal) => ResultStream<U> | null | undefined,
    options?: StreamOptions,
  ): AsyncGenerator<Result<U>, void, undefined>;
  /** See {@link filterStream}. @example `Result.filterStream(source, (v) => v > 0)` */
  filterStream<T>(
    source: ResultStream<T>,
    predicate: (value: T, signal: AbortSignal) => boolean | PromiseLike<boolean>,
    options?: StreamOptions,
  ): AsyncGenerator<Result<T>, void, undefined>;
  /** See {@link forEach}. @example `await Result.forEach(source, (item) => item)` */
  forEach<T>(
    source: ResultStream<T>,
    fn: (
      item: Result<T>,
      signal: AbortSignal,
    ) => Result<unknown> | undefined | PromiseLike<Result<unknown> | undefined>,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapSuccessEach}. @example `await Result.tapSuccessEach(source, console.log)` */
  tapSuccessEach<T>(
    source: ResultStream<T>,
    fn: (value: T, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapSuccessEachAggregateErrors}. @example `await Result.tapSuccessEachAggregateErrors(source, console.log)` */
  tapSuccessEachAggregateErrors<T>(
    source: ResultStream<T>,
    fn: (value: T, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapSuccessEachIgnoreErrors}. @example `await Result.tapSuccessEachIgnoreErrors(source, console.log)` */
  tapSuccessEachIgnoreErrors<T>(
    source: ResultStream<T>,
    fn: (value: T, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapFailureEach}. @example `await Result.tapFailureEach(source, console.error)` */
  tapFailureEach<T>(
    source: ResultStream<T>,
    fn: (error: PipeError, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapFailureEachAggregateErrors}. @example `await Result.tapFailureEachAggregateErrors(source, console.error)` */
  tapFailureEachAggregateErrors<T>(
    source: ResultStream<T>,
    fn: (error: PipeError, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link tapFailureEachIgnoreErrors}. @example `await Result.tapFailureEachIgnoreErrors(source, console.error)` */
  tapFailureEachIgnoreErrors<T>(
    source: ResultStream<T>,
    fn: (error: PipeError, signal: AbortSignal) => unknown,
    options?: StreamOptions,
  ): Promise<Result<void>>;
  /** See {@link collectErrors}. @example `await Result.collectErrors(source)` */
  collectErrors<T>(source: ResultStream<T>, options?: StreamOptions): Promise<Result<T[]>>;
}

/**
 * The Result namespace: factories (`ok`, `fail`, `try`, `tryAsync`), collections (`all`, `traverse`,
 * `partition`, `group`, `window`), the Standard Schema bridge, stream operators and `is`.
 *
 * When to use: import `Result` once and reach everything from it; the same helpers also exist as free functions.
 *
 * @example
 * ```ts
 * import { PipeError, Result } from "@pipe/result";
 * const r = Result.try(() => JSON.parse('{"port": 80}') as { port: number })
 *   .map((cfg) => cfg.port)
 *   .ensure((p) => p > 0, () => PipeError.from("bad port", "error.validation"));
 * ```
 */
export const Result: ResultNamespace = Object.freeze({
  ok,
  fail: err,
  try: tryResult,
  tryAsync,
  all,
  traverse,
  partition,
  group,
  window,
  is: isResult,
  gen,
  fromStandardSchema,
  fromStandardSchemaAsync,
  mapStream,
  flatMapStream,
  filterStream,
  forEach,
  tapSuccessEach,
  tapSuccessEachAggregateErrors,
  tapSuccessEachIgnoreErrors,
  tapFailureEach,
  tapFailureEachAggregateErrors,
  tapFailureEachIgnoreErrors,
  collectErrors,
}) as ResultNamespace;
