/**
 * select over 4 channels: 4 producers × 250,000 integers into bounded(1024) channels, one consumer taking one value
 * per select until every channel is drained. Producer p writes p × 250,000 + i; the consumer stores each value at
 * its arrival index, and the checksum hashes each producer's values in arrival order.
 *
 * The `@repeaterjs/repeater` peer of this workload runs in `repeater.bench.ts`, in a process of its own (see there).
 */
import { Channel, fanIn, prepareSelect, SelectCase, select } from "@pipe/channels";
import { ok, type Result } from "@pipe/result";
import { Effect, Queue } from "effect";
import { expectedPerSource } from "../checksum.ts";
import { type Benchmark, benchmark } from "../harness.ts";
import { arrivals, interleavedDigest } from "./arrivals.ts";
import { EMPTY, RingChannel, waitAny } from "./baseline.ts";

const CHANNELS = 4;
const PER = 250_000;
const N = CHANNELS * PER;
const CAP = 1024;

/** Baseline: poll the 4 ring channels in order, take one value from the first ready one, wait on any when empty. */
async function baseline(): Promise<number> {
  const chans = Array.from({ length: CHANNELS }, () => new RingChannel<number>(CAP));
  const producers = chans.map(async (ch, p) => {
    const base = p * PER;
    for (let i = 0; i < PER; i++) if (!ch.tryWrite(base + i)) await ch.write(base + i);
    ch.close();
  });
  let n = 0;
  for (;;) {
    let got = false;
    let open = 0;
    for (const ch of chans) {
      const v = ch.tryRead();
      if (v !== EMPTY) {
        arrivals[n++] = v;
        got = true;
        break;
      }
      if (!ch.done) open++;
    }
    if (got) continue;
    if (open === 0) break;
    await waitAny(chans);
  }
  await Promise.all(producers);
  return n;
}

function pipeChannels() {
  const chans = Array.from({ length: CHANNELS }, () => Channel.createBounded<number>(CAP));
  const producers = chans.map(async ({ writer }, p) => {
    const base = p * PER;
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(base + i)) await writer.write(base + i);
    writer.complete();
  });
  return { chans, producers };
}

const DONE: Result<void> = ok();

// The two select loops are separate functions (as a user writes one or the other): sharing one loop would mix
// their call-site feedback and slow both down.
async function pipeSelect(): Promise<number> {
  const { chans, producers } = pipeChannels();
  let n = 0;
  const onValue = (v: number): Result<void> => {
    arrivals[n++] = v;
    return DONE;
  };
  const cases = chans.map((c) => SelectCase.read(c.reader, onValue));
  for (;;) {
    const r = select(cases);
    const res = r instanceof Promise ? await r : r;
    if (res.isErr) {
      if (res.error.code === "error.select.drained") break;
      throw new Error(res.error.message);
    }
  }
  await Promise.all(producers);
  return n;
}

async function pipePrepared(): Promise<number> {
  const { chans, producers } = pipeChannels();
  let n = 0;
  const onValue = (v: number): Result<void> => {
    arrivals[n++] = v;
    return DONE;
  };
  const sel = prepareSelect(chans.map((c) => SelectCase.read(c.reader, onValue)));
  for (;;) {
    const r = sel.run();
    const res = r instanceof Promise ? await r : r;
    if (res.isErr) {
      if (res.error.code === "error.select.drained") break;
      throw new Error(res.error.message);
    }
  }
  await Promise.all(producers);
  return n;
}

/** The select loop packaged: fanIn runs a handler per value until every reader is drained. */
async function pipeFanIn(): Promise<number> {
  const { chans, producers } = pipeChannels();
  let n = 0;
  const r = await fanIn(
    chans.map((c) => c.reader),
    (v) => {
      arrivals[n++] = v;
    },
  );
  if (r.isErr) throw new Error(r.error.message);
  await Promise.all(producers);
  return n;
}

/** Effect has no select over queues; the closest peer is one consumer taking from a queue fed by 4 fibers. */
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
      const producers = Array.from({ length: CHANNELS }, (_, p) => producer(p));
      const results = yield* Effect.all([consumer, ...producers], { concurrency: "unbounded" });
      return results[0] as number;
    }),
  );
}

const definition: Benchmark = benchmark<number>({
  name: "channels: select over 4 channels",
  workload: `${CHANNELS} producers × ${PER.toLocaleString("en")} integers into bounded(${CAP}) channels; one consumer runs select over the 4 read cases until all are drained`,
  baselineNote:
    "a hand-written poll over 4 minimal ring channels (first ready wins, one value per iteration) + wait-on-any when all are empty",
  rounds: 11,
  itemsPerSample: N,
  checksum: (count) => interleavedDigest(count, CHANNELS, PER),
  expected: expectedPerSource(CHANNELS, PER),
  guard: true,
  baseline: { name: "hand-written ring channels + poll loop", run: baseline },
  variants: [
    { name: "@pipe/channels select(cases)", run: pipeSelect, target: 1.5, bound: 4 },
    { name: "@pipe/channels prepareSelect().run()", run: pipePrepared, target: 1.5, bound: 2 },
    { name: "@pipe/channels fanIn() (select loop)", run: pipeFanIn },
    { name: "effect Queue.bounded (4 fibers → 1 queue, no select)", run: effect },
  ],
});
export default definition;
