import type { Result } from "@pipe/result";
import type { ResultPipelineStepContext } from "../step-context.ts";

/**
 * A fan-in handler: one message, a signal (aborted when the fan-in stops or the message times out), and the
 * message's own step context (a child of the fan-in's context, always passed, whatever the handler declares).
 *
 * Registering on the message context attributes a compensation to its message on every runtime. Registering on
 * the fan-in's context or its scope (as seed 001 does) is attributed to the message whose handler made the call
 * too, after awaits included, on runtimes with an async store (Node, Deno and Bun through the package's server
 * entry); elsewhere what is registered there while a handler awaits is taken for the fan-in's (anyone's: a
 * sibling registering on the same context at that moment is the portable entry's limit).
 */
export type PipelineFanInHandler<T> = (
  value: T,
  signal: AbortSignal,
  context: ResultPipelineStepContext,
) => Result<unknown> | PromiseLike<Result<unknown>>;

/** Options of `ResultPipelineChannels.fanIn`. */
export interface PipelineFanInOptions {
  /**
   * Deadline for the whole fan-in in ms on the context's TimeProvider (`error.timeout`). When it passes, the
   * handlers' signal aborts and the fan-in still waits for the handlers in flight to settle (so what they register
   * is kept for rollback): a handler that ignores its signal holds the fan-in's result until it settles.
   */
  readonly timeout?: number;
  /**
   * Bound for one handler in ms on the context's TimeProvider: when it passes, the handler's signal aborts and
   * the fan-in fails with `error.timeout`, whatever the handler returns afterwards (once it settles: the fan-in
   * waits for it, as for `timeout`).
   */
  readonly messageTimeout?: number;
  /** Handlers in flight at once (default 1: one at a time, in selection order). */
  readonly concurrency?: number;
  /**
   * `"pipeline"` (default): every message's compensations stay in the context's scope until the fan-in ends and
   * are cleared when it succeeds (only those: what other code registered on the context stays). `"message"`: a
   * message's compensations are released as soon as its handler succeeds, so the scope holds at most the in-flight messages' entries (flat memory for endless feeds).
   */
  readonly retain?: "pipeline" | "message";
  /** Extra cancellation signal (linked with the context's). */
  readonly signal?: AbortSignal;
}
