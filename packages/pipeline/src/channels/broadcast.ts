import {
  anySignal,
  Channel,
  type ChannelReader,
  type ChannelWriter,
  broadcast as channelBroadcast,
} from "@pipe/channels";
import { err, type Result } from "@pipe/result";
import { linkSignals } from "../internal/signals.ts";
import { checkAdapter, checkContext, checkSignal, describe } from "../internal/usage.ts";
import { canceledBy } from "../internal/util.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";

/** Options of `ResultPipelineChannels.broadcast`. */
export interface PipelineBroadcastOptions {
  /** Complete the destinations when done (with the error on failure). Default true. */
  readonly completeDestinations?: boolean;
  /** Deadline in ms on the context's TimeProvider. */
  readonly timeout?: number;
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

/** A channel pair made by a `channelFactory`. */
export interface ChannelPair<T> {
  readonly reader: ChannelReader<T>;
  readonly writer: ChannelWriter<T>;
}

/** Options of `ResultPipelineChannels.fanOut` (seed 002). */
export interface PipelineFanOutOptions<T> {
  /** Number of branches (>= 1). */
  readonly branchCount: number;
  /** Complete the branches when the source completes, or with the error on failure/abort. Default true. */
  readonly completeBranches?: boolean;
  /** Makes branch `index`'s channel (default, or when it returns undefined: unbounded). */
  readonly channelFactory?: (index: number) => ChannelPair<T> | undefined;
  /** Deadline in ms on the context's TimeProvider. */
  readonly timeout?: number;
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

/** @internal */
export function pipelineBroadcast<T>(
  ctx: ResultPipelineStepContext,
  source: ChannelReader<T>,
  destinations: Iterable<ChannelWriter<T>>,
  options: PipelineBroadcastOptions = {},
): Promise<Result<void>> {
  checkAdapter(ctx, options, "broadcast");
  const link = linkSignals(ctx.signal, options.signal);
  let pending: Promise<Result<void>>;
  try {
    pending = channelBroadcast(source, destinations, {
      ...(options.completeDestinations === undefined
        ? {}
        : { completeDestinations: options.completeDestinations }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      signal: link.signal,
      timeProvider: ctx.timeProvider,
    });
  } catch (usageError) {
    link.dispose(); // a usage error (a bad source or destination) leaves no listener behind
    throw usageError;
  }
  return pending.then(
    (result) => {
      link.dispose();
      return result.isErr && link.signal.aborted && result.error.code !== "error.canceled"
        ? err<void>(canceledBy(link.signal))
        : result;
    },
    (thrown: unknown) => {
      link.dispose();
      throw thrown;
    },
  );
}

const stopBranches = (state: { controller: AbortController }): void => {
  state.controller.abort("The fan-out was compensated.");
};

/** @internal */
export function pipelineFanOut<T>(
  ctx: ResultPipelineStepContext,
  source: ChannelReader<T>,
  options: PipelineFanOutOptions<T>,
): ChannelReader<T>[] {
  checkContext(ctx, "fanOut");
  if (typeof options !== "object" || options === null)
    throw new TypeError(`fanOut: options { branchCount, ... } are required, got ${describe(options)}.`);
  checkSignal(options.signal, "fanOut");
  if (options.channelFactory !== undefined && typeof options.channelFactory !== "function")
    throw new TypeError(
      `fanOut: channelFactory must be a function, got ${describe(options.channelFactory)}.`,
    );
  const count = options.branchCount;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError("fanOut: branchCount must be a positive integer.");
  const pairs: ChannelPair<T>[] = [];
  for (let i = 0; i < count; i++) pairs.push(options.channelFactory?.(i) ?? Channel.createUnbounded<T>());
  const writers = pairs.map((p) => p.writer);
  const complete = options.completeBranches !== false;
  const state = { controller: new AbortController() };
  const stop = state.controller.signal;
  // The background broadcast: the seed 002 signature returns the readers, so failures reach the consumers as
  // branches completed with the error (always, even with completeBranches: false, so no error is lost).
  void pipelineBroadcast(ctx, source, writers, {
    completeDestinations: complete,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    signal: options.signal === undefined ? stop : anySignal([options.signal, stop]),
  }).then((result) => {
    if (result.isErr) for (const w of writers) w.tryComplete(result.error);
  });
  // Rolling back the stage stops the background broadcast (branches complete with error.canceled).
  ctx.registerCompensation(state, stopBranches);
  return pairs.map((p) => p.reader);
}
