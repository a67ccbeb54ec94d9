import type { ChannelReader } from "@pipe/channels";
import { err, PipeError, type Result } from "@pipe/result";
import { FanInRun } from "../internal/fan-in-run.ts";
import { invokeFn } from "../internal/invoke.ts";
import { readerArray } from "../internal/readers.ts";
import { inSpan, tracing } from "../internal/trace.ts";
import { checkAdapter } from "../internal/usage.ts";
import { canceledBy, requireNonNegative, requirePositiveInteger } from "../internal/util.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { PipelineFanInHandler, PipelineFanInOptions } from "./fan-in-options.ts";

/**
 * Drains every reader, running `handler(value, signal, context)` per message, with the context's compensations.
 * See `ResultPipelineChannels.fanIn` for the full contract.
 * @internal
 */
export function pipelineFanIn<T>(
  ctx: ResultPipelineStepContext,
  readers: Iterable<ChannelReader<T>>,
  handler: PipelineFanInHandler<T>,
  options: PipelineFanInOptions = {},
): Promise<Result<void>> {
  checkAdapter(ctx, options, "fanIn");
  if (typeof handler !== "function") throw new TypeError("fanIn: handler must be a function.");
  const list = readerArray(readers, "fanIn");
  if (options.timeout !== undefined) requireNonNegative(options.timeout, "fanIn: timeout");
  if (options.messageTimeout !== undefined)
    requireNonNegative(options.messageTimeout, "fanIn: messageTimeout");
  if (options.concurrency !== undefined) requirePositiveInteger(options.concurrency, "fanIn: concurrency");
  if (options.retain !== undefined && options.retain !== "pipeline" && options.retain !== "message") {
    throw new TypeError('fanIn: retain must be "pipeline" or "message".');
  }
  const aborted = ctx.signal.aborted ? ctx.signal : options.signal?.aborted ? options.signal : undefined;
  if (aborted !== undefined) return Promise.resolve(err(canceledBy(aborted)));
  if (options.timeout === 0) return Promise.resolve(err(PipeError.timeout(0)));
  const tracer = tracing.tracer;
  if (tracer === undefined) return new FanInRun(ctx, list, handler, options, handler).run();
  const traced: PipelineFanInHandler<T> = (value, signal, context) =>
    inSpan(tracer, "pipeline.fan_in.message", { "pipeline.step.name": context.stepName }, () =>
      invokeFn(() => handler(value, signal, context), signal),
    );
  const attributes = { "pipeline.step.name": ctx.stepName, "pipeline.fan_in.readers": list.length };
  return inSpan(tracer, "pipeline.fan_in", attributes, () =>
    new FanInRun(ctx, list, traced, options, handler).run(),
  );
}
