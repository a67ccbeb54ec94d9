/**
 * W2: 8 producers × 125,000 integers, each into its own bounded(1024) channel, merged into one bounded(1024)
 * channel read by one consumer. Producer p writes p × 125,000 + i; the consumer stores each value at its arrival
 * index, and the checksum hashes each producer's values in arrival order (any interleaving of producers is
 * legal; a lost, duplicated or reordered value within a producer fails the run).
 *
 * The `@repeaterjs/repeater` peer of this workload runs in `repeater.bench.ts`, in a process of its own (see there).
 */
import { Channel, merge, NO_VALUE } from "@pipe/channels";
import { Effect, Queue } from "effect";
import { expectedPerSource } from "../checksum.ts";
import { type Benchmark, benchmark } from "../harness.ts";
import { arrivals, interleavedDigest } from "./arrivals.ts";
import { EMPTY, RingChannel, waitAny } from "./baseline.ts";

const PRODUCERS = 8;
const PER = 125_000;
const N = PRODUCERS * PER;
const CAP = 1024;

/** Baseline: 8 ring channels, a hand-written merge loop (drain each ready source in turn), a ring channel. */
async function baseline(): Promise<number> {
  const sources = Array.from({ length: PRODUCERS }, () => new RingChannel<number>(CAP));
  const dest = new RingChannel<number>(CAP);
  const producers = sources.map(async (ch, p) => {
    const base = p * PER;
    for (let i = 0; i < PER; i++) if (!ch.tryWrite(base + i)) await ch.write(base + i);
    ch.close();
  });
  const merger = (async () => {
    for (;;) {
      let moved = false;
      let open = 0;
      for (const s of sources) {
        for (let v = s.tryRead(); v !== EMPTY; v = s.tryRead()) {
          moved = true;
          if (!dest.tryWrite(v)) await dest.write(v);
        }
        if (!s.done) open++;
      }
      if (moved) continue;
      if (open === 0) break;
      await waitAny(sources);
    }
    dest.close();
  })();
  let n = 0;
  for (;;) {
    const v = dest.tryRead();
    if (v !== EMPTY) {
      arrivals[n++] = v;
      continue;
    }
    const more = dest.waitToRead();
    if (!(more instanceof Promise ? await more : more)) break;
  }
  await Promise.all([...producers, merger]);
  return n;
}

async function pipeMerge(): Promise<number> {
  const sources = Array.from({ length: PRODUCERS }, () => Channel.createBounded<number>(CAP));
  const dest = Channel.createBounded<number>(CAP);
  const producers = sources.map(async ({ writer }, p) => {
    const base = p * PER;
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(base + i)) await writer.write(base + i);
    writer.complete();
  });
  const merged = merge(
    sources.map((s) => s.reader),
    dest.writer,
  );
  let n = 0;
  for (;;) {
    const v = dest.reader.tryRead();
    if (v !== NO_VALUE) {
      arrivals[n++] = v;
      continue;
    }
    const more = dest.reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await Promise.all(producers);
  if (!(await merged).isOk) throw new Error("merge failed");
  return n;
}

/** Many writers into one shared bounded channel (no merge step). */
async function pipeShared(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  let live = PRODUCERS;
  const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
    const base = p * PER;
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(base + i)) await writer.write(base + i);
    if (--live === 0) writer.complete();
  });
  let n = 0;
  for (;;) {
    const v = reader.tryRead();
    if (v !== NO_VALUE) {
      arrivals[n++] = v;
      continue;
    }
    const more = reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await Promise.all(producers);
  return n;
}

function effect(): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* Queue.bounded<number>(CAP);
      const producer = (p: number) =>
        Effect.gen(function* () {
          for (let i = 0; i < PER; i++) yield* Queue.offer(q, p * PER + i);
        });
      const consumer = Effect.gen(function* () {
        for (let n = 0; n < N; n++) arrivals[n] = yield* Queue.take(q);
        return N;
      });
      const producers = Array.from({ length: PRODUCERS }, (_, p) => producer(p));
      const results = yield* Effect.all([consumer, ...producers], { concurrency: "unbounded" });
      return results[0] as number;
    }),
  );
}

const definition: Benchmark = benchmark<number>({
  name: "W2 channels: 8 producers × 125,000 → merge → 1 consumer",
  workload: `${PRODUCERS} producers each write ${PER.toLocaleString("en")} integers into their own bounded(${CAP}); a merge forwards them into one bounded(${CAP}) read by one consumer`,
  baselineNote:
    "8 minimal ring channels + a hand-written merge loop (drain each ready source, forward, wait on any) + a ring channel",
  rounds: 11,
  itemsPerSample: N,
  checksum: (count) => interleavedDigest(count, PRODUCERS, PER),
  expected: expectedPerSource(PRODUCERS, PER),
  guard: true,
  baseline: { name: "hand-written ring channels + merge loop", run: baseline },
  variants: [
    { name: "@pipe/channels merge()", run: pipeMerge, target: 1.5, bound: 2.5 },
    { name: "@pipe/channels shared channel (8 writers)", run: pipeShared },
    { name: "effect Queue.bounded (8 fibers)", run: effect },
  ],
});
export default definition;
