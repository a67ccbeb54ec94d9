import { PipeError, type Result } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { Channel, NO_VALUE } from "../src/index.ts";
import { flush, hookErrorsDuring, parked, trackedSignal } from "./helpers.ts";

describe("bounded channel", () => {
  it("reads and tries writes synchronously on the fast path", () => {
    const { reader, writer } = Channel.createBounded<number>(2);
    expect(writer.tryWrite(1)).toBe(true);
    expect(writer.tryWrite(2)).toBe(true);
    expect(writer.tryWrite(3)).toBe(false);
    expect(reader.count).toBe(2);
    const r = reader.read();
    expect(r).not.toBeInstanceOf(Promise);
    expect(r).toMatchObject({ isOk: true, value: 1 });
    expect(reader.tryRead()).toBe(2);
    expect(reader.tryRead()).toBe(NO_VALUE);
  });

  it("a write with room takes the value at once and returns one shared, already resolved promise of ok()", async () => {
    const { reader, writer } = Channel.createBounded<number>(2);
    const first = writer.write(1);
    expect(first).toBeInstanceOf(Promise);
    expect(reader.count).toBe(1); // taken before anything is awaited
    const second = writer.write(2);
    expect(second).toBe(first);
    let settled = false;
    void (second as Promise<Result<void>>).then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(true); // already resolved: one microtask, no wait
    expect(await first).toBe(await second);
    expect((await first).isOk).toBe(true);
    expect([reader.tryRead(), reader.tryRead()]).toEqual([1, 2]);
    const unbounded = Channel.createUnbounded<number>();
    expect(unbounded.writer.write(1)).toBe(first);
    const prioritized = Channel.createPrioritized<number>({ levels: 2 });
    expect(prioritized.writer.write(1, { priority: 0 })).toBe(first);
  });

  it("applies backpressure in wait mode and keeps FIFO order", async () => {
    const { reader, writer } = Channel.createBounded<number>({ capacity: 1, fullMode: "wait" });
    writer.tryWrite(1);
    const p2 = writer.write(2);
    const p3 = writer.write(3);
    expect(p2).toBeInstanceOf(Promise);
    expect(reader.tryRead()).toBe(1);
    expect((await p2).isOk).toBe(true);
    expect(reader.tryRead()).toBe(2);
    expect((await p3).isOk).toBe(true);
    expect(reader.tryRead()).toBe(3);
    expect(parked(reader)).toBe(0);
  });

  it("hands a value directly to a waiting reader", async () => {
    const { reader, writer } = Channel.createBounded<string>(1);
    const p = reader.read();
    expect(p).toBeInstanceOf(Promise);
    expect(writer.tryWrite("x")).toBe(true);
    expect(reader.count).toBe(0);
    expect(await p).toMatchObject({ isOk: true, value: "x" });
  });

  it("dropOldest / dropNewest / dropWrite report drops through onDrop", async () => {
    const run = async (fullMode: "dropOldest" | "dropNewest" | "dropWrite") => {
      const dropped: number[] = [];
      const { reader, writer } = Channel.createBounded<number>({
        capacity: 2,
        fullMode,
        onDrop: (v) => dropped.push(v),
      });
      for (const v of [1, 2, 3, 4]) expect(await writer.write(v)).toMatchObject({ isOk: true });
      const kept: number[] = [];
      for (let v = reader.tryRead(); v !== NO_VALUE; v = reader.tryRead()) kept.push(v);
      return { dropped, kept };
    };
    expect(await run("dropOldest")).toEqual({ dropped: [1, 2], kept: [3, 4] });
    expect(await run("dropNewest")).toEqual({ dropped: [2, 3], kept: [1, 4] });
    expect(await run("dropWrite")).toEqual({ dropped: [3, 4], kept: [1, 2] });
  });

  it("a throwing onDrop is re-raised asynchronously and the write still succeeds", async () => {
    const errors = await hookErrorsDuring(async () => {
      const { writer } = Channel.createBounded<number>({
        capacity: 1,
        fullMode: "dropWrite",
        onDrop: () => {
          throw new Error("hook");
        },
      });
      writer.tryWrite(1);
      expect(writer.tryWrite(2)).toBe(true);
      await flush();
    });
    expect(errors).toHaveLength(1);
  });

  it("an idle channel can be logged as JSON (its lists hold no reference back to it)", () => {
    const channels = [
      Channel.createBounded<number>(2),
      Channel.createUnbounded<number>(),
      Channel.createPrioritized<number>(),
    ];
    for (const ch of channels) {
      expect(() => JSON.stringify(ch)).not.toThrow();
      ch.writer.tryWrite(1);
      expect(JSON.stringify(ch.reader)).toContain("1");
      expect(ch.reader.tryRead()).toBe(1);
    }
  });

  it("validates options", () => {
    expect(() => Channel.createBounded(0)).toThrow(RangeError);
    expect(() => Channel.createBounded(1.5)).toThrow(RangeError);
    expect(() => Channel.createBounded({ capacity: 1, fullMode: "nope" as "wait" })).toThrow(TypeError);
  });

  it("completion: drains, then fails reads with error.channel.completed", async () => {
    const { reader, writer } = Channel.createBounded<number>(4);
    writer.tryWrite(1);
    expect(writer.complete().isOk).toBe(true);
    expect(writer.tryComplete()).toBe(false);
    const again = writer.complete();
    expect(again.isErr && again.error.code).toBe("error.channel.completed");
    const w = await writer.write(2);
    expect(w).toMatchObject({ isOk: false });
    expect((w as { error: PipeError }).error.code).toBe("error.channel.completed");
    expect(writer.tryWrite(2)).toBe(false);
    let completed = false;
    void reader.completion.then(() => {
      completed = true;
    });
    await flush();
    expect(completed).toBe(false);
    expect(reader.read()).toMatchObject({ isOk: true, value: 1 });
    await flush();
    expect(completed).toBe(true);
    const end = reader.read();
    expect(end).not.toBeInstanceOf(Promise);
    expect((end as { error: PipeError }).error.code).toBe("error.channel.completed");
  });

  it("completing with an error: readers see it as a failed Result and completion rejects", async () => {
    const { reader, writer } = Channel.createBounded<number>(4);
    const boom = PipeError.from("boom", "app.boom");
    const pending = reader.read();
    writer.complete(boom);
    const r = await pending;
    expect(r.isErr && r.error).toBe(boom);
    await expect(reader.completion).rejects.toBe(boom);
    const raw = new Error("raw");
    const other = Channel.createUnbounded<number>();
    other.writer.complete(raw);
    const r2 = await other.reader.read();
    expect(r2.isErr && r2.error.code).toBe("error.exception");
    expect(r2.isErr && r2.error.cause).toBe(raw);
    await expect(other.reader.completion).rejects.toBe(raw);
  });

  it("blocked writers fail with error.channel.completed on completion", async () => {
    const { writer, reader } = Channel.createBounded<number>(1);
    writer.tryWrite(1);
    const p = writer.write(2);
    writer.complete();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.channel.completed");
    expect(reader.tryRead()).toBe(1);
    expect(parked(reader)).toBe(0);
  });

  it("a pre-aborted signal fails read/write/wait up front without side effects", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    writer.tryWrite(1);
    const s = AbortSignal.abort();
    const r = reader.read({ signal: s });
    expect(r).toMatchObject({ isOk: false });
    expect(reader.count).toBe(1);
    const w = writer.write(2, { signal: s });
    expect(reader.count).toBe(1);
    expect(parked(reader)).toBe(0);
    expect(((await w) as { error: PipeError }).error.code).toBe("error.canceled");
    expect((reader.waitToRead({ signal: s }) as { error: PipeError }).error.code).toBe("error.canceled");
    expect((writer.waitToWrite({ signal: s }) as { error: PipeError }).error.code).toBe("error.canceled");
    expect(parked(reader)).toBe(0);
  });

  it("abort cancels a parked read and write, removing waiter and listener", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    const t = trackedSignal();
    const pr = reader.read({ signal: t.signal });
    expect(parked(reader)).toBe(1);
    expect(t.listeners()).toBe(1);
    t.controller.abort("why");
    const r = await pr;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(parked(reader)).toBe(0);
    expect(t.listeners()).toBe(0);

    writer.tryWrite(1);
    const t2 = trackedSignal();
    const pw = writer.write(2, { signal: t2.signal });
    t2.controller.abort();
    const w = await pw;
    expect(w.isErr && w.error.code).toBe("error.canceled");
    expect(reader.tryRead()).toBe(1);
    expect(reader.tryRead()).toBe(NO_VALUE);
    expect(parked(reader)).toBe(0);
    expect(t2.listeners()).toBe(0);
  });

  it("a settled waiter removes its abort listener", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    const t = trackedSignal();
    const p = reader.read({ signal: t.signal });
    writer.tryWrite(5);
    expect((await p).isOk).toBe(true);
    expect(t.listeners()).toBe(0);
  });

  it("waitToRead / waitToWrite", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    const wr = reader.waitToRead();
    expect(wr).toBeInstanceOf(Promise);
    writer.tryWrite(1);
    expect(await wr).toMatchObject({ isOk: true, value: true });
    expect(reader.count).toBe(1);
    const ww = writer.waitToWrite();
    expect(ww).toBeInstanceOf(Promise);
    reader.tryRead();
    expect(await ww).toMatchObject({ isOk: true, value: true });
    writer.complete();
    expect(reader.waitToRead()).toMatchObject({ isOk: true, value: false });
    expect(writer.waitToWrite()).toMatchObject({ isOk: true, value: false });
    const f = Channel.createBounded<number>(1);
    const pending = f.reader.waitToRead();
    f.writer.complete(PipeError.from("x", "app.x"));
    const res = await pending;
    expect(res.isErr && res.error.code).toBe("app.x");
    expect(parked(f.reader)).toBe(0);
  });

  it("drop modes always have room for waitToWrite", () => {
    const { writer } = Channel.createBounded<number>({ capacity: 1, fullMode: "dropOldest" });
    writer.tryWrite(1);
    expect(writer.waitToWrite()).toMatchObject({ isOk: true, value: true });
  });

  it("async iteration ends on completion and throws the completing error", async () => {
    const { reader, writer } = Channel.createBounded<number>(2);
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const v of reader) seen.push(v);
    })();
    for (const v of [1, 2, 3, 4]) await writer.write(v);
    writer.complete();
    await consumer;
    expect(seen).toEqual([1, 2, 3, 4]);

    const failing = Channel.createUnbounded<number>();
    failing.writer.tryWrite(1);
    const boom = PipeError.from("boom", "app.boom");
    failing.writer.complete(boom);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of failing.reader) got.push(v);
      })(),
    ).rejects.toBe(boom);
    expect(got).toEqual([1]);
  });

  it("readAll with a signal throws error.canceled on abort and releases its waiter", async () => {
    const { reader } = Channel.createBounded<number>(2);
    const c = new AbortController();
    const it = reader.readAll({ signal: c.signal });
    const next = it.next();
    expect(parked(reader)).toBe(1);
    c.abort();
    await expect(next).rejects.toMatchObject({ code: "error.canceled" });
    expect(parked(reader)).toBe(0);
    await expect(reader.readAll({ signal: AbortSignal.abort() }).next()).rejects.toMatchObject({
      code: "error.canceled",
    });
  });

  it("iterator return() releases a pending next()", async () => {
    const { reader, writer } = Channel.createBounded<number>(2);
    const it = reader[Symbol.asyncIterator]();
    const pending = it.next();
    expect(parked(reader)).toBe(1);
    expect(await it.return?.()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(parked(reader)).toBe(0);
    writer.tryWrite(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(reader.count).toBe(1);
  });

  it("break in for-await leaves remaining values in the channel", async () => {
    const { reader, writer } = Channel.createUnbounded<number>();
    for (const v of [1, 2, 3]) writer.tryWrite(v);
    for await (const v of reader) {
      if (v === 1) break;
    }
    expect(reader.count).toBe(2);
  });

  it("completion of an already drained channel", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    writer.complete();
    await expect(reader.completion).resolves.toBeUndefined();
    const f = Channel.createBounded<number>(1);
    f.writer.complete(new Error("late"));
    await expect(f.reader.completion).rejects.toThrow("late");
  });

  it("channels of undefined work (NO_VALUE is distinct)", () => {
    const { reader, writer } = Channel.createUnbounded<undefined>();
    writer.tryWrite(undefined);
    expect(reader.tryRead()).toBeUndefined();
    expect(reader.tryRead()).toBe(NO_VALUE);
  });
});

describe("unbounded channel", () => {
  it("never blocks and shows its size", () => {
    const { reader, writer } = Channel.createUnbounded<number>({ singleReader: true });
    for (let i = 0; i < 10_000; i++) expect(writer.tryWrite(i)).toBe(true);
    expect(reader.count).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(reader.tryRead()).toBe(i);
    expect(reader.count).toBe(0);
  });

  it("write takes the value at once and waitToWrite completes synchronously, hand a value to a parked reader, and fail after completion", async () => {
    const { reader, writer } = Channel.createUnbounded<number>();
    const pending = reader.read();
    expect(pending).toBeInstanceOf(Promise);
    const written = writer.write(7);
    expect(parked(reader)).toBe(0); // handed over before anything is awaited
    expect((await written).isOk).toBe(true);
    expect(((await pending) as Result<number>).value).toBe(7);
    expect(reader.count).toBe(0);
    for (let i = 0; i < 100; i++) expect((writer.waitToWrite() as Result<boolean>).value).toBe(true);
    writer.tryWrite(1);
    expect(writer.complete().isOk).toBe(true);
    expect(writer.tryWrite(2)).toBe(false);
    const late = await writer.write(2);
    expect(late.isErr && late.error.code).toBe("error.channel.completed");
    expect((writer.waitToWrite() as Result<boolean>).value).toBe(false);
    expect(reader.tryRead()).toBe(1);
    await expect(reader.completion).resolves.toBeUndefined();
  });
});

describe("prioritized channel", () => {
  it("reads the highest lane first, FIFO within a lane; default lane is the lowest", () => {
    const { reader, writer } = Channel.createPrioritized<string>({ levels: 3 });
    writer.tryWrite("low1");
    writer.tryWrite("mid1", 1);
    writer.tryWrite("high1", 0);
    writer.tryWrite("high2", 0);
    writer.tryWrite("low2");
    expect(reader.count).toBe(5);
    expect(reader.countAt(2)).toBe(2);
    const out: string[] = [];
    for (let v = reader.tryRead(); v !== NO_VALUE; v = reader.tryRead()) out.push(v);
    expect(out).toEqual(["high1", "high2", "mid1", "low1", "low2"]);
  });

  it("backpressure holds per lane: capacity 2 means the third write waits", async () => {
    const { reader, writer } = Channel.createPrioritized<number>({
      levels: 2,
      capacityPerLevel: 2,
      defaultLevel: 1,
    });
    expect(await writer.write(1)).toMatchObject({ isOk: true });
    expect(await writer.write(2)).toMatchObject({ isOk: true });
    const third = writer.write(3);
    expect(third).toBeInstanceOf(Promise);
    expect(writer.tryWrite(9, 0)).toBe(true);
    expect(reader.tryRead()).toBe(9);
    await flush();
    let settled = false;
    void (third as Promise<unknown>).then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    expect(reader.tryRead()).toBe(1);
    await flush();
    expect(settled).toBe(true);
    expect(reader.count).toBe(2);
    const ww = writer.waitToWrite({ priority: 1 });
    expect(ww).toBeInstanceOf(Promise);
    expect(writer.waitToWrite({ priority: 0 })).toMatchObject({ isOk: true, value: true });
    reader.tryRead();
    expect(await ww).toMatchObject({ isOk: true, value: true });
  });

  it("drop modes per lane report the lane", () => {
    const dropped: [number, number][] = [];
    const { writer, reader } = Channel.createPrioritized<number>({
      levels: 2,
      capacityPerLevel: 1,
      fullMode: "dropOldest",
      onDrop: (v, p) => dropped.push([v, p]),
    });
    writer.tryWrite(1, 0);
    writer.tryWrite(2, 0);
    writer.tryWrite(3, 1);
    expect(dropped).toEqual([[1, 0]]);
    expect(reader.tryRead()).toBe(2);
    expect(reader.tryRead()).toBe(3);
  });

  it("validates levels, default lane and priorities", () => {
    expect(() => Channel.createPrioritized({ levels: 0 })).toThrow(RangeError);
    expect(() => Channel.createPrioritized({ levels: 2, defaultLevel: 2 })).toThrow(RangeError);
    expect(() => Channel.createPrioritized({ capacityPerLevel: 0 })).toThrow(RangeError);
    const { writer } = Channel.createPrioritized<number>({ levels: 2 });
    expect(() => writer.tryWrite(1, 2)).toThrow(RangeError);
    expect(() => writer.write(1, { priority: -1 })).toThrow(RangeError);
  });

  it("completion completes every lane, failing blocked writers and draining in order", async () => {
    const { reader, writer } = Channel.createPrioritized<number>({ levels: 2, capacityPerLevel: 1 });
    writer.tryWrite(1, 1);
    writer.tryWrite(0, 0);
    const blocked = writer.write(2, { priority: 1 });
    writer.complete();
    const b = await blocked;
    expect(b.isErr && b.error.code).toBe("error.channel.completed");
    const out: number[] = [];
    for await (const v of reader) out.push(v);
    expect(out).toEqual([0, 1]);
    await expect(reader.completion).resolves.toBeUndefined();
    expect(parked(reader)).toBe(0);
  });

  it("a waiting reader gets the next write of any lane", async () => {
    const { reader, writer } = Channel.createPrioritized<number>({ levels: 3 });
    const p = reader.read();
    writer.tryWrite(42, 2);
    expect(await p).toMatchObject({ isOk: true, value: 42 });
  });
});
