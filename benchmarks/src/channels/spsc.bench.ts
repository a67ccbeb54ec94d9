/**
 * (1) One producer → one consumer: 1,000,000 numbers through a bounded(1024) channel with real backpressure.
 *
 * The `@repeaterjs/repeater` peer of this workload runs in `repeater.bench.ts`, in a process of its own (see there).
 */
import { Channel, NO_VALUE } from "@pipe/channels";
import { Effect, Queue } from "effect";
import { benchmark } from "../harness.ts";
import { EMPTY, RingChannel } from "./baseline.ts";

const N = 1_000_000;
const CAP = 1024;

async function baseline(): Promise<number> {
  const ch = new RingChannel<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) if (!ch.tryWrite(i)) await ch.write(i);
    ch.close();
  })();
  let sum = 0;
  for (;;) {
    const v = ch.tryRead();
    if (v !== EMPTY) {
      sum += v;
      continue;
    }
    const more = ch.waitToRead();
    if (!(more instanceof Promise ? await more : more)) break;
  }
  await producer;
  return sum;
}

async function pipe(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) if (!writer.tryWrite(i)) await writer.write(i);
    writer.complete();
  })();
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
  await producer;
  return sum;
}

async function pipeForAwait(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) {
      const r = writer.write(i);
      if (r instanceof Promise) await r;
    }
    writer.complete();
  })();
  let sum = 0;
  for await (const v of reader) sum += v;
  await producer;
  return sum;
}

function effect(): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* Queue.bounded<number>(CAP);
      const producer = Effect.gen(function* () {
        for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
      });
      const consumer = Effect.gen(function* () {
        let sum = 0;
        for (let i = 0; i < N; i++) sum += yield* Queue.take(q);
        return sum;
      });
      const [, sum] = yield* Effect.all([producer, consumer], { concurrency: 2 });
      return sum;
    }),
  );
}

export default benchmark({
  name: "channels: 1 producer → 1 consumer, bounded(1024)",
  workload: `${N.toLocaleString("en")} numbers through a bounded channel of ${CAP} with backpressure (tryWrite/tryRead, await only when full/empty)`,
  baselineNote:
    "a minimal ring-buffer channel (RingChannel): sync fast path, a promise only when full or empty",
  samples: 12,
  itemsPerSample: N,
  baseline: { name: "hand-written ring channel", run: baseline },
  variants: [
    { name: "@pipe/channels", run: pipe, bound: 1.25, guardRuntimes: ["node"] },
    { name: "@pipe/channels (write + for await)", run: pipeForAwait },
    { name: "effect Queue.bounded", run: effect },
  ],
});
