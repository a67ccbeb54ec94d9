import { linkAbort } from "../link-abort.ts";

const noop = (): void => {};

/**
 * The controller of one work's signal: it aborts with the first of its sources that aborts (with that source's
 * reason), or with the reason given to `abort` once the work settled, and then leaves its sources.
 * @internal
 */
export class WorkController extends AbortController {
  private unlinkFirst: () => void = noop;
  private unlinkSecond: () => void = noop;

  constructor(a: AbortSignal | undefined, b: AbortSignal | undefined) {
    super();
    if (a?.aborted) super.abort(a.reason);
    else if (b?.aborted) super.abort(b.reason);
    else {
      if (a !== undefined) this.unlinkFirst = linkAbort(a, this);
      if (b !== undefined) this.unlinkSecond = linkAbort(b, this);
    }
  }

  override abort(reason?: unknown): void {
    this.unlinkFirst();
    this.unlinkSecond();
    this.unlinkFirst = noop;
    this.unlinkSecond = noop;
    super.abort(reason);
  }
}
