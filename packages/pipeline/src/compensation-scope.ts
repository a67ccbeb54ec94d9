import {
  type CompensationAction,
  isResult,
  type Result,
  type StatefulCompensationAction,
} from "@pipe/result";
import { keepLayout } from "./internal/kept.ts";
import { CompensationLog, invokeStateless } from "./internal/log.ts";

/**
 * An undo log: the compensating actions registered by the work of a pipeline, replayed newest first when the
 * pipeline has to roll back.
 *
 * When to use: create one per pipeline run (or per request), hand it to a `ResultPipelineStepContext`, and call
 * `Result.runCompensation(policy, scope, { signal })` when the run fails. Steps register through the context;
 * orchestrators (`ResultPipeline.fanOut`, `ResultPipelineChannels.fanIn`, `WaitGroup.go`, ...) absorb their
 * children's compensations into it.
 *
 * Details: every registration anywhere gets a number from one global counter, and a scope keeps its entries
 * sorted by that number. `absorb` merges, so the replay order is always one global reverse-registration order:
 * a child's newest action still runs first among the child's actions (the .NET original flipped absorbed
 * children). A stateful registration `register(state, action)` stores the pair without allocating a closure.
 * Running compensations (`Result.runCompensation`) takes the entries atomically, so an action runs at most once.
 *
 * Gotchas: a scope is a plain in-memory object; `clear()` forgets the actions without running them. Absorbing a
 * `Result` copies its attached compensations in (a Result is immutable): use the returned Result, which carries
 * none, to avoid absorbing the same entries twice.
 *
 * @example
 * ```ts
 * import { CompensationScope, Result, ResultExecutionPolicy } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * scope.register(() => console.log("undo A"));
 * scope.register("B", (name) => console.log(`undo ${name}`));
 * await Result.runCompensation(ResultExecutionPolicy.none, scope); // undo B, then undo A
 * console.log(scope.hasActions); // false
 * ```
 */
export class CompensationScope {
  /** @internal The registered actions (the package's orchestrators read and move them directly). */
  readonly log: CompensationLog = new CompensationLog();

  /** True when at least one action is registered and not yet run or cleared. */
  get hasActions(): boolean {
    return this.log.size > 0;
  }

  /** Number of registered actions not yet run or cleared. */
  get size(): number {
    return this.log.size;
  }

  /**
   * Registers a compensating action; it receives the signal passed to `Result.runCompensation`.
   * @throws TypeError when `action` is not a function (a programmer error).
   */
  register(action: CompensationAction): void;
  /**
   * Registers a stateful compensating action `(state, signal)`; no closure is needed to carry `state`.
   * @throws TypeError when `action` is not a function (a programmer error).
   */
  register<S>(state: S, action: StatefulCompensationAction<S>): void;
  register(stateOrAction: unknown, action?: StatefulCompensationAction<never>): void {
    if (action === undefined) {
      if (typeof stateOrAction !== "function")
        throw new TypeError("CompensationScope.register: action must be a function.");
      this.log.push(stateOrAction, invokeStateless);
      return;
    }
    if (typeof action !== "function")
      throw new TypeError("CompensationScope.register: action must be a function.");
    this.log.push(stateOrAction, action as StatefulCompensationAction<unknown>);
  }

  /** Forgets every registered action without running it. */
  clear(): void {
    this.log.clear();
  }

  /**
   * Moves every action of `scope` into this scope (global registration order kept) and empties `scope`.
   */
  absorb(scope: CompensationScope): void;
  /**
   * Registers the compensations attached to `result` (oldest first) and returns the same value or error
   * without compensations, so they cannot be absorbed twice.
   */
  absorb<T>(result: Result<T>): Result<T>;
  absorb<T>(source: CompensationScope | Result<T>): Result<T> | undefined {
    if (source instanceof CompensationScope) {
      this.log.mergeFrom(source.log);
      return undefined;
    }
    if (!isResult(source)) {
      throw new TypeError(
        `CompensationScope.absorb: expected a CompensationScope or a Result, got ${source === null ? "null" : typeof source}.`,
      );
    }
    const entries = source.compensations;
    if (entries.length === 0) return source;
    this.log.pushEntries(entries);
    return source.withoutCompensations();
  }
}

keepLayout(new CompensationScope());
