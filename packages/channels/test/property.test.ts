import type { Result } from "@pipe/result";
import { ok } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  type ChannelWriter,
  NO_VALUE,
  SelectCase,
  select,
} from "../src/index.ts";
import { flush, parked } from "./helpers.ts";

type Op =
  | { kind: "write"; writer: number; abortable: boolean }
  | { kind: "tryWrite"; writer: number }
  | { kind: "read"; abortable: boolean }
  | { kind: "tryRead" }
  | { kind: "select" }
  | { kind: "abort"; index: number }
  | { kind: "complete" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("write" as const), writer: fc.nat(2), abortable: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tryWrite" as const), writer: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("read" as const), abortable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tryRead" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("select" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("abort" as const), index: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("complete" as const) }) },
);

type Kind = "wait" | "dropOldest" | "dropNewest" | "dropWrite" | "unbounded" | "prioritized";

function make(
  kind: Kind,
  capacity: number,
  dropped: number[],
): {
  reader: ChannelReader<number>;
  writer: ChannelWriter<number>;
  write: (v: number, w: number, signal?: AbortSignal) => Result<void> | Promise<Result<void>>;
  tryWrite: (v: number, w: number) => boolean;
} {
  if (kind === "unbounded") {
    const c = Channel.createUnbounded<number>();
    return {
      ...c,
      write: (v, _w, signal) => c.writer.write(v, signal ? { signal } : undefined),
      tryWrite: (v) => c.writer.tryWrite(v),
    };
  }
  if (kind === "prioritized") {
    const c = Channel.createPrioritized<number>({ levels: 3, capacityPerLevel: capacity });
    return {
      ...c,
      write: (v, w, signal) => c.writer.write(v, signal ? { signal, priority: w } : { priority: w }),
      tryWrite: (v, w) => c.writer.tryWrite(v, w),
    };
  }
  const c = Channel.createBounded<number>({ capacity, fullMode: kind, onDrop: (v) => dropped.push(v) });
  return {
    ...c,
    write: (v, _w, signal) => c.writer.write(v, signal ? { signal } : undefined),
    tryWrite: (v) => c.writer.tryWrite(v),
  };
}

const encode = (writer: number, seq: number): number => writer * 1_000_000 + seq;

async function scenario(kind: Kind, capacity: number, ops: Op[]): Promise<void> {
  const dropped: number[] = [];
  const ch = make(kind, capacity, dropped);
  const accepted = new Set<number>();
  const received: number[] = [];
  const controllers: AbortController[] = [];
  const pending: Promise<unknown>[] = [];
  const seqs = [0, 0, 0];
  const onWrite = (v: number) => (r: Result<void>) => {
    if (r.isOk) accepted.add(v);
  };
  const onRead = (r: Result<number>) => {
    if (r.isOk) received.push(r.value);
  };
  const selectCase = SelectCase.read(ch.reader, (v: number) => ok(v));
  for (const op of ops) {
    switch (op.kind) {
      case "write": {
        const v = encode(op.writer, seqs[op.writer]!++);
        let signal: AbortSignal | undefined;
        if (op.abortable) {
          const c = new AbortController();
          controllers.push(c);
          signal = c.signal;
        }
        const r = ch.write(v, op.writer, signal);
        if (r instanceof Promise) pending.push(r.then(onWrite(v)));
        else onWrite(v)(r);
        break;
      }
      case "tryWrite": {
        const v = encode(op.writer, seqs[op.writer]!++);
        if (ch.tryWrite(v, op.writer)) accepted.add(v);
        break;
      }
      case "read": {
        let signal: AbortSignal | undefined;
        if (op.abortable) {
          const c = new AbortController();
          controllers.push(c);
          signal = c.signal;
        }
        const r = ch.reader.read(signal ? { signal } : undefined);
        if (r instanceof Promise) pending.push(r.then(onRead));
        else onRead(r);
        break;
      }
      case "tryRead": {
        const v = ch.reader.tryRead();
        if (v !== NO_VALUE) received.push(v);
        break;
      }
      case "select": {
        const c = new AbortController();
        controllers.push(c);
        const r = select([selectCase], { signal: c.signal });
        if (r instanceof Promise) pending.push(r.then(onRead));
        else onRead(r);
        break;
      }
      case "abort":
        controllers[op.index % Math.max(1, controllers.length)]?.abort();
        break;
      case "complete":
        ch.writer.tryComplete();
        break;
    }
    await flush(6);
    parked(ch.reader); // the channel's own count agrees with its lists after every step
  }
  ch.writer.tryComplete();
  for (let v = ch.reader.tryRead(); v !== NO_VALUE; v = ch.reader.tryRead()) received.push(v);
  for (const c of controllers) c.abort();
  await Promise.all(pending);
  // every accepted value is read exactly once or reported dropped
  const receivedSet = new Set(received);
  expect(receivedSet.size).toBe(received.length);
  for (const v of dropped) expect(receivedSet.has(v)).toBe(false);
  expect(new Set(dropped).size).toBe(dropped.length);
  const delivered = new Set([...received, ...dropped]);
  expect([...delivered].sort()).toEqual([...accepted].sort());
  // per-writer order
  for (let w = 0; w < 3; w++) {
    const mine = received.filter((v) => Math.floor(v / 1_000_000) === w);
    expect(mine).toEqual([...mine].sort((a, b) => a - b));
  }
  // nothing parked
  expect(parked(ch.reader)).toBe(0);
}

describe("property: random interleavings of writers, readers, completion and aborts", () => {
  for (const kind of ["wait", "dropOldest", "dropNewest", "dropWrite", "unbounded", "prioritized"] as const) {
    it(`${kind}: every value read exactly once or dropped; per-writer order; no waiter left`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(opArb, { maxLength: 60 }),
          (capacity, ops) => scenario(kind, capacity, ops),
        ),
        { numRuns: 150 },
      );
    });
  }
});
