import type { ChannelReader, ChannelWriter, KeyedFanOut, SelectCase, WindowStream } from "@pipe/channels";
import type { Result } from "@pipe/result";
import {
  type PipelineBroadcastOptions,
  type PipelineFanOutOptions,
  pipelineBroadcast,
  pipelineFanOut,
} from "./channels/broadcast.ts";
import { pipelineFanIn } from "./channels/fan-in.ts";
import type { PipelineFanInHandler, PipelineFanInOptions } from "./channels/fan-in-options.ts";
import {
  type MergeStrategy,
  type PipelineMergeOptions,
  type PipelineMergeWithStrategyOptions,
  pipelineMerge,
  pipelineMergeWithStrategy,
} from "./channels/merge.ts";
import {
  type PipelineKeyedFanOutOptions,
  type PipelineSelectOptions,
  type PipelineWindowOptions,
  pipelineKeyedFanOut,
  pipelineSelect,
  pipelineWindow,
} from "./channels/routing.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

/** The shape of {@link ResultPipelineChannels}. */
export interface ResultPipelineChannelsApi {
  /**
   * Drains every reader through `handler(value, signal, messageContext)`; compensations staged in `ctx` (seed 001).
   *
   * When to use: a stage that consumes several feeds and whose per-message side effects must be rolled back
   * with the pipeline; `retain: "message"` with `concurrency > 1` for an endless, high-volume feed.
   *
   * Details: `readers` is any iterable of readers (an array, a Set, a generator: read once, at the call).
   * Selects across the readers (round-robin) and runs up to `concurrency` handlers (default 1, one at a time).
   * Every handler gets its message's own step context as third argument, whatever it declares (rest parameters
   * and wrappers included). Compensations the handler registers (on `ctx`, on `ctx.compensationScope`, on the
   * message context) and those attached to its returned Result go into `ctx`'s scope. The first failure stops
   * the fan-in: in-flight handlers are aborted and awaited, values still in the channels stay there, and the
   * failure is returned with every staged compensation left in the scope (run `Result.runCompensation` once).
   * On success the compensations its messages staged are cleared, and only those: what other code registers on
   * `ctx` while the fan-in runs (a sibling step, another fan-in) stays, so `scope.hasActions` is false after a
   * clean run of a context nobody else uses (the .NET original kept them). `retain: "message"` releases a
   * message's compensations as soon as its handler succeeds, so the scope holds at most the in-flight messages'
   * entries and an endless feed holds flat memory; on failure what remains is exactly the messages that had not
   * succeeded (the failing one, those in flight), each with all its compensations.
   *
   * Error codes: the handler's failure (a throw is `error.exception`); `error.timeout` for `timeout` (one
   * deadline for the whole fan-in on the context's clock) or `messageTimeout` (one handler: once it passes, the
   * message has failed, even if its handler later returns Ok, and its compensations stay staged for rollback);
   * a faulted source gives its completion error (`error.exception` with the fault as cause, never a throw);
   * `error.canceled` on abort; `error.validation` when a handler returns something that is not a Result.
   *
   * Abort: via `ctx.signal` or `options.signal`: stops reading, aborts the handlers' signal, waits for them and
   * returns `error.canceled` (staged compensations are kept for rollback). Pre-aborted: nothing is read.
   *
   * Gotchas: a registration is a message's when its handler made it: before returning (seen directly), on its
   * message context, attached to its Result, or after an await, which is known through an async store that the
   * package's server entry (Node, Deno, Bun) installs; code a handler starts (a timer, a promise it does not
   * await) counts as the handler's. Without a store (the portable entry, e.g. in a browser) a registration on the
   * shared `ctx` or its scope made while one of the fan-in's handlers awaits cannot be told from another task's:
   * it is taken for the fan-in's (released when the fan-in succeeds; with `retain: "message"`, after a success once
   * no handler called before it still awaits), so a sibling registering on the same context at that moment (another
   * fan-in's handler on that context included) loses its entry on success. There, give siblings their own context (a child step) or register on the message
   * context; what siblings register while no handler awaits always stays. With `retain: "message"` and `concurrency > 1` a handler that is not an `async` function is called
   * without entering the store until it first returns a promise; what that one message registers after its
   * awaits is released once it has succeeded. `Result.tryAsync(fn, { signal })` settles as canceled when the
   * signal aborts even if `fn` keeps running: a handler whose side effects must finish before rollback should
   * await them itself.
   *
   * @throws TypeError/RangeError for a bad handler, readers (not an iterable of readers), timeout, concurrency
   * or retain (programmer errors).
   *
   * @example
   * ```ts
   * import { Channel, CompensationScope, ok, ResultPipelineChannels, ResultPipelineStepContext } from "@pipe/pipeline";
   * const context = new ResultPipelineStepContext({ stepName: "ingest", compensationScope: new CompensationScope() });
   * const a = Channel.createUnbounded<string>();
   * const b = Channel.createUnbounded<string>();
   * const r = await ResultPipelineChannels.fanIn(context, new Set([a.reader, b.reader]), async (v, signal, message) => {
   *   message.registerCompensation(v, (key) => console.log("undo", key));
   *   return ok();
   * }, { concurrency: 8, retain: "message", messageTimeout: 5_000 });
   * ```
   */
  fanIn<T>(
    ctx: ResultPipelineStepContext,
    readers: Iterable<ChannelReader<T>>,
    handler: PipelineFanInHandler<T>,
    options?: PipelineFanInOptions,
  ): Promise<Result<void>>;
  /**
   * Merges readers (any iterable of readers, read once at the call) into `destination` (completed when done,
   * with the error on failure, unless `completeDestination: false`). A non-iterable `readers` or an element
   * that is not a reader throws a TypeError at the call. Errors: `error.timeout`, `error.canceled` (never Ok after an abort), the
   * completing error of a faulted source, `error.channel.completed` when the destination was closed.
   */
  merge<T>(
    ctx: ResultPipelineStepContext,
    readers: Iterable<ChannelReader<T>>,
    destination: ChannelWriter<T>,
    options?: PipelineMergeOptions,
  ): Promise<Result<void>>;
  /**
   * Merges with a user strategy choosing the next reader (an out-of-range index means "next active"); `readers`
   * is any iterable, copied once into the array the strategy sees. Fixes of
   * the original: an abort between reads returns `error.canceled` (never Ok) and a faulted reader fails the
   * merge with its error (never swallowed). A throwing strategy gives `error.exception`.
   */
  mergeWithStrategy<T>(
    ctx: ResultPipelineStepContext,
    readers: Iterable<ChannelReader<T>>,
    destination: ChannelWriter<T>,
    strategy: MergeStrategy<T>,
    options?: PipelineMergeWithStrategyOptions,
  ): Promise<Result<void>>;
  /** Copies every value of `source` to every destination (head-of-line blocking), on the context's clock. */
  broadcast<T>(
    ctx: ResultPipelineStepContext,
    source: ChannelReader<T>,
    destinations: readonly ChannelWriter<T>[],
    options?: PipelineBroadcastOptions,
  ): Promise<Result<void>>;
  /**
   * Broadcasts `source` into `branchCount` new branches in the background and returns their readers (seed 002).
   * Failures (timeout, abort, a faulted source) complete every branch with the error, so consumers see them;
   * one compensation is registered on `ctx` that stops the background broadcast when the stage is rolled back.
   * For per-key routing use `keyedFanOut`.
   */
  fanOut<T>(
    ctx: ResultPipelineStepContext,
    source: ChannelReader<T>,
    options: PipelineFanOutOptions<T>,
  ): ChannelReader<T>[];
  /** Routes each value to one branch chosen by `keyOf`; branches can be added/removed while it runs. */
  keyedFanOut<T, K>(
    ctx: ResultPipelineStepContext,
    source: ChannelReader<T>,
    keyOf: (value: T) => K,
    options?: PipelineKeyedFanOutOptions<T, K>,
  ): KeyedFanOut<T, K>;
  /** Batches by size and/or interval on the context's clock (the interval does not restart per arrival). */
  window<T>(
    ctx: ResultPipelineStepContext,
    source: ChannelReader<T>,
    options: PipelineWindowOptions,
  ): WindowStream<T>;
  /**
   * Runs exactly one select case (channels' `select`) on the context's signal and clock, absorbing the chosen
   * case's attached compensations into `ctx`. Abort gives `error.canceled`.
   */
  select<R>(
    ctx: ResultPipelineStepContext,
    cases: readonly SelectCase<R>[],
    options?: PipelineSelectOptions,
  ): Result<R> | Promise<Result<R>>;
}

/**
 * Pipeline-aware channel adapters: the channel operators of `@pipe/channels` run with a step context's signal
 * and TimeProvider, absorbing compensations into the context.
 *
 * When to use: streaming stages of a pipeline (fan-in of feeds, merge of worker outputs, per-tenant branches)
 * whose side effects must be rolled back with the rest of the pipeline.
 *
 * Details: every adapter takes the context first, uses `ctx.signal` (linked with `options.signal`) and
 * `ctx.timeProvider`, completes its outputs with the error on failure, and returns `error.canceled` on abort,
 * never Ok. A faulted source is a failed Result (`error.exception` with the fault as cause), never a throw.
 *
 * Gotchas: arguments are checked once per call: a context that is not a `ResultPipelineStepContext`, options
 * that are not an object, a signal that is not an `AbortSignal`, a destination that is not a channel writer or
 * a reader/case not made by `@pipe/channels` throw a `TypeError` at the call (never a crash later).
 *
 * @example
 * ```ts
 * import { Channel, CompensationScope, ok, Result, ResultExecutionPolicy, ResultPipelineChannels, ResultPipelineStepContext } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
 * const a = Channel.createUnbounded<number>();
 * const b = Channel.createUnbounded<number>();
 * a.writer.tryWrite(1); b.writer.tryWrite(2); a.writer.complete(); b.writer.complete();
 * const result = await ResultPipelineChannels.fanIn(context, [a.reader, b.reader], (n) => {
 *   context.registerCompensation(n, (v) => console.log("undo", v));
 *   return ok();
 * }, { timeout: 60_000 });
 * if (result.isErr) await Result.runCompensation(ResultExecutionPolicy.none, scope);
 * console.log(result.isOk, scope.hasActions); // true false
 * ```
 */
export const ResultPipelineChannels: ResultPipelineChannelsApi = Object.freeze({
  fanIn: pipelineFanIn,
  merge: pipelineMerge,
  mergeWithStrategy: pipelineMergeWithStrategy,
  broadcast: pipelineBroadcast,
  fanOut: pipelineFanOut,
  keyedFanOut: pipelineKeyedFanOut,
  window: pipelineWindow,
  select: pipelineSelect,
});
