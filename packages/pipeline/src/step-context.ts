import { anySignal, linkAbort, TimeProvider } from "@pipe/channels";
import {
  type CompensationAction,
  isResult,
  type Result,
  type StatefulCompensationAction,
} from "@pipe/result";
import { CompensationScope } from "./compensation-scope.ts";
import { contextOptionsOf, stepNameOf } from "./internal/context-options.ts";
import { keepLayout } from "./internal/kept.ts";
import { neverAbortedSignal } from "./internal/util.ts";
import type { ResultPipelineStepContextOptions } from "./step-context-options.ts";

/**
 * Passed as the options of `new ResultPipelineStepContext(BARE)` by `ResultPipelineStepContext.bare`: the
 * constructor then only defines the fields, which `bare` fills (module-private).
 */
const BARE: ResultPipelineStepContextOptions = Object.freeze({});

/** The public fields a context built from options sets after its constructor's first assignments. */
type Fields = { -readonly [K in "timeProvider" | "signal"]: ResultPipelineStepContext[K] };

/** What `ResultPipelineStepContext.bare` passes to the constructor beside its positional arguments. */
let bareName = "";
let bareIndex = -1;
let bareParent: ResultPipelineStepContext | undefined;

/**
 * What a pipeline step runs with: its name, a compensation scope to register undo actions in, a clock and a
 * cancellation signal.
 *
 * When to use: create one per pipeline run (`new ResultPipelineStepContext({ stepName, compensationScope,
 * timeProvider, signal })`) and pass it to the adapters (`ResultPipelineChannels.fanIn(context, ...)`,
 * `waitGroup.go(context, ...)`, `ResultPipeline.fanOut(ops, { context })`). Orchestrators hand each operation a
 * child context.
 *
 * Details: `registerCompensation` appends to the scope right away. `child(stepName)` makes a context with its
 * own scope and a signal linked to this one (aborting the parent aborts the child); `child.end()` moves the
 * child's actions into this context's scope (keeping global registration order) and unlinks the signal;
 * registrations on an ended child go straight to the parent. The positional form
 * `new ResultPipelineStepContext(stepName, scope, timeProvider, signal)` is accepted too (seed 002).
 *
 * Abort and failure: `context.signal` is the context's own signal. It aborts when the given `signal` does (same
 * reason) and when the context fails: a failed `waitGroup.go(context, ...)` / `errGroup.go(context, ...)` work is
 * an upstream failure (seed 002), so the context's signal aborts with that work's PipeError as its reason, which
 * stops every adapter and child working under the context (fan-outs, peers).
 *
 * Gotchas: a context never runs or clears compensations itself; call `Result.runCompensation(policy, scope)` on
 * the scope you created. A context without a given scope creates one lazily. `context.signal` is not the signal
 * you passed in (compare `.aborted`, not identity).
 *
 * @example
 * ```ts
 * import { CompensationScope, ResultPipelineStepContext, TimeProvider } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const context = new ResultPipelineStepContext({ stepName: "ingest", compensationScope: scope, timeProvider: TimeProvider.system });
 * context.registerCompensation("key-1", async (key) => console.log("delete", key));
 * const child = context.child("ingest.batch");
 * child.registerCompensation(() => console.log("undo batch"));
 * child.end();
 * console.log(scope.size); // 2
 * ```
 */
export class ResultPipelineStepContext {
  /** The name, or its prefix while `#index` is >= 0. */
  #name: string;
  /**
   * The operation's index in an orchestration (`-1` otherwise): the name is `<#name>[<#index>]`, built on first
   * read, so an orchestrator creates no string per operation whose name nobody reads.
   */
  #index = -1;
  /** The step's clock. */
  readonly timeProvider: TimeProvider;
  /**
   * The step's cancellation signal: the context's own, which aborts when the given signal does (with its reason)
   * or when the context fails (with the failure, a PipeError: a failed `waitGroup.go(context, ...)` work).
   */
  readonly signal: AbortSignal;
  /** @internal The scope if one was created (contexts create theirs on first use), for the package's own reads. */
  scope: CompensationScope | undefined;
  /** @internal The context this one was created from, if any (see `parent`). */
  parentContext: ResultPipelineStepContext | undefined;
  /** Detaches `signal` from its sources (a `child()` context). */
  #unlink: (() => void) | undefined;
  /**
   * @internal The controller of `signal` when this context owns it (every context but the fan-in's per-message
   * ones).
   */
  controller: AbortController | undefined;
  #ended = false;

  /**
   * @internal A context using `signal` as is: no controller, no listener, no options object (`child()` and the
   * package's orchestrators build theirs with it). With `index` >= 0 its name is `<stepName>[<index>]`.
   */
  static bare(
    stepName: string,
    timeProvider: TimeProvider,
    signal: AbortSignal,
    scope: CompensationScope | undefined,
    parent: ResultPipelineStepContext | undefined,
    index: number,
  ): ResultPipelineStepContext {
    bareName = stepName;
    bareIndex = index;
    bareParent = parent;
    // The positional overload carries the sentinel, the scope, the clock and the signal.
    const ctx = new ResultPipelineStepContext(BARE as unknown as string, scope, timeProvider, signal);
    bareParent = undefined;
    return ctx;
  }

  /** Creates a context from options. */
  constructor(options?: ResultPipelineStepContextOptions);
  /** Creates a context from positional arguments (the .NET constructor's order). */
  constructor(
    stepName: string,
    compensationScope?: CompensationScope,
    timeProvider?: TimeProvider,
    signal?: AbortSignal,
  );
  constructor(
    optionsOrName?: ResultPipelineStepContextOptions | string,
    compensationScope?: CompensationScope,
    timeProvider?: TimeProvider,
    signal?: AbortSignal,
  ) {
    if (optionsOrName === BARE) {
      // From `ResultPipelineStepContext.bare`: every field set once, here.
      this.#name = bareName;
      this.#index = bareIndex;
      this.timeProvider = timeProvider as TimeProvider;
      this.signal = signal as AbortSignal;
      this.scope = compensationScope;
      this.parentContext = bareParent;
      return;
    }
    // Set again by #init (a context built from options validates them there).
    this.#name = "";
    this.timeProvider = TimeProvider.system;
    this.signal = neverAbortedSignal;
    this.#init(optionsOrName, compensationScope, timeProvider, signal);
  }

  /** Validates the options (or positional arguments) and sets the fields from them. */
  #init(
    optionsOrName: ResultPipelineStepContextOptions | string | undefined,
    compensationScope: CompensationScope | undefined,
    timeProvider: TimeProvider | undefined,
    signal: AbortSignal | undefined,
  ): void {
    const options = contextOptionsOf(optionsOrName, compensationScope, timeProvider, signal);
    this.#name = stepNameOf(options.stepName);
    (this as Fields).timeProvider = options.timeProvider ?? TimeProvider.system;
    // The context owns its signal, so a failed `waitGroup.go(context, ...)` work can fail it (abort it with the
    // failure) without touching the caller's signal; the caller's signal still aborts it.
    const own = new AbortController();
    this.controller = own;
    const given = options.signal;
    if (given !== undefined && given !== neverAbortedSignal && given.aborted) own.abort(given.reason);
    (this as Fields).signal =
      given === undefined || given === neverAbortedSignal || given.aborted
        ? own.signal
        : anySignal([given, own.signal]);
    this.scope = options.compensationScope;
  }

  /** The step's name (`""` when none was given; `<name>[i]` for an orchestration's operation i). */
  get stepName(): string {
    const index = this.#index;
    if (index >= 0) {
      this.#name = `${this.#name}[${index}]`;
      this.#index = -1;
    }
    return this.#name;
  }

  /** The scope registrations go to (created on first access when none was given). */
  get compensationScope(): CompensationScope {
    this.scope ??= new CompensationScope();
    return this.scope;
  }

  /** The context this one was created from by `child`, if any. */
  get parent(): ResultPipelineStepContext | undefined {
    return this.parentContext;
  }

  /** True once `end()` ran on this child context. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Registers a compensating action `(signal) => ...` in this context's scope. */
  registerCompensation(action: CompensationAction): void;
  /** Registers a stateful compensating action `(state, signal) => ...` (no closure needed). */
  registerCompensation<S>(state: S, action: StatefulCompensationAction<S>): void;
  registerCompensation(stateOrAction: unknown, action?: StatefulCompensationAction<never>): void {
    if (action === undefined) this.compensationScope.register(stateOrAction as CompensationAction);
    else this.compensationScope.register(stateOrAction, action as StatefulCompensationAction<unknown>);
  }

  /**
   * Registers `action` with `state` only when `when` is true (or returns true for `state`); reports whether it
   * registered.
   */
  tryRegisterCompensation<S>(
    state: S,
    action: StatefulCompensationAction<S>,
    when: boolean | ((state: S) => boolean),
  ): boolean {
    const yes = typeof when === "function" ? when(state) : when;
    if (yes !== true) return false;
    this.compensationScope.register(state, action);
    return true;
  }

  /** Moves a scope's actions into this context's scope (emptying it). */
  absorb(scope: CompensationScope): void;
  /** Registers a result's attached compensations here; returns the result without them. */
  absorb<T>(result: Result<T>): Result<T>;
  absorb<T>(source: CompensationScope | Result<T>): Result<T> | undefined {
    if (source instanceof CompensationScope) {
      if (source.hasActions) this.compensationScope.absorb(source);
      return undefined;
    }
    if (!isResult(source)) {
      throw new TypeError(
        `ResultPipelineStepContext.absorb: expected a CompensationScope or a Result, got ${source === null ? "null" : typeof source}.`,
      );
    }
    if (source.compensations.length === 0) return source;
    return this.compensationScope.absorb(source);
  }

  /**
   * A child context: own scope, same clock, signal linked to this one's (plus `options.signal` when given).
   * Call `end()` on it when its work is done so its actions move into this context.
   */
  child(stepName?: string, options: { readonly signal?: AbortSignal } = {}): ResultPipelineStepContext {
    if (typeof options !== "object" || options === null)
      throw new TypeError("ResultPipelineStepContext.child: options must be an object { signal? }.");
    const controller = new AbortController();
    const sources = [this.signal, options.signal].filter(
      (s): s is AbortSignal => s !== undefined && s !== neverAbortedSignal,
    );
    const child = ResultPipelineStepContext.bare(
      stepNameOf(stepName ?? `${this.stepName}.child`),
      this.timeProvider,
      controller.signal,
      undefined,
      this,
      -1,
    );
    child.controller = controller;
    for (const s of sources) {
      if (s.aborted) {
        controller.abort(s.reason);
        break;
      }
    }
    if (!controller.signal.aborted && sources.length > 0) {
      const unlinks = sources.map((s) => linkAbort(s, controller));
      child.#unlink = () => {
        for (const unlink of unlinks) unlink();
      };
    }
    return child;
  }

  /**
   * Ends a child context: moves its actions into the parent's scope, unlinks its signal, and sends later
   * registrations to the parent. Idempotent; a no-op on a root context.
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unlink?.();
    this.#unlink = undefined;
    const parent = this.parentContext;
    if (parent === undefined) return;
    const own = this.scope;
    const target = parent.compensationScope;
    if (own?.hasActions) target.absorb(own);
    this.scope = target;
  }
}

keepLayout(new ResultPipelineStepContext());
