import { err, PipeError, type Result } from "@pipe/result";
import { anySignal } from "./any-signal.ts";
import { okVoidResult } from "./internal/errors.ts";
import { checkOptions, checkSignal } from "./internal/usage.ts";
import { WaitGroup } from "./wait-group.ts";

/**
 * Options of {@link ErrGroup}.
 *
 * @example
 * ```ts
 * import { ErrGroup, type ErrGroupOptions } from "@pipe/channels";
 * const parent = new AbortController();
 * const options: ErrGroupOptions = { signal: parent.signal };
 * const group = new ErrGroup(options);
 * ```
 */
export interface ErrGroupOptions {
  /** A parent signal: aborting it aborts the group signal (recording `error.canceled` if no error is set). */
  readonly signal?: AbortSignal;
  /**
   * At most this many works started by `go` run at once (a positive integer; default `Infinity`). `go` never
   * blocks: work beyond the limit waits in order; once the group signal aborts, work not started yet never
   * starts and counts as `error.canceled`.
   */
  readonly limit?: number;
}

/**
 * Go's `errgroup`: concurrent work where the first failure wins and cancels the rest.
 *
 * When to use: all-or-nothing concurrent work (fetch N parts; any failure aborts the peers).
 *
 * Details: `go(work)` runs `work(group.signal)`. The first failure (a failed Result, a throw/rejection as
 * `error.exception`) is recorded and aborts `signal` at once, so peers can stop; later failures are ignored.
 * `cancel()` records `error.canceled` ("ErrGroup was canceled.") unless an error is already set, then aborts.
 * `wait()` resolves when every started work settled, with ok or a failure carrying **the same PipeError
 * instance** as `error`. A parent signal (constructor) links to the group via `anySignal`. With
 * `{ limit }`, at most that many works run at once (`go` never blocks; the rest wait in order); once the group
 * signal aborts (first failure, `cancel()`, parent abort), work not started yet never starts and counts as
 * `error.canceled`.
 *
 * Extension points: as {@link WaitGroup} (`track`, `recordFailure`, `outcome`, `workSignal`); `@pipe/pipeline`
 * subclasses it to add `go(ctx, work(childCtx, signal), { stepName })`.
 *
 * Errors: `wait` gives the recorded error; `error.canceled` when its own wait signal aborts (the group keeps
 * running) and `error.timeout` on its timeout.
 *
 * @example
 * ```ts
 * import { ErrGroup } from "@pipe/channels";
 * import { ok, err, PipeError } from "@pipe/result";
 * const group = new ErrGroup();
 * group.go(async () => err(PipeError.from("boom")));
 * group.go(async (signal) => { await new Promise((r) => setTimeout(r, 10)); return signal.aborted ? ok("stopped") : ok("done"); });
 * const r = await group.wait();
 * console.log(r.isErr && r.error === group.error); // true
 * ```
 */
export class ErrGroup extends WaitGroup {
  private readonly controller = new AbortController();
  private readonly groupSignal: AbortSignal;
  private firstError: PipeError | undefined = undefined;

  constructor(options: ErrGroupOptions = {}) {
    checkOptions(options, "ErrGroup");
    super({ ...(options?.limit === undefined ? {} : { limit: options.limit }) });
    checkSignal(options.signal, "ErrGroup");
    const parent = options.signal;
    this.groupSignal =
      parent === undefined ? this.controller.signal : anySignal([parent, this.controller.signal]);
    if (parent !== undefined) {
      if (parent.aborted) this.onParentAbort(parent);
      else this.groupSignal.addEventListener("abort", () => this.onParentAbort(parent), { once: true });
    }
  }

  private onParentAbort(parent: AbortSignal): void {
    if (parent.aborted && this.firstError === undefined)
      this.firstError = PipeError.canceled(undefined, parent.reason);
    this.dropQueued(this.groupSignal);
  }

  /** Aborted on the first failure, on `cancel()`, or when the parent signal aborts. */
  get signal(): AbortSignal {
    return this.groupSignal;
  }

  /** The first recorded failure (the same instance `wait()` returns), if any. */
  get error(): PipeError | undefined {
    return this.firstError;
  }

  /** Records `error.canceled` unless an error is already set, then aborts the group signal. */
  cancel(): void {
    if (this.firstError === undefined) this.firstError = PipeError.canceled("ErrGroup was canceled.");
    this.controller.abort(this.firstError);
    this.dropQueued(this.groupSignal);
  }

  protected override workSignal(): AbortSignal {
    return this.groupSignal;
  }

  protected override recordFailure(error: PipeError): void {
    if (this.firstError !== undefined) return;
    this.firstError = error;
    this.controller.abort(error);
    this.dropQueued(this.groupSignal);
  }

  protected override outcome(): Result<void> {
    return this.firstError === undefined ? okVoidResult() : err<void>(this.firstError);
  }
}
