/**
 * `fanIn` on a context that other code registers on while it runs (seed 001's context shared with sibling steps),
 * through the server entry (an async store attributes what handlers register after an await): a clean fan-in
 * removes exactly its messages' compensations and leaves every sibling's in the scope, whatever the retain mode,
 * concurrency, handler style and interleaving; after a failure every staged compensation runs once, newest first.
 */
import "../src/index.node.ts";
import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  ok,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "../src/index.ts";
import { setDirectSink } from "../src/internal/registration-tracking.ts";
import { siblingCases } from "./fan-in-siblings-support.ts";

describe("fanIn keeps compensations other code registers on its context (server entry)", () => {
  siblingCases("exact");

  it("does not attribute to a handler what another task registers while the handler awaits", async () => {
    for (const retain of ["pipeline", "message"] as const) {
      for (const concurrency of [1, 2]) {
        const scope = new CompensationScope();
        const ctx = new ResultPipelineStepContext({ stepName: "s", compensationScope: scope });
        const ch = Channel.createUnbounded<number>();
        ch.writer.tryWrite(1);
        ch.writer.tryComplete();
        let resume = (): void => {};
        const run = ResultPipelineChannels.fanIn(
          ctx,
          [ch.reader],
          async () => {
            ctx.registerCompensation("mine", () => {});
            await new Promise<void>((resolve) => {
              resume = resolve;
            });
            ctx.registerCompensation("mine after", () => {});
            return ok();
          },
          { retain, concurrency },
        );
        // Another task (this test), while the handler awaits.
        await new Promise((resolve) => setImmediate(resolve));
        ctx.registerCompensation("sibling", () => {});
        resume();
        expect((await run).isOk).toBe(true);
        expect(scope.size, `retain ${retain}, concurrency ${concurrency}`).toBe(1);
      }
    }
  });

  it("keeps the siblings when a handler ends its message context itself (retain message)", async () => {
    const scope = new CompensationScope();
    const ctx = new ResultPipelineStepContext({ stepName: "s", compensationScope: scope });
    ctx.registerCompensation("sibling", () => {});
    const ch = Channel.createUnbounded<number>();
    ch.writer.tryWrite(1);
    ch.writer.tryComplete();
    const r = await ResultPipelineChannels.fanIn(
      ctx,
      [ch.reader],
      (_v: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
        message.registerCompensation("mine", () => {});
        message.end();
        return ok();
      },
      { retain: "message" },
    );
    expect(r.isOk).toBe(true);
    expect(scope.size).toBe(1);
  });

  it("removes what a nested fan-in's handlers register on the outer context with the outer message", async () => {
    for (const retain of ["pipeline", "message"] as const) {
      const scope = new CompensationScope();
      const outer = new ResultPipelineStepContext({ stepName: "outer", compensationScope: scope });
      const outerFeed = Channel.createUnbounded<number>();
      outerFeed.writer.tryWrite(1);
      outerFeed.writer.tryWrite(2);
      outerFeed.writer.tryComplete();
      let open = (): void => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const r = ResultPipelineChannels.fanIn(
        outer,
        [outerFeed.reader],
        (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
          const innerFeed = Channel.createUnbounded<number>();
          innerFeed.writer.tryWrite(id * 10);
          innerFeed.writer.tryComplete();
          // The inner fan-in runs on the message context; its handler registers on the outer context.
          return ResultPipelineChannels.fanIn(
            message,
            [innerFeed.reader],
            async (v: number) => {
              await Promise.resolve();
              outer.registerCompensation(v, () => {});
              await gate;
              return ok();
            },
            { retain, concurrency: 2 },
          );
        },
        { retain, concurrency: 2 },
      );
      await new Promise((resolve) => setImmediate(resolve));
      // A sibling of the outer fan-in (this test's task) while both inner handlers wait.
      outer.registerCompensation("sibling", () => {});
      expect(scope.size).toBe(3);
      open();
      expect((await r).isOk).toBe(true);
      expect(scope.size, `retain ${retain}`).toBe(1);
    }
  });

  it("stops attributing registrations when its clock throws while the fan-in starts", async () => {
    const clock = {
      now: () => 0,
      setTimeout: (): never => {
        throw new Error("clock broken");
      },
      clearTimeout: () => {},
    };
    const ctx = new ResultPipelineStepContext({ stepName: "s", timeProvider: clock });
    const ch = Channel.createUnbounded<number>();
    await expect(
      ResultPipelineChannels.fanIn(ctx, [ch.reader], (v: number) => ok(v), { timeout: 1_000 }),
    ).rejects.toThrow("clock broken");
    // Nobody tracks any more: a registration outside any fan-in reaches no sink.
    const noted: number[] = [];
    const previous = setDirectSink({ note: (seq) => void noted.push(seq) });
    try {
      new CompensationScope().register(() => {});
    } finally {
      setDirectSink(previous);
    }
    expect(noted).toEqual([]);
  });
});
