/** Contexts linked to a long-lived signal (a service's shutdown signal) leave it when dropped. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ResultPipelineStepContext } from "../src/index.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

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
    round();
    const before = await settledHeap();
    for (let r = 0; r < 3; r++) {
      round();
      await settledHeap();
    }
    expect((await settledHeap()) - before).toBeLessThan(2_000_000);
  }, 60_000);
});
