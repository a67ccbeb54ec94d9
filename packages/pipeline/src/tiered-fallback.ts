import { err, PipeError, type Result } from "@pipe/result";
import {
  callerAborted,
  environment,
  failAfterRollback,
  keep,
  mergeLogs,
  rollbackQuietly,
} from "./internal/environment.ts";
import { type RaceOutcome, raceCore } from "./internal/race-core.ts";
import { inSpan, markSpanFailed, tracedOperations, tracing } from "./internal/trace.ts";
import { checkOrchestrationOptions, describe } from "./internal/usage.ts";
import { canceledBy, isThenable } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";
import type { SpanLike, TracerLike } from "./tracer-like.ts";

/**
 * One tier of `Result.tieredFallback`: a name and the strategies that race inside it.
 *
 * @example
 * ```ts
 * import { ok, ResultFallbackTier } from "@pipe/pipeline";
 * const cache = ResultFallbackTier.from("cache", [() => ok("cached")]);
 * ```
 */
export class ResultFallbackTier<T> {
  /** The tier's name (error metadata `fallbackTier`). */
  readonly name: string;
  /** The strategies; they race, the first success wins. */
  readonly operations: readonly ResultPipelineOperation<T>[];

  /** @throws TypeError for a blank name, no operations, or an operation that is not a function. */
  constructor(name: string, operations: readonly ResultPipelineOperation<T>[]) {
    if (typeof name !== "string" || name.trim().length === 0) {
      throw new TypeError("ResultFallbackTier: name must be a non-blank string.");
    }
    if (!Array.isArray(operations) || operations.length === 0) {
      throw new TypeError(`ResultFallbackTier '${name}': at least one operation is required.`);
    }
    for (const op of operations) {
      if (typeof op !== "function")
        throw new TypeError(`ResultFallbackTier '${name}': operations must be functions.`);
    }
    this.name = name;
    this.operations = Object.freeze([...operations]);
  }

  /** Builds a tier (same as the constructor). */
  static from<T>(name: string, operations: readonly ResultPipelineOperation<T>[]): ResultFallbackTier<T> {
    return new ResultFallbackTier(name, operations);
  }
}

/** A tier given as a `ResultFallbackTier` or a plain `{ name, operations }` object. */
export type FallbackTierLike<T> =
  | ResultFallbackTier<T>
  | { readonly name: string; readonly operations: readonly ResultPipelineOperation<T>[] };

/** What running a tier ends with: the final Result, or undefined when the next tier is to run. */
type TierStep<T> = Result<T> | undefined | Promise<Result<T> | undefined>;

async function runTiers<T>(
  tiers: readonly ResultFallbackTier<T>[],
  options: OrchestrationOptions,
  tracer: TracerLike | undefined,
  first: Promise<Result<T> | undefined> | undefined,
  tierErrors: PipeError[],
): Promise<Result<T>> {
  if (first !== undefined) {
    const settled = await first;
    if (settled !== undefined) return settled;
  }
  for (let t = tierErrors.length; t < tiers.length; t++) {
    const step = runTier(tiers, t, options, tracer, tierErrors);
    const settled = isThenable(step) ? await step : step;
    if (settled !== undefined) return settled;
  }
  return finalFailure(tierErrors);
}

/**
 * Runs tier `t` to its conclusion (see `concludeTier`); when tracing, in a `pipeline.tiered_fallback.tier` span
 * that fails with the tier's error when the next tier is to run, with a strategy span per attempt.
 */
function runTier<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  options: OrchestrationOptions,
  tracer: TracerLike | undefined,
  tierErrors: PipeError[],
): TierStep<T> {
  if (tracer === undefined)
    return concludeWhenRaced(tiers, t, startTier(tiers, t, options), options, tierErrors);
  const tier = tiers[t] as ResultFallbackTier<T>;
  const attributes = { "pipeline.tiered_fallback.tier": tier.name, "pipeline.tiered_fallback.tier_index": t };
  return inSpan(tracer, "pipeline.tiered_fallback.tier", attributes, (span) => {
    const operations = tracedOperations(tracer, tier.operations, "pipeline.tiered_fallback.strategy");
    const outcome = startTier(tiers, t, options, operations, span);
    const step = concludeWhenRaced(tiers, t, outcome, options, tierErrors);
    const failIfNext = (settled: Result<T> | undefined): Result<T> | undefined => {
      if (settled === undefined) markSpanFailed(span, tierErrors[t] as PipeError);
      return settled;
    };
    return isThenable(step) ? step.then(failIfNext) : failIfNext(step);
  });
}

function startTier<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  options: OrchestrationOptions,
  operations?: readonly ResultPipelineOperation<T>[],
  span?: SpanLike,
): RaceOutcome<T> | Promise<RaceOutcome<T>> {
  const tier = tiers[t] as ResultFallbackTier<T>;
  return raceCore(
    operations ?? tier.operations,
    options,
    `fallback.${tier.name}`,
    (error, strategyIndex) => error.withMetadata({ fallbackTier: tier.name, tierIndex: t, strategyIndex }),
    span,
  );
}

function concludeWhenRaced<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  outcome: RaceOutcome<T> | Promise<RaceOutcome<T>>,
  options: OrchestrationOptions,
  tierErrors: PipeError[],
): TierStep<T> {
  if (isThenable(outcome)) return outcome.then((o) => concludeTier(tiers, t, o, options, tierErrors));
  return concludeTier(tiers, t, outcome, options, tierErrors);
}

/** Returns the final Result when the tier decides the outcome, else records the tier's error. */
function concludeTier<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  outcome: RaceOutcome<T>,
  options: OrchestrationOptions,
  tierErrors: PipeError[],
): TierStep<T> {
  const tier = tiers[t] as ResultFallbackTier<T>;
  const losers = mergeLogs(outcome.loserLogs);
  if (outcome.winner !== undefined) {
    const winner = outcome.winner;
    const rolled = rollbackQuietly(losers, outcome.env);
    const done = (): Result<T> => keep(winner, outcome.winnerLog, options);
    return isThenable(rolled) ? rolled.then(done) : done();
  }
  const aborted = callerAborted(options);
  const errors = outcome.errors;
  let tierError: PipeError;
  if (aborted !== undefined) tierError = canceledBy(aborted);
  else if (errors.length === 1) tierError = errors[0] as PipeError;
  else tierError = PipeError.aggregate(`Tier '${tier.name}' exhausted all strategies.`, errors);
  const rolled = failAfterRollback<T>(tierError, losers, outcome.env, outcome.compensationErrors);
  const next = (r: Result<T>): Result<T> | undefined => {
    if (aborted !== undefined || r.error?.code === "error.canceled") return r;
    tierErrors.push(r.error as PipeError);
    return undefined;
  };
  return isThenable(rolled) ? rolled.then(next) : next(rolled);
}

function finalFailure<T>(tierErrors: readonly PipeError[]): Result<T> {
  if (tierErrors.length === 1) return err(tierErrors[0] as PipeError);
  return err(PipeError.aggregate("Fallback pipeline exhausted all tiers.", tierErrors));
}

/**
 * Tries tiers in sequence; inside a tier the strategies race (`Result.tieredFallback`).
 *
 * When to use: primary → replica → cache style degradations, where each level may have several equivalent
 * strategies.
 *
 * Details: a tier wins when any strategy succeeds (its peers are aborted and rolled back; the winner's
 * compensations are kept, absorbed into `context` or attached). When every strategy of a tier fails, their
 * compensations are rolled back and the next tier starts. Every failure carries `metadata.fallbackTier`,
 * `tierIndex` and `strategyIndex`. Synchronous when every strategy that runs is.
 *
 * Error codes: `error.validation` "No fallback tiers were provided."; inside a tier the single failure or
 * `error.aggregate` "Tier '<name>' exhausted all strategies."; across tiers the single tier error or
 * `error.aggregate` "Fallback pipeline exhausted all tiers."; `error.canceled` (abort, or a tier that was
 * canceled, which stops the fallback).
 *
 * Abort: the running tier is aborted and rolled back; no further tier starts.
 *
 * @throws TypeError for a tier with a blank name or no operations.
 * @example
 * ```ts
 * import { err, ok, PipeError, Result } from "@pipe/pipeline";
 * const value = await Result.tieredFallback([
 *   { name: "primary", operations: [() => err(PipeError.from("primary down"))] },
 *   { name: "cache", operations: [() => ok("stale but fine")] },
 * ]);
 * console.log(value.isOk && value.value); // "stale but fine"
 * ```
 */
export function tieredFallback<T>(
  tiers: readonly FallbackTierLike<T>[],
  options: OrchestrationOptions = {},
): Result<T> | Promise<Result<T>> {
  checkOrchestrationOptions(options, "tieredFallback");
  if (tiers !== undefined && tiers !== null && !Array.isArray(tiers))
    throw new TypeError(
      `tieredFallback: tiers must be an array of ResultFallbackTier, got ${describe(tiers)}.`,
    );
  if (!Array.isArray(tiers) || tiers.length === 0) {
    return err(PipeError.from("No fallback tiers were provided.", "error.validation"));
  }
  const list = tiers.map((t, i) => {
    if (t instanceof ResultFallbackTier) return t;
    if (typeof t !== "object" || t === null)
      throw new TypeError(
        `tieredFallback: tiers[${i}] must be a ResultFallbackTier or { name, operations }, got ${describe(t)}.`,
      );
    return new ResultFallbackTier(t.name, t.operations);
  });
  const aborted = callerAborted(options);
  if (aborted !== undefined)
    return failAfterRollback(canceledBy(aborted), undefined, environment({}, "fallback"));
  const tracer = tracing.tracer;
  if (tracer === undefined) return runFallback(list, options, undefined);
  const stepName =
    options.stepName ??
    (options.context !== undefined && options.context.stepName !== ""
      ? options.context.stepName
      : "fallback");
  const attributes = { "pipeline.step.name": stepName, "pipeline.tiered_fallback.tiers": list.length };
  return inSpan(tracer, "pipeline.tiered_fallback", attributes, () => runFallback(list, options, tracer));
}

/** The tiers in order, synchronously while every tier settles synchronously. */
function runFallback<T>(
  list: readonly ResultFallbackTier<T>[],
  options: OrchestrationOptions,
  tracer: TracerLike | undefined,
): Result<T> | Promise<Result<T>> {
  const tierErrors: PipeError[] = [];
  for (let t = 0; t < list.length; t++) {
    const step = runTier(list, t, options, tracer, tierErrors);
    if (isThenable(step)) return runTiers(list, options, tracer, step, tierErrors);
    if (step !== undefined) return step;
    if (callerAborted(options) !== undefined) return err(canceledBy(callerAborted(options)));
  }
  return finalFailure(tierErrors);
}
