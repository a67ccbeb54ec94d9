import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  delay,
  ok,
  ResultPipeline,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  ResultPipelineTimers,
  VirtualTimeProvider,
} from "../src/index.ts";

function setup(signal?: AbortSignal) {
  const timeProvider = new VirtualTimeProvider();
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({
    stepName: "stage",
    compensationScope: scope,
    timeProvider,
    ...(signal === undefined ? {} : { signal }),
  });
  return { timeProvider, scope, context };
}

describe("an abort wins over late successes", () => {
  it("fanOut: operations that ignore the signal and succeed after the abort are rolled back; error.canceled", async () => {
    const controller = new AbortController();
    const { timeProvider } = setup();
    const undone: number[] = [];
    const pending = ResultPipeline.fanOut(
      [1, 2].map((n) => async (ctx: ResultPipelineStepContext) => {
        ctx.registerCompensation(() => void undone.push(n));
        await delay(10, { timeProvider });
        return ok(n);
      }),
      { signal: controller.signal, timeProvider },
    );
    await timeProvider.advance(5);
    controller.abort("stop");
    await timeProvider.advance(10);
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(undone.sort()).toEqual([1, 2]);
  });

  it("withTimeout: a success that lands after the caller aborted is rolled back; error.canceled", async () => {
    const controller = new AbortController();
    const { timeProvider } = setup();
    const undone: string[] = [];
    const pending = ResultPipeline.withTimeout(
      async (ctx: ResultPipelineStepContext) => {
        ctx.registerCompensation(() => void undone.push("late"));
        await delay(10, { timeProvider });
        return ok("late");
      },
      1_000,
      { signal: controller.signal, timeProvider },
    );
    await timeProvider.advance(5);
    controller.abort("stop");
    await timeProvider.advance(10);
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(undone).toEqual(["late"]);
  });
});

describe("fanIn's whole-run deadline", () => {
  it("is reported as error.timeout even when the in-flight handler returns canceled", async () => {
    const { timeProvider, context } = setup();
    const { reader, writer } = Channel.createUnbounded<number>();
    writer.tryWrite(1);
    const pending = ResultPipelineChannels.fanIn(
      context,
      [reader],
      async (_v, signal) => {
        const waited = await delay(1_000, { timeProvider, signal });
        return waited.isErr ? waited : ok();
      },
      { timeout: 100 },
    );
    await timeProvider.advance(100);
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.timeout");
  });
});

describe("ResultPipelineTimers.ticker", () => {
  it("unlinks from a long-lived signal when stopped, and when it completes on abort", () => {
    const shutdown = new AbortController();
    let live = 0;
    const add = shutdown.signal.addEventListener.bind(shutdown.signal);
    const remove = shutdown.signal.removeEventListener.bind(shutdown.signal);
    shutdown.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      live += 1;
      return add(...args);
    }) as typeof add;
    shutdown.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      live -= 1;
      return remove(...args);
    }) as typeof remove;
    for (let i = 0; i < 20; i++) {
      const request = new AbortController();
      const { context } = setup(request.signal);
      const t = ResultPipelineTimers.ticker(context, 10, { signal: shutdown.signal });
      if (i % 2 === 0) t.stop();
      else request.abort();
    }
    expect(live).toBe(0);
  });
});
