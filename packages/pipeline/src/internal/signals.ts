import { linkAbort } from "@pipe/channels";
import { neverAbortedSignal } from "./util.ts";

/** A signal combining up to two sources, with a `dispose` that removes the listeners. @internal */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Aborts the linked signal itself (only for links that own a controller). */
  abort(reason?: unknown): void;
  dispose(): void;
}

const noop = (): void => {};
const UNLINKED: LinkedSignal = Object.freeze({ signal: neverAbortedSignal, abort: noop, dispose: noop });

class OwnedLink implements LinkedSignal {
  readonly controller: AbortController = new AbortController();
  private unlinks: (() => void)[] = [];

  constructor(sources: AbortSignal[]) {
    const controller = this.controller;
    for (const s of sources) {
      if (s.aborted) {
        controller.abort(s.reason);
        return;
      }
    }
    for (const s of sources) this.unlinks.push(linkAbort(s, controller));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    for (const unlink of this.unlinks) unlink();
    this.unlinks = [];
  }
}

/**
 * Links `a` and `b`. Without `owned`, returns the single real source as is when there is only one (no
 * controller, no listener); `owned` always creates a controller so the caller can abort it.
 */
export function linkSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
  owned = false,
): LinkedSignal {
  const first = a !== undefined && a !== neverAbortedSignal ? a : undefined;
  const second = b !== undefined && b !== neverAbortedSignal && b !== a ? b : undefined;
  if (!owned) {
    if (first === undefined && second === undefined) return UNLINKED;
    if (first === undefined || second === undefined)
      return { signal: (first ?? second) as AbortSignal, abort: noop, dispose: noop };
  }
  const sources: AbortSignal[] = [];
  if (first !== undefined) sources.push(first);
  if (second !== undefined) sources.push(second);
  return new OwnedLink(sources);
}
