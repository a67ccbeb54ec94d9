import { describe, expect, it } from "vitest";
import { ResultPipelineStepContext } from "../src/index.ts";

/** Counts listeners by wrapping add/removeEventListener on one signal. */
function instrument(signal: AbortSignal): { live: () => number } {
  let live = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    if (type === "abort") live += 1;
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    if (type === "abort") live -= 1;
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { live: () => live };
}

describe("child contexts share one abort listener on the parent context's signal", () => {
  it("links 50 children with one listener, aborts them all, and unlinks on end", () => {
    const controller = new AbortController();
    const root = new ResultPipelineStepContext({ stepName: "root", signal: controller.signal });
    const probe = instrument(root.signal); // the context's own signal, which follows controller.signal
    const children = Array.from({ length: 50 }, (_, i) => root.child(`c${i}`));
    expect(probe.live()).toBe(1);
    children[0]?.end();
    expect(probe.live()).toBe(1);
    controller.abort("stop");
    for (const child of children.slice(1)) {
      expect(child.signal.aborted).toBe(true);
      expect(child.signal.reason).toBe("stop");
    }
    expect(children[0]?.signal.aborted).toBe(false);
  });

  it("removes the listener when the last child ends", () => {
    const controller = new AbortController();
    const root = new ResultPipelineStepContext({ stepName: "root", signal: controller.signal });
    const probe = instrument(root.signal); // the context's own signal, which follows controller.signal
    const a = root.child("a");
    const b = root.child("b");
    a.end();
    b.end();
    expect(probe.live()).toBe(0);
    const c = root.child("c");
    expect(probe.live()).toBe(1);
    controller.abort();
    expect(c.signal.aborted).toBe(true);
  });
});
