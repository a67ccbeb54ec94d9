import { type ChannelReader, type ChannelWriter, merge as channelMerge, NO_VALUE } from "@pipe/channels";
import { ErrorCodes, err, fromThrown, ok, PipeError, type Result } from "@pipe/result";
import { readerArray } from "../internal/readers.ts";
import { linkSignals } from "../internal/signals.ts";
import { checkAdapter, checkWriter } from "../internal/usage.ts";
import { canceledBy, isThenable } from "../internal/util.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";

/** Options of `ResultPipelineChannels.merge`. */
export interface PipelineMergeOptions {
  /** Complete the destination when done (with the error on failure). Default true. */
  readonly completeDestination?: boolean;
  /** Deadline for the whole merge in ms on the context's TimeProvider. */
  readonly timeout?: number;
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

/** Picks the index of the reader to read next (an out-of-range index means "the next active one"). */
export type MergeStrategy<T> = (
  readers: readonly ChannelReader<T>[],
  signal: AbortSignal,
) => number | PromiseLike<number>;

/** Options of `ResultPipelineChannels.mergeWithStrategy`. */
export interface PipelineMergeWithStrategyOptions {
  /** Complete the destination when done (with the error on failure). Default true. */
  readonly completeDestination?: boolean;
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

function abortedOf(ctx: ResultPipelineStepContext, signal: AbortSignal | undefined): AbortSignal | undefined {
  if (ctx.signal.aborted) return ctx.signal;
  if (signal?.aborted === true) return signal;
  return undefined;
}

/**
 * `ResultPipelineChannels.merge`: `readers` is any iterable (read once, synchronously); a non-iterable or an
 * element that is not a reader throws a TypeError at the call.
 * @internal
 */
export function pipelineMerge<T>(
  ctx: ResultPipelineStepContext,
  readers: Iterable<ChannelReader<T>>,
  destination: ChannelWriter<T>,
  options: PipelineMergeOptions = {},
): Promise<Result<void>> {
  checkAdapter(ctx, options, "merge");
  checkWriter(destination, "merge");
  return mergeAll(ctx, readerArray(readers, "merge"), destination, options);
}

async function mergeAll<T>(
  ctx: ResultPipelineStepContext,
  readers: ChannelReader<T>[],
  destination: ChannelWriter<T>,
  options: PipelineMergeOptions,
): Promise<Result<void>> {
  const link = linkSignals(ctx.signal, options.signal);
  try {
    const result = await channelMerge(readers, destination, {
      ...(options.completeDestination === undefined
        ? {}
        : { completeDestination: options.completeDestination }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      signal: link.signal,
      timeProvider: ctx.timeProvider,
    });
    const aborted = abortedOf(ctx, options.signal);
    if (result.isErr && aborted !== undefined && result.error.code !== "error.canceled")
      return err(canceledBy(aborted));
    return result;
  } finally {
    link.dispose();
  }
}

const MOVED = 0;
const DRAINED = 1;

/** `undefined` for `ok(true)` (ready now), `DRAINED` for `ok(false)` (completed), else the failure. */
/** `tryRead` found nothing after `waitToRead` said ready (another reader won): retry. */
const WAIT = 2;
function readiness(r: Result<boolean>): PipeError | typeof DRAINED | undefined {
  if (r.isErr) return r.error;
  return r.value ? undefined : DRAINED;
}

/**
 * Moves one value from `reader` to `destination` without ever holding it across an await: the value is taken
 * only when the reader has one and the destination has room at the same synchronous moment. Synchronous (no
 * promise) when both are ready. Returns `MOVED`, `DRAINED` (reader completed and drained) or the failure
 * (reader fault, destination completed, `error.canceled`).
 */
function moveOne<T>(
  reader: ChannelReader<T>,
  destination: ChannelWriter<T>,
  options: { readonly signal: AbortSignal },
): MoveOutcome | Promise<MoveOutcome> {
  const now = tryMove(reader, destination, options);
  return now === WAIT ? moveOneSlow(reader, destination, options) : now;
}

type MoveOutcome = typeof MOVED | typeof DRAINED | PipeError;

function tryMove<T>(
  reader: ChannelReader<T>,
  destination: ChannelWriter<T>,
  options: { readonly signal: AbortSignal },
): MoveOutcome | typeof WAIT | Promise<MoveOutcome> {
  const readable = reader.waitToRead(options);
  if (isThenable<Result<boolean>>(readable)) {
    return readable.then((r) => readiness(r) ?? moveOne(reader, destination, options));
  }
  const r = readiness(readable);
  if (r !== undefined) return r;
  const writable = destination.waitToWrite(options);
  if (isThenable<Result<boolean>>(writable)) {
    // Re-check both afterwards: the value or the room may have been taken meanwhile.
    return writable.then((w) => {
      const failed = readiness(w);
      if (failed === DRAINED) return completedError();
      return failed ?? moveOne(reader, destination, options);
    });
  }
  const w = readiness(writable);
  if (w === DRAINED) return completedError();
  if (w !== undefined) return w;
  const value = reader.tryRead();
  if (value === NO_VALUE) return WAIT; // another reader took it: start over
  if (destination.tryWrite(value)) return MOVED;
  // A writer not made by @pipe/channels disagreed with its own waitToWrite: fall back to a blocking write.
  const pending = destination.write(value, options);
  return isThenable<Result<void>>(pending)
    ? pending.then((written) => (written.isErr ? written.error : MOVED))
    : pending.isErr
      ? pending.error
      : MOVED;
}

async function moveOneSlow<T>(
  reader: ChannelReader<T>,
  destination: ChannelWriter<T>,
  options: { readonly signal: AbortSignal },
): Promise<MoveOutcome> {
  await Promise.resolve();
  return moveOne(reader, destination, options);
}

function completedError(): PipeError {
  return PipeError.from("The channel has completed.", ErrorCodes.channelCompleted);
}

/**
 * `ResultPipelineChannels.mergeWithStrategy`: `readers` is any iterable (copied once into the array the strategy
 * sees); bad arguments throw a TypeError at the call.
 * @internal
 */
export function pipelineMergeWithStrategy<T>(
  ctx: ResultPipelineStepContext,
  readers: Iterable<ChannelReader<T>>,
  destination: ChannelWriter<T>,
  strategy: MergeStrategy<T>,
  options: PipelineMergeWithStrategyOptions = {},
): Promise<Result<void>> {
  checkAdapter(ctx, options, "mergeWithStrategy");
  checkWriter(destination, "mergeWithStrategy");
  if (typeof strategy !== "function") throw new TypeError("mergeWithStrategy: strategy must be a function.");
  return mergeByStrategy(ctx, readerArray(readers, "mergeWithStrategy"), destination, strategy, options);
}

async function mergeByStrategy<T>(
  ctx: ResultPipelineStepContext,
  readers: ChannelReader<T>[],
  destination: ChannelWriter<T>,
  strategy: MergeStrategy<T>,
  options: PipelineMergeWithStrategyOptions,
): Promise<Result<void>> {
  const link = linkSignals(ctx.signal, options.signal);
  const signal = link.signal;
  const moveOptions = { signal };
  const done = readers.map(() => false);
  let remaining = readers.length;
  let rr = 0;
  const finish = (result: Result<void>): Result<void> => {
    if (options.completeDestination !== false) {
      if (result.isOk) destination.tryComplete();
      else destination.tryComplete(result.error);
    }
    return result;
  };
  try {
    while (remaining > 0) {
      if (signal.aborted) return finish(err(canceledBy(signal)));
      let picked: number;
      try {
        const p = strategy(readers, signal);
        picked = isThenable<number>(p) ? await p : p;
      } catch (thrown) {
        return finish(err(fromThrown(thrown, { signal })));
      }
      if (signal.aborted) return finish(err(canceledBy(signal)));
      let index = Number.isInteger(picked) && picked >= 0 && picked < readers.length ? picked : rr;
      for (let k = 0; k < readers.length && done[index] === true; k++) index = (index + 1) % readers.length;
      rr = (index + 1) % readers.length;
      // Reserve before taking: wait until the reader has a value AND the destination has room, then move the value
      // in one synchronous step, so an abort never strands a value between the two channels.
      const reader = readers[index] as ChannelReader<T>;
      const pendingMove = moveOne(reader, destination, moveOptions);
      const moved = isThenable<MoveOutcome>(pendingMove) ? await pendingMove : pendingMove;
      if (moved === DRAINED) {
        done[index] = true;
        remaining--;
        continue;
      }
      if (moved !== MOVED) {
        if (moved.code === ErrorCodes.canceled && signal.aborted) return finish(err(canceledBy(signal)));
        return finish(err(moved));
      }
    }
    return finish(ok());
  } finally {
    link.dispose();
  }
}
