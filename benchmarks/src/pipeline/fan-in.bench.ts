/**
 * Fan-in with per-message compensations: 4 feeds × 250,000 messages through bounded channels (capacity 1,024,
 * fed by concurrent producers), one handler at a time, each handler registering one compensation that is
 * released when it succeeds (`retain: "message"`), per sample. The heap is measured at the start and end of
 * each sample (after a GC when the runtime exposes one) and printed at teardown: it must stay flat.
 *
 * Baseline: a hand-written round-robin drain (`tryRead` across the readers, `waitToRead` when all are empty)
 * pushing the undo closure into an array and clearing it after each successful message.
 *
 * @module
 */
import {
  Channel,
  type ChannelReader,
  type ChannelWriter,
  CompensationScope,
  NO_VALUE,
  ok,
  type PipelineFanInHandler,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "@pipe/pipeline";
import { benchmark } from "../harness.ts";

const FEEDS = 4;
const PER_FEED = 250_000;
const TOTAL = FEEDS * PER_FEED;

let handled = 0;
let _undoCount = 0;
const undo = (n: number): void => {
  _undoCount += n;
};

async function produce(writer: ChannelWriter<number>, base: number): Promise<void> {
  for (let i = 0; i < PER_FEED; i++) {
    const v = base + i;
    if (!writer.tryWrite(v)) {
      const r = await writer.write(v);
      if (r.isErr) return;
    }
  }
  writer.complete();
}

function feeds(): ChannelReader<number>[] {
  const readers: ChannelReader<number>[] = [];
  for (let f = 0; f < FEEDS; f++) {
    const { reader, writer } = Channel.createBounded<number>({
      capacity: 1024,
      singleReader: true,
      singleWriter: true,
    });
    void produce(writer, f * PER_FEED);
    readers.push(reader);
  }
  return readers;
}

const heap: { start: number; end: number }[] = [];
const gc = (): void => {
  const g = globalThis as { gc?: () => void; Bun?: { gc?: (force: boolean) => void } };
  if (typeof g.gc === "function") g.gc();
  else g.Bun?.gc?.(true);
};
const canGc = (): boolean => {
  const g = globalThis as { gc?: () => void; Bun?: { gc?: (force: boolean) => void } };
  return typeof g.gc === "function" || typeof g.Bun?.gc === "function";
};
const heapUsed = (): number =>
  (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process?.memoryUsage?.()
    .heapUsed ?? 0;

async function baselineDrain(readers: ChannelReader<number>[]): Promise<void> {
  const live = [...readers];
  const undoLog: (() => void)[] = [];
  while (live.length > 0) {
    let got = false;
    for (let i = 0; i < live.length; i++) {
      const v = (live[i] as ChannelReader<number>).tryRead();
      if (v === NO_VALUE) continue;
      got = true;
      undoLog.push(() => undo(v));
      handled += v & 1;
      undoLog.length = 0;
    }
    if (got) continue;
    const waits = live.map((r) => r.waitToRead());
    const settled = await Promise.race(
      waits.map((w, i) => Promise.resolve(w).then((r) => ({ i, ready: r.isOk && r.value }))),
    );
    if (!settled.ready) {
      const r = await waits[settled.i];
      if (r?.isOk && !r.value) live.splice(settled.i, 1);
    }
  }
}

async function runPipe(
  concurrency: number,
  makeHandler: (context: ResultPipelineStepContext) => PipelineFanInHandler<number>,
): Promise<number> {
  handled = 0;
  gc();
  const start = heapUsed();
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "bench.fan-in", compensationScope: scope });
  const result = await ResultPipelineChannels.fanIn(context, feeds(), makeHandler(context), {
    retain: "message",
    concurrency,
  });
  gc();
  const end = heapUsed();
  heap.push({ start, end });
  // Flat memory guard: only meaningful when the runtime lets us force a GC (Bun, node --expose-gc).
  const grew = canGc() && end - start > 32 * 1024 * 1024;
  return result.isOk && !scope.hasActions && !grew ? handled : -1;
}

export default benchmark({
  name: "pipeline: fanIn 4 × 250,000 with per-message compensations (retain message)",
  workload:
    "4 bounded feeds × 250,000 messages, one handler at a time, one compensation registered and released per message",
  baselineNote: "a hand-written round-robin tryRead/waitToRead drain with an undo array cleared per message",
  samples: 7,
  warmup: 1,
  itemsPerSample: TOTAL,
  baseline: {
    name: "hand-written drain + undo array",
    run: async () => {
      handled = 0;
      await baselineDrain(feeds());
      return handled;
    },
  },
  variants: [
    {
      name: "@pipe fanIn (registers on the shared context, seed 001)",
      run: () =>
        runPipe(1, (context) => (v: number) => {
          context.registerCompensation(v, undo);
          handled += v & 1;
          return ok();
        }),
    },
    {
      name: "@pipe fanIn, concurrency 8, per-message context",
      run: () =>
        runPipe(8, () => (v: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
          message.registerCompensation(v, undo);
          handled += v & 1;
          return ok();
        }),
    },
  ],
  teardown: () => {
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    const first = heap[0];
    const last = heap[heap.length - 1];
    if (first !== undefined && last !== undefined) {
      console.log(
        `\n  fanIn heap: first sample ${mb(first.start)} → ${mb(first.end)} MB; last sample ${mb(last.start)} → ${mb(last.end)} MB`,
      );
    }
  },
});
