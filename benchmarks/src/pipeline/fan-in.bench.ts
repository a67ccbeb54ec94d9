/**
 * Fan-in with seed 001's per-message compensations: 4 feeds × 250,000 messages through bounded(1024) channels fed
 * by concurrent producers, one handler at a time. Per message the handler registers seed 001's two compensations
 * (one with the message as state, one without) and they are released when it succeeds (`retain: "message"`).
 * The handler stores each message at its arrival index; the checksum hashes each feed's messages in arrival order.
 *
 * Baseline: a hand-written drain (`tryRead` across the readers until each is empty, `waitToRead` on all when every
 * reader is empty) pushing the same two undo closures per message into an array and clearing it after each
 * message succeeds. Both read the same @pipe channels, so the ratio is the cost of fanIn and its compensations.
 *
 * The heap is measured after a full GC before the first run and after the last: it must stay flat (the
 * benchmark fails when it grows by more than 32 MB, which a leak of 1,000,000 compensations per run exceeds).
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
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "@pipe/pipeline";
import { expectedPerSource, perSourceDigest } from "../checksum.ts";
import { fullGc, heapUsed } from "../gc.ts";
import { type Benchmark, benchmark } from "../harness.ts";

const FEEDS = 4;
const PER_FEED = 250_000;
const TOTAL = FEEDS * PER_FEED;
const HEAP_LIMIT = 32 * 1024 * 1024;

const arrivals = new Int32Array(TOTAL);
let undone = 0;
const undoWithKey = (key: number): void => {
  undone += key;
};
const undoEvent = (): void => {
  undone++;
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

async function baselineDrain(): Promise<number> {
  const live = feeds();
  const undoLog: (() => void)[] = [];
  let n = 0;
  while (live.length > 0) {
    let got = false;
    for (let r = 0; r < live.length; r++) {
      const reader = live[r] as ChannelReader<number>;
      for (let v = reader.tryRead(); v !== NO_VALUE; v = reader.tryRead()) {
        got = true;
        undoLog.push(() => undoWithKey(v));
        undoLog.push(undoEvent);
        arrivals[n++] = v;
        undoLog.length = 0;
      }
    }
    if (got) continue;
    const waits = live.map((reader) => reader.waitToRead());
    const settled = await Promise.race(
      waits.map((w, i) => Promise.resolve(w).then((res) => ({ i, more: res.isOk && res.value }))),
    );
    if (!settled.more) live.splice(settled.i, 1);
  }
  return n;
}

async function pipeFanIn(): Promise<number> {
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
  let n = 0;
  const result = await ResultPipelineChannels.fanIn(
    context,
    feeds(),
    (v: number) => {
      context.registerCompensation(v, undoWithKey);
      context.registerCompensation(undoEvent);
      arrivals[n++] = v;
      return ok();
    },
    { retain: "message" },
  );
  if (result.isErr) throw new Error(result.error.message);
  if (scope.hasActions) throw new Error("compensations were left in the scope after a clean run");
  return n;
}

let heapBefore = 0;

const definition: Benchmark = benchmark<number>({
  name: "pipeline: fanIn 4 × 250,000 with seed 001's per-message compensations",
  workload:
    "4 bounded feeds × 250,000 messages, one handler at a time, two compensations registered and released per message",
  baselineNote:
    "a hand-written tryRead/waitToRead drain over the same channels with an undo array (two closures per message) cleared per message",
  rounds: 11,
  warmup: 1,
  itemsPerSample: TOTAL,
  checksum: (count) => {
    const sum = count > TOTAL ? `overflow ${count}` : perSourceDigest(arrivals, count, FEEDS, PER_FEED);
    arrivals.fill(-1);
    return undone === 0 ? sum : `${sum} (undone ${undone} on a clean run)`;
  },
  expected: expectedPerSource(FEEDS, PER_FEED),
  guard: true,
  setup: () => {
    fullGc();
    heapBefore = heapUsed();
  },
  teardown: () => {
    fullGc();
    const grew = heapUsed() - heapBefore;
    const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
    console.log(
      `\n  fanIn heap after a full GC: ${mb(heapBefore)} MB before the runs, ${mb(heapBefore + grew)} MB after`,
    );
    if (grew > HEAP_LIMIT)
      throw new Error(`the heap grew by ${mb(grew)} MB over the runs (limit ${mb(HEAP_LIMIT)} MB)`);
  },
  baseline: { name: "hand-written drain + undo array", run: baselineDrain },
  variants: [
    {
      name: "@pipe fanIn (seed 001: registers on the shared context)",
      run: pipeFanIn,
      target: 1.5,
      bound: 2.5,
    },
  ],
});
export default definition;
