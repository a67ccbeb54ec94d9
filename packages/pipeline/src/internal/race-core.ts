import type { PipeError, Result } from "@pipe/result";
import type { ResultPipelineOperation } from "../operation.ts";
import type { OrchestrationOptions } from "../orchestration-options.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { SpanLike } from "../tracer-like.ts";
import { type AttemptOutcome, runAttemptsIn, settleAttempt } from "./attempts.ts";
import { operationContext } from "./context-internals.ts";
import { type Environment, environment } from "./environment.ts";
import { invoke } from "./invoke.ts";
import type { CompensationLog } from "./log.ts";
import { isThenable } from "./util.ts";

/** What a race ended with. @internal */
export interface RaceOutcome<T> {
  readonly env: Environment;
  /** The first success (without attached compensations), if any. */
  readonly winner: Result<T> | undefined;
  /** The winner's compensations. */
  readonly winnerLog: CompensationLog | undefined;
  /** Everyone else's compensations (failures, secondary successes, canceled peers). */
  readonly loserLogs: CompensationLog[];
  /** Failures before a winner (decorated), in settle order. */
  readonly errors: PipeError[];
  /** Rollback failures of failed retry attempts. */
  readonly compensationErrors: PipeError[];
}

const wonReason = (): unknown => {
  try {
    return new DOMException("Another operation won the race.", "AbortError");
  } catch {
    return new Error("Another operation won the race.");
  }
};

class RaceRun<T> {
  winner: Result<T> | undefined;
  winnerLog: CompensationLog | undefined;
  readonly loserLogs: CompensationLog[] = [];
  readonly errors: PipeError[] = [];
  readonly compensationErrors: PipeError[] = [];
  next = 0;
  active = 0;
  resolve: ((o: RaceOutcome<T>) => void) | undefined;

  constructor(
    readonly operations: readonly ResultPipelineOperation<T>[],
    readonly env: Environment,
    readonly decorate: (error: PipeError, index: number, stepName: string) => PipeError,
  ) {}

  start(): RaceOutcome<T> | Promise<RaceOutcome<T>> {
    this.launch();
    if (this.active === 0) return this.finish();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  launch(): void {
    const env = this.env;
    const signal = env.link.signal;
    while (this.next < this.operations.length && this.winner === undefined && !signal.aborted) {
      const index = this.next++;
      const operation = this.operations[index] as ResultPipelineOperation<T>;
      if (env.policy.retry.maxAttempts <= 1) {
        const ctx = operationContext(env.stepName, env.timeProvider, signal, undefined, index);
        const pending = invoke(operation, ctx);
        if (isThenable(pending)) {
          this.active++;
          pending.then((r) => this.settleAsync(index, ctx, r, undefined));
        } else this.record(index, ctx, pending, undefined);
      } else {
        const pending = runAttemptsIn(env, operation, `${env.stepName}[${index}]`, signal);
        if (isThenable(pending)) {
          this.active++;
          pending.then((o) => this.settleAsync(index, o.ctx, o.result, o));
        } else this.record(index, pending.ctx, pending.result, pending);
      }
    }
  }

  settleAsync(
    index: number,
    ctx: ResultPipelineStepContext,
    result: Result<T>,
    o: AttemptOutcome<T> | undefined,
  ): void {
    this.active--;
    this.record(index, ctx, result, o);
    if (this.active === 0) (this.resolve as (o: RaceOutcome<T>) => void)(this.finish());
  }

  record(
    index: number,
    ctx: ResultPipelineStepContext,
    result: Result<T>,
    o: AttemptOutcome<T> | undefined,
  ): void {
    result = settleAttempt(ctx, result);
    const scope = ctx.scope;
    const log = scope?.hasActions ? scope.log.take() : undefined;
    if (o?.compensationErrors !== undefined) this.compensationErrors.push(...o.compensationErrors);
    if (result.isOk && this.winner === undefined) {
      this.winner = result;
      this.winnerLog = log;
      this.env.link.abort(wonReason());
      return;
    }
    if (log !== undefined) this.loserLogs.push(log);
    if (result.isErr && this.winner === undefined)
      this.errors.push(this.decorate(result.error, index, ctx.stepName));
  }

  finish(): RaceOutcome<T> {
    this.env.link.dispose();
    return this;
  }
}

/**
 * Runs operations concurrently until the first success; the others are aborted and awaited. Operations not
 * started when a winner exists never start. @internal
 */
export function raceCore<T>(
  operations: readonly ResultPipelineOperation<T>[],
  options: OrchestrationOptions,
  defaultName: string,
  decorate: (error: PipeError, index: number, stepName: string) => PipeError,
  span?: SpanLike,
): RaceOutcome<T> | Promise<RaceOutcome<T>> {
  const env = environment(options, defaultName, true);
  env.span = span;
  return new RaceRun(operations, env, decorate).start();
}
