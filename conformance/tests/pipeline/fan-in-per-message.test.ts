/**
 * `ResultPipelineChannels.fanIn` with `retain: "message"` and several handlers in flight, on every runtime
 * (issue 14 items 5 and 6): handlers that register on the shared context after awaits (seed 001) keep the
 * scope at the in-flight messages' entries on an always-busy feed, and every handler gets its message
 * context, whatever it declares.
 */
import {
  Channel,
  CompensationScope,
  ok,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "@pipe/pipeline";
import { describe, expect, it } from "../../src/harness.ts";

const CONCURRENCY = 4;
const MESSAGES = 5_000;

describe("pipeline fanIn retain 'message' (per-message release)", () => {
  it("shared-context registrations made after awaits are released per message on a busy feed", async () => {
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
    const feed = Channel.createBounded<number>({ capacity: 64 });
    void (async () => {
      for (let i = 0; i < MESSAGES; i++) if (!feed.writer.tryWrite(i)) await feed.writer.write(i);
      feed.writer.complete();
    })();
    let worst = 0;
    const result = await ResultPipelineChannels.fanIn(
      context,
      [feed.reader],
      async (v: number) => {
        // Uneven depths: handlers overlap and finish out of order, so some handler is always in flight.
        for (let t = (v * 7) % 13; t >= 0; t--) await Promise.resolve();
        context.registerCompensation(v, () => {});
        context.compensationScope.register(() => {});
        worst = Math.max(worst, scope.size);
        return ok();
      },
      { concurrency: CONCURRENCY, retain: "message" },
    );
    expect(result.isOk).toBe(true);
    // At most the in-flight messages' two entries each (it used to keep every message's until the end).
    expect(worst <= 2 * CONCURRENCY).toBe(true);
    expect(scope.hasActions).toBe(false);
  });

  it("every handler gets its message context, rest parameters included", async () => {
    const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in" });
    const feed = Channel.createUnbounded<number>();
    feed.writer.tryWrite(1);
    feed.writer.tryWrite(2);
    feed.writer.complete();
    const seen: unknown[] = [];
    const result = await ResultPipelineChannels.fanIn(
      context,
      new Set([feed.reader]),
      (...args: [number, AbortSignal, ResultPipelineStepContext]) => {
        seen.push(args[2]);
        return ok();
      },
      { concurrency: 2 },
    );
    expect(result.isOk).toBe(true);
    expect(seen.length).toBe(2);
    for (const c of seen) expect(c instanceof ResultPipelineStepContext).toBe(true);
  });
});
