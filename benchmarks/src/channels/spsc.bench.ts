/**
 * W1: one producer → one consumer, 1,000,000 integers through a bounded(1024) channel with real backpressure, in
 * two styles: the fast path (`tryWrite`/`tryRead`, awaiting only when full or empty) against a hand-written ring
 * buffer, and the plain way (`await write` + `for await`) against a hand-written channel awaited on every
 * operation. The consumer stores each value at its arrival index; the checksum hashes the arrivals in order
 * (after the timer stopped), so a lost, duplicated or reordered value fails the run.
 *
 * The `@repeaterjs/repeater` peer of this workload runs in `repeater.bench.ts`, in a process of its own (see there).
 */
import { Channel, NO_VALUE } from "@pipe/channels";
import { Effect, Queue } from "effect";
import { type Benchmark, benchmark } from "../harness.ts";
import { arrivals, SEQUENCE_EXPECTED, sequenceDigest } from "./arrivals.ts";
import { AwaitChannel, EMPTY, RingChannel } from "./baseline.ts";

const N = 1_000_000;
const CAP = 1024;

async function ringFast(): Promise<number> {
  const ch = new RingChannel<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) if (!ch.tryWrite(i)) await ch.write(i);
    ch.close();
  })();
  let n = 0;
  for (;;) {
    const v = ch.tryRead();
    if (v !== EMPTY) {
      arrivals[n++] = v;
      continue;
    }
    const more = ch.waitToRead();
    if (!(more instanceof Promise ? await more : more)) break;
  }
  await producer;
  return n;
}

async function pipeFast(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) if (!writer.tryWrite(i)) await writer.write(i);
    writer.complete();
  })();
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
  await producer;
  return n;
}

async function awaitEveryOp(): Promise<number> {
  const ch = new AwaitChannel<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) await ch.write(i);
    ch.close();
  })();
  let n = 0;
  for await (const v of ch) arrivals[n++] = v;
  await producer;
  return n;
}

async function pipePlain(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) {
      const r = await writer.write(i);
      if (!r.isOk) throw new Error(r.error.message);
    }
    writer.complete();
  })();
  let n = 0;
  for await (const v of reader) arrivals[n++] = v;
  await producer;
  return n;
}

function effect(): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* Queue.bounded<number>(CAP);
      const producer = Effect.gen(function* () {
        for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
      });
      const consumer = Effect.gen(function* () {
        for (let n = 0; n < N; n++) arrivals[n] = yield* Queue.take(q);
        return N;
      });
      const [, n] = yield* Effect.all([producer, consumer], { concurrency: 2 });
      return n;
    }),
  );
}

const common = {
  itemsPerSample: N,
  checksum: sequenceDigest,
  expected: SEQUENCE_EXPECTED,
  guard: true,
} as const;

/** W1, fast path. */
export const fast: Benchmark = benchmark<number>({
  ...common,
  name: "W1 channels: 1 → 1 bounded(1024), fast path",
  workload: `${N.toLocaleString("en")} integers through a bounded channel of ${CAP} with backpressure (tryWrite/tryRead, await only when full/empty)`,
  baselineNote:
    "a minimal ring-buffer channel (RingChannel): sync fast path, a promise only when full or empty",
  rounds: 15,
  baseline: { name: "hand-written ring channel", run: ringFast },
  variants: [
    { name: "@pipe/channels tryWrite/tryRead", run: pipeFast, target: 1.25, bound: 1.6 },
    { name: "effect Queue.bounded", run: effect },
  ],
});

/** W1, the plain way. */
export const plain: Benchmark = benchmark<number>({
  ...common,
  name: "W1 channels: 1 → 1 bounded(1024), the plain way",
  workload: `${N.toLocaleString("en")} integers through a bounded channel of ${CAP}: \`await write\` per value, \`for await\` to read`,
  baselineNote:
    "a hand-written channel awaited on every operation (AwaitChannel: a shared resolved promise per write with room, a resolved promise per read with data)",
  rounds: 11,
  baseline: { name: "hand-written await-per-op channel", run: awaitEveryOp },
  variants: [{ name: "@pipe/channels await write + for await", run: pipePlain, target: 1.1, bound: 1.6 }],
});

export default [fast, plain];
