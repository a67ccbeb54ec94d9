/**
 * (2) 8 producers × 125,000 numbers merged into one consumer.
 *
 * The `@repeaterjs/repeater` peer of this workload runs in `repeater.bench.ts`, in a process of its own (see there).
 */
import { Channel, merge, NO_VALUE } from "@pipe/channels";
import { Effect, Queue } from "effect";
import { benchmark } from "../harness.ts";
import { EMPTY, RingChannel, waitAny } from "./baseline.ts";

const PRODUCERS = 8;
const PER = 125_000;
const N = PRODUCERS * PER;
const CAP = 1024;

/** Baseline: 8 ring channels, a hand-written merge loop into a ring channel, one consumer. */
async function baseline(): Promise<number> {
  const sources = Array.from({ length: PRODUCERS }, () => new RingChannel<number>(CAP));
  const dest = new RingChannel<number>(CAP);
  const producers = sources.map(async (ch, p) => {
    for (let i = 0; i < PER; i++) if (!ch.tryWrite(p + i)) await ch.write(p + i);
    ch.close();
  });
  const merger = (async () => {
    for (;;) {
      let progressed = false;
      let open = 0;
      for (const s of sources) {
        const v = s.tryRead();
        if (v !== EMPTY) {
          if (!dest.tryWrite(v)) await dest.write(v);
          progressed = true;
          break;
        }
        if (!s.done) open++;
      }
      if (progressed) continue;
      if (open === 0) break;
      await waitAny(sources);
    }
    dest.close();
  })();
  let sum = 0;
  for (;;) {
    const v = dest.tryRead();
    if (v !== EMPTY) {
      sum += v;
      continue;
    }
    const more = dest.waitToRead();
    if (!(more instanceof Promise ? await more : more)) break;
  }
  await Promise.all([...producers, merger]);
  return sum;
}

async function pipeMerge(): Promise<number> {
  const sources = Array.from({ length: PRODUCERS }, () => Channel.createBounded<number>(CAP));
  const dest = Channel.createBounded<number>(CAP);
  const producers = sources.map(async ({ writer }, p) => {
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(p + i)) await writer.write(p + i);
    writer.complete();
  });
  const merged = merge(
    sources.map((s) => s.reader),
    dest.writer,
  );
  let sum = 0;
  for (;;) {
    const v = dest.reader.tryRead();
    if (v !== NO_VALUE) {
      sum += v;
      continue;
    }
    const more = dest.reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await Promise.all(producers);
  if (!(await merged).isOk) throw new Error("merge failed");
  return sum;
}

/** Many writers into one shared bounded channel (no merge step). */
async function pipeShared(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  let live = PRODUCERS;
  const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(p + i)) await writer.write(p + i);
    if (--live === 0) writer.complete();
  });
  let sum = 0;
  for (;;) {
    const v = reader.tryRead();
    if (v !== NO_VALUE) {
      sum += v;
      continue;
    }
    const more = reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await Promise.all(producers);
  return sum;
}

function effect(): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* Queue.bounded<number>(CAP);
      const producer = (p: number) =>
        Effect.gen(function* () {
          for (let i = 0; i < PER; i++) yield* Queue.offer(q, p + i);
        });
      const consumer = Effect.gen(function* () {
        let sum = 0;
        for (let i = 0; i < N; i++) sum += yield* Queue.take(q);
        return sum;
      });
      const producers = Array.from({ length: PRODUCERS }, (_, p) => producer(p));
      const results = yield* Effect.all([consumer, ...producers], { concurrency: "unbounded" });
      return results[0] as number;
    }),
  );
}

export default benchmark({
  name: "channels: 8 producers × 125,000 merged into one consumer",
  workload: `${PRODUCERS} producers each write ${PER.toLocaleString("en")} numbers into their own bounded(${CAP}); a merge forwards them into one bounded(${CAP}) read by one consumer`,
  baselineNote:
    "8 minimal ring channels + a hand-written merge loop (poll, forward, wait on any) + a ring channel",
  samples: 10,
  itemsPerSample: N,
  baseline: { name: "hand-written ring channels + merge loop", run: baseline },
  variants: [
    { name: "@pipe/channels merge()", run: pipeMerge, bound: 1.25, guardRuntimes: ["node"] },
    { name: "@pipe/channels shared channel (8 writers)", run: pipeShared },
    { name: "effect Queue.bounded (8 fibers)", run: effect },
  ],
});
