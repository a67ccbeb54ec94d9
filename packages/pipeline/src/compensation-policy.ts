import type { PipeError } from "@pipe/result";

/**
 * One taken compensation action as handed to a custom strategy. `run()` invokes the action at most once (later
 * calls return the first outcome), never rejects, and resolves to the action's failure or `undefined`.
 */
export interface CompensationStep {
  /** Position in replay order: 0 is the newest registration. */
  readonly index: number;
  /** Invokes the action (once) with the strategy's signal; resolves to its failure, if any. */
  run(): Promise<PipeError | undefined>;
}

/**
 * A custom replay strategy: receives the taken actions newest first and the compensation signal, and runs
 * them however it likes (batches, a limited pool, ...). Failures are collected by the runner.
 */
export type CompensationStrategy = (
  steps: readonly CompensationStep[],
  signal: AbortSignal,
) => void | PromiseLike<void>;

/** The built-in strategy kinds of {@link ResultCompensationPolicy}. */
export type CompensationPolicyKind = "sequentialReverse" | "parallel" | "none" | "custom";

/**
 * How compensations are replayed: newest first one at a time (`sequentialReverse`, the default), all at once
 * (`parallel`), not at all (`none`), or by a custom strategy.
 *
 * When to use: pass it to `Result.runCompensation(policy, scope)` directly or inside a `ResultExecutionPolicy`
 * (`ResultExecutionPolicy.none.withCompensation(ResultCompensationPolicy.sequentialReverse)`).
 *
 * Details: every policy keeps going past a failing action (a throw, a rejection or a returned failed Result)
 * and reports all failures in one `error.compensation` aggregate. `sequentialReverse` checks the signal before
 * each action; when it is aborted, the actions not yet run go back into the scope they were taken from and a
 * canceled child is added to the aggregate. `parallel` starts every action (newest first) and waits for all.
 *
 * Gotchas: `none` is an explicit opt-out: the actions are taken and discarded without running. The .NET
 * original's default policy did this silently; here the default (`ResultExecutionPolicy.none`) compensates
 * `sequentialReverse`. A custom strategy that never calls a step's `run()` drops that action.
 *
 * @example
 * ```ts
 * import { CompensationScope, Result, ResultCompensationPolicy } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * scope.register(async () => { await Promise.resolve(); console.log("undo 1"); });
 * scope.register(async () => console.log("undo 2"));
 * const error = await Result.runCompensation(ResultCompensationPolicy.parallel, scope);
 * console.log(error); // undefined: both ran
 * ```
 */
export class ResultCompensationPolicy {
  /** Replays newest first, one at a time, waiting for each (the default). */
  static readonly sequentialReverse: ResultCompensationPolicy = new ResultCompensationPolicy(
    "sequentialReverse",
    "sequentialReverse",
    undefined,
  );
  /** Starts every action at once (newest first) and waits for all of them. */
  static readonly parallel: ResultCompensationPolicy = new ResultCompensationPolicy(
    "parallel",
    "parallel",
    undefined,
  );
  /** Explicit opt-out: takes the actions and discards them without running. */
  static readonly none: ResultCompensationPolicy = new ResultCompensationPolicy("none", "none", undefined);

  /** Display name. */
  readonly name: string;
  /** Which strategy runs the actions. */
  readonly kind: CompensationPolicyKind;
  /** The custom strategy (only for `kind === "custom"`). */
  readonly strategy: CompensationStrategy | undefined;

  private constructor(
    name: string,
    kind: CompensationPolicyKind,
    strategy: CompensationStrategy | undefined,
  ) {
    this.name = name;
    this.kind = kind;
    this.strategy = strategy;
    Object.freeze(this);
  }

  /**
   * A policy with a custom strategy.
   * @throws TypeError when `strategy` is not a function.
   * @example
   * ```ts
   * import { ResultCompensationPolicy } from "@pipe/pipeline";
   * const twoAtATime = ResultCompensationPolicy.custom("pairs", async (steps) => {
   *   for (let i = 0; i < steps.length; i += 2) {
   *     await steps[i]?.run();
   *     await steps[i + 1]?.run();
   *   }
   * });
   * ```
   */
  static custom(name: string, strategy: CompensationStrategy): ResultCompensationPolicy {
    if (typeof strategy !== "function")
      throw new TypeError("ResultCompensationPolicy.custom: strategy must be a function.");
    return new ResultCompensationPolicy(name, "custom", strategy);
  }

  /** `"ResultCompensationPolicy(<name>)"`. */
  toString(): string {
    return `ResultCompensationPolicy(${this.name})`;
  }
}
