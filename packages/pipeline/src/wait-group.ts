import { WaitGroup as ChannelsWaitGroup, type GoOptions, type GroupWork } from "@pipe/channels";
import type { PipeError } from "@pipe/result";
import { childWorkStart, type PipelineWork, tracedGroupWork } from "./internal/child-work.ts";
import { reportedFailure } from "./internal/upstream-failure.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

/** Options of the pipeline overload of `WaitGroup.go` / `ErrGroup.go`. */
export interface PipelineGoOptions {
  /** The child context's step name (default `"<parent>.waitgroup"` / `"<parent>.errgroup"`). */
  readonly stepName?: string;
  /**
   * Whether the work gets a span when tracing (`PipelineTracing`); default true. Pass false for a long-lived
   * worker whose items have spans of their own: a span open for the worker's whole life would hold every
   * item's span in one trace that ends only when the worker does.
   */
  readonly traced?: boolean;
}

/**
 * Go's `sync.WaitGroup` with the pipeline overload `go(context, work(childContext, signal), { stepName })`.
 *
 * When to use: long-running workers of a pipeline stage (seed 002: one processor per tenant branch) whose
 * compensations must reach the stage's scope, and whose failures must be visible to `wait()`.
 *
 * Details: the pipeline overload gives the work a child context (own scope, the parent's clock, a signal linked
 * to the parent's); when the work ends, its registered and attached compensations move into the parent's scope
 * on success **and** failure, also when it throws (the .NET original swallowed throws and absorbed nothing),
 * and the child's signal aborts ("The work has ended."), releasing what was tied to it.
 * A failed work is an upstream failure (seed 002: "triggers compensation + upstream failure"): it fails the
 * parent context, whose signal aborts with that PipeError, so a `ResultPipelineChannels.fanOut` feeding the
 * peers stops (its branches complete) and the peers' signals abort. `wait({ signal, timeout })` resolves to a
 * Result that fails when any work failed: the failing work's error (a peer stopped by it reports that error,
 * once, instead of its own `error.canceled`), or an `error.aggregate` "One or more operations failed." when
 * several failed on their own. The .NET original could not report failures at all (seed 002 reads
 * `waitResult.isErr`). The plain `go(work, options)` of `@pipe/channels` keeps Go's semantics: a failure there
 * is only recorded, nothing else stops.
 * `new WaitGroup({ limit })` runs at most `limit` works at once (both overloads); `go` never blocks, work beyond
 * the limit starts in order when a running one settles, and its child context is made when it starts.
 *
 * Error codes: via `wait()`: the work's failures (`error.exception` for a throw), `error.canceled` for work
 * whose parent signal was already aborted by the caller (it never runs), `error.canceled`/`error.timeout` for
 * the wait itself.
 *
 * Abort: aborting the parent context aborts every child signal; the work decides how to stop. Gotchas: work
 * that should fail alone without stopping its peers (per-tenant isolation) returns ok and reports its failure
 * elsewhere, or runs under its own context. The contexts orchestrators hand their operations and fan-in hands
 * each message do not own their signals: failing one aborts the nearest ancestor context that does (none for an
 * orchestrator's operation, whose failure then only reaches `wait()` and the operation's own result).
 *
 * @example
 * ```ts
 * import { CompensationScope, ok, ResultPipelineStepContext, WaitGroup } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const context = new ResultPipelineStepContext({ stepName: "tenants", compensationScope: scope });
 * const waitGroup = new WaitGroup();
 * waitGroup.go(context, async (child) => {
 *   child.registerCompensation(() => console.log("rollback tenant a"));
 *   return ok();
 * }, { stepName: "tenant[a]" });
 * const waitResult = await waitGroup.wait();
 * console.log(waitResult.isOk, scope.size); // true 1
 * ```
 */
export class WaitGroup extends ChannelsWaitGroup {
  /** Failures already recorded (an upstream failure is reported once, however many peers it stopped). */
  readonly #recorded = new Set<PipeError>();

  /** Runs `work(signal)` as tracked work (the `@pipe/channels` form). */
  override go(work: GroupWork, options?: GoOptions): void;
  /** Runs pipeline work with a child context whose compensations reach `context`'s scope. */
  override go<T>(
    context: ResultPipelineStepContext,
    work: PipelineWork<T>,
    options?: PipelineGoOptions,
  ): void;
  override go<T>(
    first: GroupWork | ResultPipelineStepContext,
    second?: GoOptions | PipelineWork<T>,
    third?: PipelineGoOptions,
  ): void {
    if (typeof first === "function") {
      super.go(tracedGroupWork(first, "waitgroup"), second as GoOptions | undefined);
      return;
    }
    // Started now, or in order once a running work settled when the group's limit is reached.
    this.admit(this.workSignal(), childWorkStart(first, second as PipelineWork<T>, third, "waitgroup"));
  }

  /** Records the upstream failure instead of the `error.canceled` of a peer it stopped, once. */
  protected override recordFailure(error: PipeError): void {
    const reported = reportedFailure(error);
    if (this.#recorded.has(reported)) return;
    this.#recorded.add(reported);
    super.recordFailure(reported);
  }
}
