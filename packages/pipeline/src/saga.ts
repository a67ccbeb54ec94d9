import { err, fromThrown, PipeError, type Result, type StatefulCompensationAction } from "@pipe/result";
import { CompensationScope } from "./compensation-scope.ts";
import { runAttemptsIn } from "./internal/attempts.ts";
import { operationContext } from "./internal/context-internals.ts";
import {
  callerAborted,
  type Environment,
  environment,
  failAfterRollback,
  succeed,
} from "./internal/environment.ts";
import { asResult } from "./internal/invoke.ts";
import { keepLayout } from "./internal/kept.ts";
import type { CompensationLog } from "./internal/log.ts";
import { inSpan, tracedSagaStep, tracing } from "./internal/trace.ts";
import { checkOrchestrationOptions } from "./internal/usage.ts";
import { canceledBy, isThenable, neverAbortedSignal } from "./internal/util.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

/**
 * A saga step: gets the saga's context (one per execution, shared by the steps; what it registers is undone with
 * the saga) and the outputs of the earlier steps.
 */
export type SagaStepOperation<S, T> = (
  context: ResultPipelineStepContext,
  state: Readonly<S>,
) => Result<T> | PromiseLike<Result<T>>;

/** Undoes a saga step given its output. */
export type SagaCompensation<T> = (value: T, signal: AbortSignal) => void | PromiseLike<void>;

interface Step {
  readonly name: string;
  readonly operation: SagaStepOperation<unknown, unknown>;
  readonly compensate: SagaCompensation<unknown> | undefined;
}

class SagaRun<S> {
  readonly state: Record<string, unknown> = {};
  readonly scope: CompensationScope = new CompensationScope();
  readonly log: CompensationLog = this.scope.log;
  /** The saga's context: one per execution, shared by the steps; its scope is the saga's undo log. */
  readonly ctx: ResultPipelineStepContext;
  index = 0;
  /** The saga's signal, and whether it can abort at all (the shared never-aborting one is not checked per step). */
  readonly signal: AbortSignal;
  readonly abortable: boolean;
  /** Whether steps run under a retry policy (more than one attempt). */
  readonly retry: boolean;

  constructor(
    readonly steps: readonly Step[],
    readonly names: readonly string[],
    readonly env: Environment,
  ) {
    this.signal = env.link.signal;
    this.abortable = this.signal !== neverAbortedSignal;
    this.retry = env.policy.retry.maxAttempts > 1;
    this.ctx = operationContext(env.stepName, env.timeProvider, this.signal, this.scope);
  }

  run(): Result<S> | Promise<Result<S>> {
    const { steps, env, signal } = this;
    while (this.index < steps.length) {
      if (this.abortable && signal.aborted) return this.fail(canceledBy(signal), undefined);
      const step = steps[this.index] as Step;
      const stepName = this.names[this.index] as string;
      if (this.retry) {
        const outcome = runAttemptsIn(env, (ctx) => step.operation(ctx, this.state), stepName, signal);
        if (isThenable(outcome))
          return outcome.then((o) => this.afterStep(step, o.ctx, o.result) ?? this.run());
        const done = this.afterStep(step, outcome.ctx, outcome.result);
        if (done !== undefined) return done;
        continue;
      }
      const ctx = this.ctx;
      const value = this.call(step, ctx);
      if (isThenable(value)) return this.runAsync(step, value);
      const done = this.afterStep(step, ctx, asResult(value));
      if (done !== undefined) return done;
    }
    env.link.dispose();
    return succeed(this.state as S, this.log, env.options);
  }

  /** Calls a step's operation; a throw becomes a failed Result. */
  call(step: Step, ctx: ResultPipelineStepContext): unknown {
    try {
      return step.operation(ctx, this.state);
    } catch (thrown) {
      return err(fromThrown(thrown, { signal: ctx.signal }));
    }
  }

  /** The loop once a step went asynchronous: one `then` per asynchronous step, no closure per step. */
  runAsync(step: Step, pending: PromiseLike<unknown>): Promise<Result<S>> {
    this.step = step;
    return new Promise<Result<S>>((resolve) => {
      this.resolve = resolve;
      pending.then(this.onValue, this.onError);
    });
  }

  step: Step | undefined;
  resolve: ((result: Result<S> | Promise<Result<S>>) => void) | undefined;
  readonly onValue = (value: unknown): void => this.advance(asResult(value));
  readonly onError = (thrown: unknown): void =>
    this.advance(err(fromThrown(thrown, { signal: this.env.link.signal })));

  advance(result: Result<unknown>): void {
    const { steps, env, ctx } = this;
    const resolve = this.resolve as (result: Result<S> | Promise<Result<S>>) => void;
    let step = this.step as Step;
    for (;;) {
      const done = this.afterStep(step, ctx, result);
      if (done !== undefined) {
        resolve(done);
        return;
      }
      if (this.index >= steps.length) {
        env.link.dispose();
        resolve(succeed(this.state as S, this.log, env.options));
        return;
      }
      if (this.abortable && this.signal.aborted) {
        resolve(this.fail(canceledBy(this.signal), undefined));
        return;
      }
      if (this.retry) {
        resolve(this.run());
        return;
      }
      step = steps[this.index] as Step;
      const value = this.call(step, ctx);
      if (isThenable(value)) {
        this.step = step;
        value.then(this.onValue, this.onError);
        return;
      }
      result = asResult(value);
    }
  }

  /** Records a finished step; returns the final Result when the saga ends here. */
  afterStep(
    step: Step,
    ctx: ResultPipelineStepContext,
    result: Result<unknown>,
  ): Result<S> | Promise<Result<S>> | undefined {
    if (result.compensations.length > 0) result = ctx.absorb(result);
    const scope = ctx === this.ctx ? undefined : ctx.scope;
    const own = scope?.hasActions ? scope.log.take() : undefined;
    if (result.isErr) {
      const aborted = callerAborted(this.env.options);
      const error =
        aborted !== undefined && result.error.code !== "error.canceled" ? canceledBy(aborted) : result.error;
      return this.fail(error, own);
    }
    this.state[step.name] = result.value;
    if (own !== undefined) this.log.mergeFrom(own);
    if (step.compensate !== undefined)
      this.log.push(result.value, step.compensate as StatefulCompensationAction<unknown>);
    this.index++;
    return undefined;
  }

  fail(error: PipeError, own: CompensationLog | undefined): Result<S> | Promise<Result<S>> {
    this.env.link.dispose();
    if (own !== undefined) this.log.mergeFrom(own);
    return failAfterRollback(error, this.log.take(), this.env);
  }
}

keepLayout(new SagaRun([], [], environment({}, "saga")));

/** The options of an `execute()` called without any (one shared object instead of a new `{}` per run). */
const NO_OPTIONS: OrchestrationOptions = Object.freeze({});

/**
 * A saga: sequential steps with typed outputs, each undone (newest first) when a later step fails.
 *
 * When to use: multi-step business transactions (reserve → charge → ship) where each step has an undo.
 *
 * Details: `addStep(name, operation, compensate?)` adds a step; `operation(ctx, state)` sees the outputs of
 * the earlier steps by name and may register more compensations on `ctx`; `compensate(value, signal)` is
 * registered with the step's output when it succeeds. `execute(options)` runs the steps in order; when one
 * fails, its own registered compensations and every earlier step's are rolled back newest first under the
 * policy and the failure is returned. On success the state object is returned and all compensations go into
 * `options.context` (or are attached to the Result). Synchronous when every step and rollback is.
 *
 * Error codes: the failing step's error (a rollback failure adds `metadata.compensationError`, code
 * `error.compensation`); `error.validation` "Saga contains no steps."; `error.canceled` when aborted (also
 * when already aborted: never a throw).
 *
 * Abort: no further step starts; completed steps are rolled back; `error.canceled`.
 *
 * @throws TypeError (from `addStep`) for a blank or duplicate name, or an operation that is not a function.
 * @example
 * ```ts
 * import { err, ok, PipeError, ResultSagaBuilder } from "@pipe/pipeline";
 * const result = await new ResultSagaBuilder()
 *   .addStep("reserve", () => ok("r-1"), (id) => console.log("release", id))
 *   .addStep("charge", (_ctx, state) => ok(`charged for ${state.reserve}`))
 *   .addStep("ship", () => err(PipeError.from("no courier")))
 *   .execute();
 * console.log(result.isErr); // true, after "release r-1"
 * ```
 */
export class ResultSagaBuilder<S extends Record<string, unknown> = {}> {
  readonly #steps: Step[];
  readonly #names: Map<string, readonly string[]> = new Map();
  #snapshot: readonly Step[] | undefined;

  /** An empty saga. */
  constructor() {
    this.#steps = [];
  }

  /** Number of steps. */
  get size(): number {
    return this.#steps.length;
  }

  /** Adds a step whose output is stored under `name`; returns the builder with the widened state type. */
  addStep<K extends string, T>(
    name: K,
    operation: SagaStepOperation<S, T>,
    compensate?: SagaCompensation<T>,
  ): ResultSagaBuilder<S & { [P in K]: T }> {
    if (typeof name !== "string" || name.trim().length === 0)
      throw new TypeError("ResultSagaBuilder: step name must be non-blank.");
    if (this.#steps.some((s) => s.name === name))
      throw new TypeError(`ResultSagaBuilder: duplicate step '${name}'.`);
    if (typeof operation !== "function")
      throw new TypeError("ResultSagaBuilder: operation must be a function.");
    if (compensate !== undefined && typeof compensate !== "function") {
      throw new TypeError("ResultSagaBuilder: compensate must be a function.");
    }
    this.#names.clear();
    this.#snapshot = undefined;
    this.#steps.push({
      name,
      operation: operation as SagaStepOperation<unknown, unknown>,
      compensate: compensate as SagaCompensation<unknown> | undefined,
    });
    return this as unknown as ResultSagaBuilder<S & { [P in K]: T }>;
  }

  /** Runs the saga (the builder can be executed again; each run is independent). */
  execute(options: OrchestrationOptions = NO_OPTIONS): Result<S> | Promise<Result<S>> {
    if (options !== NO_OPTIONS) checkOrchestrationOptions(options, "ResultSagaBuilder.execute");
    if (this.#steps.length === 0) return err(PipeError.from("Saga contains no steps.", "error.validation"));
    const aborted = options === NO_OPTIONS ? undefined : callerAborted(options);
    if (aborted !== undefined) return err(canceledBy(aborted));
    const env = environment(options, "saga");
    let names = this.#names.get(env.stepName);
    if (names === undefined) {
      names = this.#steps.map((step) => `${env.stepName}.${step.name}`);
      this.#names.set(env.stepName, names);
    }
    const snapshot = (this.#snapshot ??= Object.freeze(this.#steps.slice()));
    const tracer = tracing.tracer;
    if (tracer === undefined) return new SagaRun<S>(snapshot, names, env).run();
    const stepNames = names;
    const attributes = { "pipeline.step.name": env.stepName, "pipeline.saga.steps": snapshot.length };
    return inSpan(tracer, "pipeline.saga", attributes, (span) => {
      env.span = span;
      const traced = snapshot.map((step, i) => ({
        name: step.name,
        operation: tracedSagaStep(tracer, step.name, stepNames[i] as string, step.operation),
        compensate: step.compensate,
      }));
      return new SagaRun<S>(traced, stepNames, env).run();
    });
  }
}
