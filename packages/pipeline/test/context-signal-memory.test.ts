/** Contexts linked to a long-lived signal (a service's shutdown signal) leave it when dropped. */
import { describe, expect, it } from "vitest";
import { heapGrowthOverRounds } from "../../../test-support/heap.ts";
import { ResultPipelineStepContext } from "../src/index.ts";

describe("ResultPipelineStepContext with a long-lived signal", () => {
  it("aborts when the long-lived signal aborts", () => {
    const shutdown = new AbortController();
    const ctx = new ResultPipelineStepContext({ stepName: "run", signal: shutdown.signal });
    shutdown.abort("stopping");
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe("stopping");
  });

  it("one context per run, dropped after it, does not keep the heap growing", async () => {
    const shutdown = new AbortController().signal;
    const round = (): void => {
      for (let i = 0; i < 30_000; i++) new ResultPipelineStepContext({ stepName: "run", signal: shutdown });
    };
    expect(await heapGrowthOverRounds(round)).toBeLessThan(2_000_000);
  }, 60_000);
});
