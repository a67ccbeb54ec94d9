import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ok } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { Channel, ErrGroup, NO_VALUE, SelectCase, select, WaitGroup } from "../src/index.ts";
import { parked, trackedSignal } from "./helpers.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const ITERATIONS = 1_000_000;

describe("leaks", () => {
  it("1,000,000 select/read iterations against an idle channel with a signal keep the heap flat", async () => {
    const idle = Channel.createBounded<number>(8);
    const wake = Channel.createBounded<number>(8);
    const longLived = trackedSignal();
    const cases = [
      SelectCase.read(idle.reader, (v: number) => ok(v)),
      SelectCase.read(wake.reader, (v: number) => ok(v)),
    ];

    const round = async (i: number): Promise<void> => {
      if (i % 2 === 0) {
        // select parks watchers on both channels and an abort listener on the long-lived signal
        const p = select(cases, { signal: longLived.signal });
        wake.writer.tryWrite(i);
        const r = await p;
        if (!r.isOk) throw new Error("select failed");
      } else {
        // a read parks on the idle channel with its own signal and is aborted
        const c = new AbortController();
        const p = idle.reader.read({ signal: c.signal });
        c.abort();
        const r = await p;
        if (r.isOk) throw new Error("read should be canceled");
      }
    };

    for (let i = 0; i < 20_000; i++) await round(i);
    const before = heap();
    for (let i = 0; i < ITERATIONS; i++) await round(i);
    const after = heap();
    const growth = after - before;
    console.log(
      `leak test: heapUsed before=${(before / 1e6).toFixed(2)} MB after=${(after / 1e6).toFixed(2)} MB growth=${(growth / 1e3).toFixed(1)} kB over ${ITERATIONS} iterations`,
    );
    expect(parked(idle.reader)).toBe(0);
    expect(parked(wake.reader)).toBe(0);
    expect(longLived.listeners()).toBe(0);
    expect(growth).toBeLessThan(2_000_000);
  }, 120_000);

  it("select keeps no cases array alive once the caller drops it (its readers and continuations can be collected)", async () => {
    // Built in a function so that no local of the test holds the array, its channel or its continuation.
    const selectOnce = (): { cases: WeakRef<object>; reader: WeakRef<object> } => {
      const { reader, writer } = Channel.createBounded<number>(4);
      writer.tryWrite(1);
      const cases = [SelectCase.read(reader, (v: number) => ok(v))];
      const r = select(cases);
      if (r instanceof Promise || !r.isOk) throw new Error("select should win synchronously");
      return { cases: new WeakRef(cases), reader: new WeakRef(reader) };
    };
    const refs = selectOnce();
    // A WeakRef's target stays alive until the current job ends: collect after a macrotask, a bounded number of
    // times (a collector may need more than one pass).
    for (
      let pass = 0;
      pass < 20 && (refs.cases.deref() !== undefined || refs.reader.deref() !== undefined);
      pass++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
    }
    expect(refs.cases.deref()).toBeUndefined();
    expect(refs.reader.deref()).toBeUndefined();
  });
  it("100,000 go(work, { signal }) calls on one long-lived group and signal keep the heap flat", async () => {
    const parent = trackedSignal();
    const longLived = trackedSignal();
    const groups = [new ErrGroup({ signal: parent.signal }), new WaitGroup()];
    const round = async (group: WaitGroup, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) group.go(() => ok(i), { signal: longLived.signal });
      // half of them settle later, with the signal still linked while they run
      for (let i = 0; i < n; i++) group.go(async () => ok(i), { signal: longLived.signal });
      const r = await group.wait();
      if (!r.isOk) throw new Error("group failed");
    };
    for (const group of groups) await round(group, 1_000);
    // A WeakRef-like registration is dropped only by a collection after the job that made it ended.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const before = heap();
    for (let i = 0; i < 5; i++) for (const group of groups) await round(group, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const after = heap();
    const growth = after - before;
    console.log(
      `leak test: go(work, { signal }) heap growth=${(growth / 1e3).toFixed(1)} kB over 100,000 calls`,
    );
    expect(longLived.listeners()).toBe(0);
    expect(growth).toBeLessThan(2_000_000);
  }, 120_000);

  it("an unbounded channel releases a drained burst's slots (the ring kept its peak size for life); order and reads across the reset hold", async () => {
    const ch = Channel.createUnbounded<number>();
    const burst = (n: number, first: number): void => {
      for (let i = 0; i < n; i++) ch.writer.tryWrite(first + i);
      let outOfOrder = 0;
      for (let i = 0; i < n; i++) if (ch.reader.tryRead() !== first + i) outOfOrder++;
      expect(outOfOrder).toBe(0);
      expect(ch.reader.tryRead()).toBe(NO_VALUE);
    };
    burst(2_000, 0);
    const before = heap();
    burst(1_000_000, 10);
    const after = heap();
    console.log(
      `leak test: unbounded channel heap growth after a drained 1M burst=${((after - before) / 1e3).toFixed(1)} kB`,
    );
    expect(after - before).toBeLessThan(2_000_000);
    // The channel works on after the reset: buffered writes, a parked reader, completion.
    burst(3_000, 5);
    const pending = ch.reader.read();
    ch.writer.tryWrite(42);
    expect((await pending).unwrap()).toBe(42);
    ch.writer.tryWrite(43);
    ch.writer.tryComplete();
    expect(ch.reader.tryRead()).toBe(43);
    await ch.reader.completion;
    expect(parked(ch.reader)).toBe(0);
  });
});
