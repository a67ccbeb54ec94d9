/** Issue 14 item 11: the child signal `WaitGroup.go(context, work)` / `ErrGroup.go(context, work)` hands the work aborts when the work ends. */
import { describe, expect, it } from "vitest";
import { ErrGroup, err, ok, PipeError, ResultPipelineStepContext, WaitGroup } from "../src/index.ts";

describe("pipeline WaitGroup / ErrGroup: the child's signal", () => {
  it("aborts once the work settled (ok, failed, thrown, async), before wait() resolves", async () => {
    const outcomes = [
      () => ok(),
      async () => ok(),
      () => err(PipeError.from("failed")),
      () => {
        throw new Error("thrown");
      },
    ];
    for (const make of [() => new WaitGroup(), () => new ErrGroup()]) {
      for (const outcome of outcomes) {
        const parent = new AbortController();
        const context = new ResultPipelineStepContext({ stepName: "stage", signal: parent.signal });
        const group = make();
        let signal: AbortSignal | undefined;
        let childSignal: AbortSignal | undefined;
        let abortedWhileRunning: boolean | undefined;
        group.go(context, (child, s) => {
          signal = s;
          childSignal = child.signal;
          abortedWhileRunning = s.aborted;
          return outcome();
        });
        await group.wait();
        expect(abortedWhileRunning).toBe(false);
        expect(signal).toBe(childSignal);
        expect(signal?.aborted).toBe(true);
        expect(parent.signal.aborted).toBe(false); // the end of a work never reaches the caller's signal
      }
    }
  });

  it("a listener the work left on its signal runs when the work ends", async () => {
    const context = new ResultPipelineStepContext({ stepName: "stage" });
    const group = new WaitGroup();
    let released = 0;
    for (let i = 0; i < 3; i++) {
      group.go(context, async (_child, signal) => {
        signal.addEventListener("abort", () => released++, { once: true });
        return ok();
      });
    }
    expect((await group.wait()).isOk).toBe(true);
    expect(released).toBe(3);
  });
});
