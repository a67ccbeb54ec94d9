import { TimeProvider } from "@pipe/channels";
import { err, ok, type PipeError, PipeError as PipeErrorClass, type Result } from "@pipe/result";
import { ResultExecutionPolicy } from "../execution-policy.ts";
import type { OrchestrationOptions } from "../orchestration-options.ts";
import type { SpanLike } from "../tracer-like.ts";
import { COMPENSATION_CODE } from "./codes.ts";
import { CompensationLog } from "./log.ts";
import { runLog } from "./run-log.ts";
import { type LinkedSignal, linkSignals } from "./signals.ts";
import { isThenable, neverAbortedSignal } from "./util.ts";

/** Resolved orchestration options. @internal */
export interface Environment {
  readonly policy: ResultExecutionPolicy;
  readonly timeProvider: TimeProvider;
  readonly link: LinkedSignal;
  readonly compensationSignal: AbortSignal;
  readonly stepName: string;
  readonly options: OrchestrationOptions;
  /** The orchestration's span when tracing: its rollbacks add their compensation events there. */
  span: SpanLike | undefined;
}

/** Resolves options; `owned` forces an abortable linked signal. @internal */
export function environment(options: OrchestrationOptions, defaultName: string, owned = false): Environment {
  const context = options.context;
  return {
    policy: ResultExecutionPolicy.of(options.policy),
    timeProvider: options.timeProvider ?? context?.timeProvider ?? TimeProvider.system,
    link: linkSignals(options.signal, context?.signal, owned),
    compensationSignal: options.compensationSignal ?? neverAbortedSignal,
    stepName:
      options.stepName ?? (context !== undefined && context.stepName !== "" ? context.stepName : defaultName),
    options,
    span: undefined,
  };
}

/** The signal that aborted the orchestration, if the caller aborted it. */
export function callerAborted(options: OrchestrationOptions): AbortSignal | undefined {
  if (options.signal?.aborted === true) return options.signal;
  if (options.context?.signal.aborted === true) return options.context.signal;
  return undefined;
}

/** Merges several logs into one (global registration order). @internal */
export function mergeLogs(logs: readonly CompensationLog[] | undefined): CompensationLog | undefined {
  if (logs === undefined || logs.length === 0) return undefined;
  const merged = new CompensationLog();
  for (const log of logs) merged.mergeFrom(log);
  return merged;
}

/** A success whose compensations go to the context (or are attached to the result). @internal */
export function succeed<T>(
  value: T,
  log: CompensationLog | undefined,
  options: OrchestrationOptions,
): Result<T> {
  if (log === undefined || log.size === 0) return ok(value);
  if (options.context !== undefined) {
    options.context.compensationScope.log.mergeFrom(log);
    return ok(value);
  }
  return ok(value).withCompensations(log.toCompensations());
}

/** Keeps a success's compensations as `succeed` does, for an existing result. @internal */
export function keep<T>(
  result: Result<T>,
  log: CompensationLog | undefined,
  options: OrchestrationOptions,
): Result<T> {
  if (log === undefined || log.size === 0) return result;
  if (options.context !== undefined) {
    options.context.compensationScope.log.mergeFrom(log);
    return result;
  }
  return result.withCompensations(log.toCompensations());
}

function withCompensationError(error: PipeError, failure: PipeError | undefined): PipeError {
  return failure === undefined ? error : error.withMetadata("compensationError", failure);
}

/**
 * A failure after rolling back `log` under the policy; a rollback failure is added as
 * `metadata.compensationError`. @internal
 */
export function failAfterRollback<T>(
  error: PipeError,
  log: CompensationLog | undefined,
  env: Environment,
  earlier?: readonly PipeError[],
): Result<T> | Promise<Result<T>> {
  const extra = earlier !== undefined && earlier.length > 0 ? earlier : undefined;
  if (log === undefined || log.size === 0) {
    return err(extra === undefined ? error : withCompensationError(error, combine(extra)));
  }
  const outcome = runLog(env.policy.compensation, log, env.compensationSignal, undefined, env.span);
  return isThenable(outcome)
    ? outcome.then((failure) => rolledBack<T>(error, extra, failure))
    : rolledBack<T>(error, extra, outcome);
}

/** The failure once a rollback finished, with the rollback's and any earlier compensation failures. */
function rolledBack<T>(
  error: PipeError,
  earlier: readonly PipeError[] | undefined,
  failure: PipeError | undefined,
): Result<T> {
  const all =
    earlier === undefined ? failure : combine(failure === undefined ? earlier : [...earlier, failure]);
  return err(withCompensationError(error, all));
}

/** Rolls back `log` and reports a failure to `onCompensationError` (used when the result stays a success). */
export function rollbackQuietly(log: CompensationLog | undefined, env: Environment): void | Promise<void> {
  if (log === undefined || log.size === 0) return;
  const outcome = runLog(env.policy.compensation, log, env.compensationSignal, undefined, env.span);
  const report = (failure: PipeError | undefined): void => {
    if (failure !== undefined) env.options.onCompensationError?.(failure);
  };
  if (isThenable(outcome)) return outcome.then(report);
  report(outcome);
}

function combine(errors: readonly PipeError[]): PipeError | undefined {
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  const children: PipeError[] = [];
  for (const e of errors) children.push(...(e.errors.length > 0 ? e.errors : [e]));
  return PipeErrorClass.from(
    `Compensation finished with compensation issues across ${errors.length} rollbacks.`,
    COMPENSATION_CODE,
    { errors: children, metadata: { rollbacks: errors.length } },
  );
}
