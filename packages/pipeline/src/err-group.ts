import { ErrGroup as ChannelsErrGroup, type GoOptions, type GroupWork } from "@pipe/channels";
import type { PipeError } from "@pipe/result";
import { childWorkStart, type PipelineWork, tracedGroupWork } from "./internal/child-work.ts";
import { reportedFailure } from "./internal/upstream-failure.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";
import type { PipelineGoOptions } from "./wait-group.ts";

/**
 * Go's `errgroup` with the pipeline overload `go(context, work(childContext, signal), { stepName })`.
 *
 * When to use: peers that must all succeed, where the first failure should stop the others (for example the
 * processors of one batch).
 *
 * Details: the first failure wins and aborts the group signal, which every child signal is linked to (along
 * with the parent context's), so peers stop, and work queued beyond `new ErrGroup({ limit })` never starts; `wait()` returns that same PipeError instance. As with the pipeline
 * `WaitGroup`, a failed work also fails the parent context (its signal aborts with the PipeError), so adapters
 * working under it (a `ResultPipelineChannels.fanOut` feeding the peers) stop too. Each child's
 * compensations move into the parent context's scope when it ends, on success and failure, so one
 * `Result.runCompensation` on the root scope rolls back every peer (the ErrGroup itself runs nothing).
 *
 * Error codes: via `wait()`: the first failure; `error.canceled` "ErrGroup was canceled." after `cancel()`;
 * `error.canceled` when the parent signal aborted first.
 *
 * Abort: `cancel()` or the first failure aborts the group signal; work with an already-aborted signal never
 * runs.
 *
 * @example
 * ```ts
 * import { CompensationScope, err, ErrGroup, ok, PipeError, ResultPipelineStepContext } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const context = new ResultPipelineStepContext({ stepName: "batch", compensationScope: scope });
 * const group = new ErrGroup();
 * group.go(context, async (child) => { child.registerCompensation(() => {}); return ok(); });
 * group.go(context, async () => err(PipeError.from("bad record")));
 * const result = await group.wait();
 * console.log(result.error?.message, scope.size); // "bad record" 1
 * ```
 */
export class ErrGroup extends ChannelsErrGroup {
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
      super.go(tracedGroupWork(first, "errgroup"), second as GoOptions | undefined);
      return;
    }
    // Started now, or in order once a running work settled when the group's limit is reached.
    this.admit(this.workSignal(), childWorkStart(first, second as PipelineWork<T>, third, "errgroup"));
  }

  /** Records the upstream failure instead of the `error.canceled` of a peer it stopped. */
  protected override recordFailure(error: PipeError): void {
    super.recordFailure(reportedFailure(error));
  }
}
