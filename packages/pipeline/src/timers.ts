import { after, type ChannelReader, delay, type Ticker, ticker } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import { linkSignals } from "./internal/signals.ts";
import { checkAdapter } from "./internal/usage.ts";
import { canceledBy, isThenable } from "./internal/util.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

/** Options of the {@link ResultPipelineTimers} helpers. */
export interface PipelineTimerOptions {
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}

/** The shape of {@link ResultPipelineTimers}. */
export interface ResultPipelineTimersApi {
  /** Waits `ms` on the context's clock: `ok()` or `error.canceled` (never throws). */
  delay(ctx: ResultPipelineStepContext, ms: number, options?: PipelineTimerOptions): Promise<Result<void>>;
  /** Waits `ms` on the context's clock: `ok(now)` or `error.canceled` (never throws). */
  after(ctx: ResultPipelineStepContext, ms: number, options?: PipelineTimerOptions): Promise<Result<number>>;
  /**
   * A ticker on the context's clock (buffer of one, drops the oldest tick); registers a compensation on `ctx`
   * that stops it, and stops when the context's signal aborts.
   */
  ticker(ctx: ResultPipelineStepContext, periodMs: number, options?: PipelineTimerOptions): Ticker;
  /** The reader of a new {@link ResultPipelineTimersApi.ticker} (same compensation). */
  tick(
    ctx: ResultPipelineStepContext,
    periodMs: number,
    options?: PipelineTimerOptions,
  ): ChannelReader<number>;
}

const stopTicker = (t: Ticker): void => t.stop();

function pipelineAfter(
  ctx: ResultPipelineStepContext,
  ms: number,
  options: PipelineTimerOptions = {},
): Promise<Result<number>> {
  checkAdapter(ctx, options, "ResultPipelineTimers.after");
  return afterWith(ctx, ms, options);
}

async function afterWith(
  ctx: ResultPipelineStepContext,
  ms: number,
  options: PipelineTimerOptions,
): Promise<Result<number>> {
  const link = linkSignals(ctx.signal, options.signal);
  if (link.signal.aborted) return err(canceledBy(link.signal));
  try {
    const reader = after(ms, { signal: link.signal, timeProvider: ctx.timeProvider });
    const pending = reader.read({ signal: link.signal });
    const r = isThenable<Result<number>>(pending) ? await pending : pending;
    if (r.isOk) return ok(r.value);
    return err(link.signal.aborted ? canceledBy(link.signal) : r.error);
  } finally {
    link.dispose();
  }
}

function pipelineDelay(
  ctx: ResultPipelineStepContext,
  ms: number,
  options: PipelineTimerOptions = {},
): Promise<Result<void>> {
  checkAdapter(ctx, options, "ResultPipelineTimers.delay");
  return delayWith(ctx, ms, options);
}

async function delayWith(
  ctx: ResultPipelineStepContext,
  ms: number,
  options: PipelineTimerOptions,
): Promise<Result<void>> {
  const link = linkSignals(ctx.signal, options.signal);
  try {
    const r = await delay(ms, { signal: link.signal, timeProvider: ctx.timeProvider });
    if (r.isErr && link.signal.aborted && r.error.code !== "error.canceled")
      return err(canceledBy(link.signal));
    return r;
  } finally {
    link.dispose();
  }
}

function pipelineTicker(
  ctx: ResultPipelineStepContext,
  periodMs: number,
  options: PipelineTimerOptions = {},
): Ticker {
  checkAdapter(ctx, options, "ResultPipelineTimers.ticker");
  const link = linkSignals(ctx.signal, options.signal);
  const inner = ticker(periodMs, { signal: link.signal, timeProvider: ctx.timeProvider });
  // Stopping (directly, by rollback, or when the ticker completes on abort) also unlinks the signals, so a
  // long-lived parent signal does not keep one link per ticker ever created.
  const t: Ticker = {
    reader: inner.reader,
    stop(): void {
      inner.stop();
      link.dispose();
    },
    [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
  };
  // An owned link (two sources) is also disposed when it aborts: the listener sits on the link's own
  // controller, never on the long-lived sources.
  if (link.signal !== ctx.signal && link.signal !== options.signal && !link.signal.aborted) {
    link.signal.addEventListener("abort", () => link.dispose(), { once: true });
  }
  ctx.registerCompensation(t, stopTicker);
  return t;
}

/**
 * Timers on a step context's TimeProvider and signal: `delay`, `after`, `ticker`, `tick`.
 *
 * When to use: SLAs and pacing inside pipeline steps, testable with a `VirtualTimeProvider` on the context.
 *
 * Details: `delay`/`after` resolve to a Result and never throw: `error.canceled` when the context's signal (or
 * `options.signal`) aborts. `ticker`/`tick` register a compensation that stops the ticker, so rolling back the
 * stage disposes it (the scope has an action right after a ticker is created); an abort stops it too.
 *
 * Error codes: `error.canceled` on abort (pre-aborted included); a negative delay is a `RangeError` from
 * `@pipe/channels` (a programmer error).
 *
 * @example
 * ```ts
 * import { ResultPipelineStepContext, ResultPipelineTimers, VirtualTimeProvider } from "@pipe/pipeline";
 * const timeProvider = new VirtualTimeProvider();
 * const context = new ResultPipelineStepContext({ stepName: "sla", timeProvider });
 * const waited = ResultPipelineTimers.after(context, 250);
 * await timeProvider.advance(250);
 * console.log((await waited).value); // 250
 * ```
 */
export const ResultPipelineTimers: ResultPipelineTimersApi = Object.freeze({
  delay: pipelineDelay,
  after: pipelineAfter,
  ticker: pipelineTicker,
  tick: (
    ctx: ResultPipelineStepContext,
    periodMs: number,
    options?: PipelineTimerOptions,
  ): ChannelReader<number> => pipelineTicker(ctx, periodMs, options).reader,
});
