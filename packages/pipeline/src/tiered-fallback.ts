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
import { checkOrchestrationOptions, describe } from "./internal/usage.ts";
import { canceledBy, isThenable } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";

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

async function runTiers<T>(
  tiers: readonly ResultFallbackTier<T>[],
  options: OrchestrationOptions,
  first: RaceOutcome<T> | Promise<RaceOutcome<T>> | undefined,
  tierErrors: PipeError[],
): Promise<Result<T>> {
  let pending: RaceOutcome<T> | Promise<RaceOutcome<T>> | undefined = first;
  for (let t = tierErrors.length; t < tiers.length; t++) {
    const outcome: RaceOutcome<T> = await (pending ?? startTier(tiers, t, options));
    pending = undefined;
    const step = concludeTier(tiers, t, outcome, options, tierErrors);
    const settled = isThenable(step) ? await step : step;
    if (settled !== undefined) return settled;
  }
  return finalFailure(tierErrors);
}

function startTier<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  options: OrchestrationOptions,
): RaceOutcome<T> | Promise<RaceOutcome<T>> {
  const tier = tiers[t] as ResultFallbackTier<T>;
  return raceCore(tier.operations, options, `fallback.${tier.name}`, (error, strategyIndex) =>
    error.withMetadata({ fallbackTier: tier.name, tierIndex: t, strategyIndex }),
  );
}

/** Returns the final Result when the tier decides the outcome, else records the tier's error. */
function concludeTier<T>(
  tiers: readonly ResultFallbackTier<T>[],
  t: number,
  outcome: RaceOutcome<T>,
  options: OrchestrationOptions,
  tierErrors: PipeError[],
): Result<T> | undefined | Promise<Result<T> | undefined> {
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
  const tierErrors: PipeError[] = [];
  for (let t = 0; t < list.length; t++) {
    const outcome = startTier(list, t, options);
    if (isThenable(outcome)) return runTiers(list, options, outcome, tierErrors);
    const step = concludeTier(list, t, outcome, options, tierErrors);
    if (isThenable(step)) {
      return step.then((r) => (r !== undefined ? r : runTiers(list, options, undefined, tierErrors)));
    }
    if (step !== undefined) return step;
    if (callerAborted(options) !== undefined) return err(canceledBy(callerAborted(options)));
  }
  return finalFailure(tierErrors);
}
