/**
 * Upstream failures (seed 002): a failed `waitGroup.go(context, ...)` work fails its context, whose signal
 * aborts with the work's PipeError; the peers stopped by that abort report the same PipeError instead of their
 * own `error.canceled`.
 *
 * @internal
 * @module
 */
import type { PipeError } from "@pipe/result";
import type { ResultPipelineStepContext } from "../step-context.ts";
import { abortContextSignal } from "./context-internals.ts";

/** PipeErrors that failed a context (the reasons their signals aborted with). */
const contextFailures = new WeakSet<PipeError>();
/** A peer's `error.canceled` -> the upstream failure that stopped it. */
const consequences = new WeakMap<PipeError, PipeError>();

/**
 * Fails `ctx`: aborts its signal with `error`, or, for a context that does not own its signal (a fan-in's
 * per-message context), the nearest ancestor's. A no-op when the signal is already aborted (the first reason
 * stands).
 */
export function failContext(ctx: ResultPipelineStepContext, error: PipeError): void {
  for (let c: ResultPipelineStepContext | undefined = ctx; c !== undefined; c = c.parent) {
    if (c.signal.aborted) return;
    contextFailures.add(error);
    if (abortContextSignal(c, error)) return;
  }
}

/** The upstream failure `signal` aborted with, if it aborted because a context failed. */
export function upstreamFailureOf(signal: AbortSignal): PipeError | undefined {
  if (!signal.aborted) return undefined;
  const reason = signal.reason as PipeError;
  return contextFailures.has(reason) ? reason : undefined;
}

/** Records that `canceled` (a peer's failure) is a consequence of `upstream`. */
export function recordConsequence(canceled: PipeError, upstream: PipeError): void {
  if (canceled !== upstream) consequences.set(canceled, upstream);
}

/** The failure a group reports for `error`: the upstream failure when `error` is its consequence. */
export function reportedFailure(error: PipeError): PipeError {
  return consequences.get(error) ?? error;
}
