/**
 * Soak: an endless-feed fan-in (seed 001 pattern) with `retain: "message"` and several handlers in flight holds
 * flat memory. One million messages through a bounded channel; every handler registers on the shared context
 * (stateful and closure forms, after an await, as the seed does), on its message context and on the scope
 * directly. The heap after a full GC at 1,000,000 messages stays within a few MB of the heap at 100,000, and
 * the scope never holds more than the in-flight messages' entries.
 *
 * Needs `globalThis.gc`: this package's vitest config starts its workers with `--expose-gc`.
 */
import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  Result,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "../src/index.node.ts";

const TOTAL = 1_000_000;
const FIRST_MARK = 100_000;
const CONCURRENCY = 8;
const ENTRIES_PER_MESSAGE = 4;
const ALLOWED_GROWTH = 4 * 1024 * 1024;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe("fanIn soak (retain 'message', concurrency 8)", () => {
  it("holds flat memory over 1,000,000 messages", async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc, "vitest must run with --expose-gc").toBe("function");
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
    const feed = Channel.createBounded<number>({ capacity: 1024, singleWriter: true });
    void (async () => {
      for (let i = 0; i < TOTAL; i++) {
        if (!feed.writer.tryWrite(i)) await feed.writer.write(i);
      }
      feed.writer.complete();
    })();

    const released: number[] = [];
    const undo = (key: number): void => void released.push(key);
    let handled = 0;
    let maxScope = 0;
    const heap: number[] = [];
    const result = await ResultPipelineChannels.fanIn(
      context,
      [feed.reader],
      (key: number, signal: AbortSignal, message: ResultPipelineStepContext) =>
        Result.tryAsync(
          async () => {
            // Uneven await depths keep handlers overlapping, so some handler is always in flight.
            for (let t = key % 4; t >= 0; t--) await Promise.resolve();
            context.registerCompensation(key, undo);
            context.registerCompensation(async () => undo(key));
            message.registerCompensation(key, undo);
            scope.register(key, undo);
            handled++;
            if (scope.size > maxScope) maxScope = scope.size;
            if (handled === FIRST_MARK || handled === TOTAL - CONCURRENCY) heap.push(heapAfterGc());
          },
          { signal },
        ),
      { concurrency: CONCURRENCY, retain: "message" },
    );

    expect(result.isOk).toBe(true);
    expect(handled).toBe(TOTAL);
    expect(released).toEqual([]);
    expect(scope.hasActions).toBe(false);
    const [atFirstMark, atEnd] = heap as [number, number];
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    expect(atEnd - atFirstMark, `heap ${mb(atFirstMark)} MB at 100k, ${mb(atEnd)} MB at 1M`).toBeLessThan(
      ALLOWED_GROWTH,
    );
    expect(maxScope).toBeLessThanOrEqual(CONCURRENCY * ENTRIES_PER_MESSAGE);
  });
});
