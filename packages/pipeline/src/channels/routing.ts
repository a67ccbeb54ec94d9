import {
  type ChannelReader,
  keyedFanOut as channelKeyedFanOut,
  select as channelSelect,
  window as channelWindow,
  type KeyedFanOut,
  type KeyedFanOutOptions,
  type SelectCase,
  type WindowOptions,
  type WindowStream,
} from "@pipe/channels";
import { err, type Result } from "@pipe/result";
import { linkSignals } from "../internal/signals.ts";
import { checkAdapter } from "../internal/usage.ts";
import { canceledBy, isThenable } from "../internal/util.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";

/** Options of `ResultPipelineChannels.keyedFanOut` (the channels options without signal/clock, plus a signal). */
export type PipelineKeyedFanOutOptions<T, K> = Omit<KeyedFanOutOptions<T, K>, "timeProvider">;

/** Options of `ResultPipelineChannels.window`. */
export type PipelineWindowOptions = Omit<WindowOptions, "timeProvider">;

/** Options of `ResultPipelineChannels.select`. */
export interface PipelineSelectOptions {
  /** Fails with `error.timeout` when nothing wins in time (ms on the context's TimeProvider). */
  readonly timeout?: number;
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
  /** Rotate among ready cases of equal priority. */
  readonly fair?: boolean;
}

/** @internal */
export function pipelineKeyedFanOut<T, K>(
  ctx: ResultPipelineStepContext,
  source: ChannelReader<T>,
  keyOf: (value: T) => K,
  options: PipelineKeyedFanOutOptions<T, K> = {},
): KeyedFanOut<T, K> {
  checkAdapter(ctx, options, "keyedFanOut");
  const link = linkSignals(ctx.signal, options.signal);
  const handle = channelKeyedFanOut(source, keyOf, {
    ...options,
    signal: link.signal,
    timeProvider: ctx.timeProvider,
  });
  void handle.done.then(() => link.dispose());
  return handle;
}

/** @internal */
export function pipelineWindow<T>(
  ctx: ResultPipelineStepContext,
  source: ChannelReader<T>,
  options: PipelineWindowOptions,
): WindowStream<T> {
  checkAdapter(ctx, options, "window");
  if (options === undefined)
    throw new TypeError("window: options { size?, intervalMs? } are required (give size and/or intervalMs).");
  const link = linkSignals(ctx.signal, options.signal);
  const stream = channelWindow(source, { ...options, signal: link.signal, timeProvider: ctx.timeProvider });
  void stream.done.then(() => link.dispose());
  return stream;
}

/** @internal */
export function pipelineSelect<R>(
  ctx: ResultPipelineStepContext,
  cases: readonly SelectCase<R>[],
  options: PipelineSelectOptions = {},
): Result<R> | Promise<Result<R>> {
  checkAdapter(ctx, options, "select");
  const link = linkSignals(ctx.signal, options.signal);
  const settle = (r: Result<R>): Result<R> => {
    link.dispose();
    const absorbed = r.compensations.length > 0 ? ctx.absorb(r) : r;
    if (absorbed.isErr && link.signal.aborted && absorbed.error.code !== "error.canceled") {
      return err(canceledBy(link.signal));
    }
    return absorbed;
  };
  let pending: Result<R> | Promise<Result<R>>;
  try {
    pending = channelSelect(cases, {
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options.fair === undefined ? {} : { fair: options.fair }),
      signal: link.signal,
      timeProvider: ctx.timeProvider,
    });
  } catch (usageError) {
    link.dispose(); // a usage error (bad cases, negative timeout) leaves no listener behind
    throw usageError;
  }
  return isThenable<Result<R>>(pending) ? pending.then(settle) : settle(pending);
}
