import { err, ok, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import {
  broadcast,
  Channel,
  fanIn,
  keyedFanOut,
  merge,
  NO_VALUE,
  partition,
  VirtualTimeProvider,
  window,
} from "../src/index.ts";
import { flush, parked, trackedSignal } from "./helpers.ts";

const drainSync = <T>(r: { tryRead(): T | typeof NO_VALUE }): T[] => {
  const out: T[] = [];
  for (let v = r.tryRead(); v !== NO_VALUE; v = r.tryRead()) out.push(v as T);
  return out;
};

describe("fanIn", () => {
  it("handles every value until all readers close, lower index first", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const seen: number[] = [];
    const p = fanIn([a.reader, b.reader], (v) => {
      seen.push(v);
    });
    a.writer.tryWrite(1);
    b.writer.tryWrite(10);
    a.writer.tryWrite(2);
    await flush();
    a.writer.complete();
    b.writer.tryWrite(11);
    b.writer.complete();
    expect((await p).isOk).toBe(true);
    expect(seen.filter((v) => v < 10)).toEqual([1, 2]);
    expect(seen.filter((v) => v >= 10)).toEqual([10, 11]);
    expect(parked(a.reader) + parked(b.reader)).toBe(0);
  });

  it("stops at the first failed handler and leaves the rest buffered", async () => {
    const a = Channel.createUnbounded<number>();
    for (const v of [1, 2, 3]) a.writer.tryWrite(v);
    const e = PipeError.from("bad", "app.bad");
    const r = await fanIn([a.reader], (v) => (v === 2 ? err(e) : ok()));
    expect(r.isErr && r.error).toBe(e);
    expect(a.reader.count).toBe(1);
  });

  it("a faulted source gives error.exception with the fault as cause (never thrown)", async () => {
    const a = Channel.createUnbounded<number>();
    const fault = new Error("disk");
    const p = fanIn([a.reader], async () => ok());
    a.writer.complete(fault);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.exception");
    expect(r.isErr && r.error.cause).toBe(fault);
  });

  it("handler throws become error.exception", async () => {
    const a = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    const r = await fanIn([a.reader], () => {
      throw new Error("h");
    });
    expect(r.isErr && r.error.code).toBe("error.exception");
  });

  it("one overall deadline on the virtual clock; zero timeout fails at once", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const p = fanIn([a.reader], () => ok(), { timeout: 50, timeProvider: clock });
    await clock.advance(50);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    expect(clock.pendingTimers).toBe(0);
    expect(parked(a.reader)).toBe(0);
    const z = await fanIn([a.reader], () => ok(), { timeout: 0, timeProvider: clock });
    expect(z.isErr && z.error.code).toBe("error.timeout");
  });

  it("abort gives error.canceled and removes the listener; empty readers give ok", async () => {
    const a = Channel.createUnbounded<number>();
    const t = trackedSignal();
    const p = fanIn([a.reader], () => ok(), { signal: t.signal });
    await flush();
    t.controller.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(t.listeners()).toBe(0);
    expect(parked(a.reader)).toBe(0);
    expect((await fanIn([], () => ok())).isOk).toBe(true);
    expect(() => fanIn([a.reader], () => ok(), { timeout: -1 })).toThrow(RangeError);
  });
});

describe("merge", () => {
  it("forwards every value with backpressure and completes the destination", async () => {
    const sources = [0, 1, 2].map(() => Channel.createBounded<number>(2));
    const out = Channel.createBounded<number>(1);
    const p = merge(
      sources.map((s) => s.reader),
      out.writer,
    );
    const producers = sources.map(async (s, i) => {
      for (let k = 0; k < 20; k++) await s.writer.write(i * 100 + k);
      s.writer.complete();
    });
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    await Promise.all(producers);
    expect((await p).isOk).toBe(true);
    expect(got).toHaveLength(60);
    for (let i = 0; i < 3; i++) {
      const mine = got.filter((v) => Math.floor(v / 100) === i);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
  });

  it("a faulted source completes the destination with the error", async () => {
    const a = Channel.createUnbounded<number>();
    const out = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    a.writer.complete(new Error("bad"));
    const r = await merge([a.reader], out.writer);
    expect(r.isErr && r.error.code).toBe("error.exception");
    expect(out.reader.tryRead()).toBe(1);
    const end = await out.reader.read();
    expect(end.isErr && end.error.code).toBe("error.exception");
  });

  it("a completed destination fails with error.channel.completed", async () => {
    const a = Channel.createUnbounded<number>();
    const out = Channel.createUnbounded<number>();
    out.writer.complete();
    a.writer.tryWrite(1);
    const r = await merge([a.reader], out.writer, { completeDestination: false });
    expect(r.isErr && r.error.code).toBe("error.channel.completed");
  });

  it("completeDestination false leaves it open", async () => {
    const a = Channel.createUnbounded<number>();
    a.writer.complete();
    const out = Channel.createUnbounded<number>();
    expect((await merge([a.reader], out.writer, { completeDestination: false })).isOk).toBe(true);
    expect(out.writer.tryWrite(1)).toBe(true);
  });
});

describe("broadcast", () => {
  it("sends every value to every destination", async () => {
    const src = Channel.createUnbounded<number>();
    const a = Channel.createBounded<number>(1);
    const b = Channel.createUnbounded<number>();
    const p = broadcast(src.reader, [a.writer, b.writer]);
    for (const v of [1, 2, 3]) src.writer.tryWrite(v);
    src.writer.complete();
    const gotA: number[] = [];
    for await (const v of a.reader) gotA.push(v);
    expect((await p).isOk).toBe(true);
    expect(gotA).toEqual([1, 2, 3]);
    expect(drainSync(b.reader)).toEqual([1, 2, 3]);
  });

  it("fails with error.channel.completed when a destination closed, completing the others with it", async () => {
    const src = Channel.createUnbounded<number>();
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    b.writer.complete();
    src.writer.tryWrite(1);
    const r = await broadcast(src.reader, [a.writer, b.writer]);
    expect(r.isErr && r.error.code).toBe("error.channel.completed");
    expect(a.reader.tryRead()).toBe(1);
    const end = await a.reader.read();
    expect(end.isErr && end.error.code).toBe("error.channel.completed");
  });

  it("abort while blocked on a full destination gives error.canceled", async () => {
    const src = Channel.createUnbounded<number>();
    const a = Channel.createBounded<number>(1);
    const c = new AbortController();
    src.writer.tryWrite(1);
    src.writer.tryWrite(2);
    const p = broadcast(src.reader, [a.writer], { signal: c.signal });
    await flush();
    c.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(parked(a.writer)).toBe(0);
  });
});

describe("keyedFanOut", () => {
  it("routes by key, with branches added and removed at run time", async () => {
    const src = Channel.createUnbounded<{ k: string; n: number }>();
    const a = Channel.createUnbounded<{ k: string; n: number }>();
    const b = Channel.createUnbounded<{ k: string; n: number }>();
    const unrouted: number[] = [];
    const router = keyedFanOut(src.reader, (m) => m.k, {
      branches: [["a", a.writer]],
      onUnrouted: (m) => unrouted.push(m.n),
    });
    src.writer.tryWrite({ k: "a", n: 1 });
    src.writer.tryWrite({ k: "b", n: 2 });
    await flush();
    expect(router.addBranch("b", b.writer)).toBe(true);
    expect(router.addBranch("b", b.writer)).toBe(false);
    src.writer.tryWrite({ k: "b", n: 3 });
    await flush();
    expect(router.removeBranch("a", { complete: true })).toBe(true);
    expect(router.removeBranch("a")).toBe(false);
    src.writer.tryWrite({ k: "a", n: 4 });
    src.writer.complete();
    expect((await router.done).isOk).toBe(true);
    expect(router.keys).toEqual(["b"]);
    expect(router.hasBranch("a")).toBe(false);
    expect(drainSync(a.reader).map((m) => m.n)).toEqual([1]);
    expect(drainSync(b.reader).map((m) => m.n)).toEqual([3]);
    expect(unrouted).toEqual([2, 4]);
  });

  it("fails with error.validation for an unrouted value without a hook", async () => {
    const src = Channel.createUnbounded<number>();
    src.writer.tryWrite(1);
    const router = keyedFanOut(src.reader, (n) => n);
    const r = await router.done;
    expect(r.isErr && r.error.code).toBe("error.validation");
  });

  it("a throwing key function gives error.exception and completes branches with it", async () => {
    const src = Channel.createUnbounded<number>();
    const a = Channel.createUnbounded<number>();
    src.writer.tryWrite(1);
    const router = keyedFanOut(
      src.reader,
      () => {
        throw new Error("key");
      },
      { branches: [[0, a.writer]] },
    );
    const r = await router.done;
    expect(r.isErr && r.error.code).toBe("error.exception");
    const end = await a.reader.read();
    expect(end.isErr && end.error.code).toBe("error.exception");
  });
  it("accounts for a value stuck on a full branch when the fan-out is aborted (onUndelivered)", async () => {
    const src = Channel.createUnbounded<number>();
    const a = Channel.createBounded<number>(1);
    const controller = new AbortController();
    const undelivered: [number, number | undefined, string | undefined][] = [];
    const router = keyedFanOut(src.reader, () => 0, {
      branches: [[0, a.writer]],
      signal: controller.signal,
      onUndelivered: (value, key, error) => undelivered.push([value, key, error.code]),
    });
    for (const v of [1, 2, 3]) src.writer.tryWrite(v);
    await flush();
    controller.abort("stop");
    const r = await router.done;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    // 1 was delivered, 2 waited for room and is accounted for, 3 never left the source.
    expect(drainSync(a.reader)).toEqual([1]);
    expect(undelivered).toEqual([[2, 0, "error.canceled"]]);
    expect(src.reader.tryRead()).toBe(3);
  });

  it("reports the value whose key function threw (key undefined)", async () => {
    const src = Channel.createUnbounded<number>();
    src.writer.tryWrite(7);
    const seen: [number, unknown][] = [];
    const router = keyedFanOut(
      src.reader,
      () => {
        throw new Error("key");
      },
      { onUndelivered: (value, key) => seen.push([value, key]) },
    );
    const r = await router.done;
    expect(r.isErr && r.error.code).toBe("error.exception");
    expect(seen).toEqual([[7, undefined]]);
  });
});

describe("window", () => {
  it("flushes on size and on a fixed interval that does not restart per arrival", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const w = window(src.reader, { size: 3, intervalMs: 100, timeProvider: clock });
    src.writer.tryWrite(1);
    await clock.advance(60);
    src.writer.tryWrite(2);
    await clock.advance(40);
    expect(w.reader.tryRead()).toEqual([1, 2]);
    for (const v of [3, 4, 5, 6]) src.writer.tryWrite(v);
    await clock.advance(0);
    expect(w.reader.tryRead()).toEqual([3, 4, 5]);
    await clock.advance(50);
    expect(w.reader.count).toBe(0);
    await clock.advance(50);
    expect(w.reader.tryRead()).toEqual([6]);
    await clock.advance(300);
    expect(w.reader.count).toBe(0);
    src.writer.tryWrite(7);
    src.writer.complete();
    expect((await w.done).isOk).toBe(true);
    expect(w.reader.tryRead()).toEqual([7]);
    expect(clock.pendingTimers).toBe(0);
    await expect(w.reader.completion).resolves.toBeUndefined();
  });

  it("size only", async () => {
    const src = Channel.createUnbounded<number>();
    const w = window(src.reader, { size: 2 });
    for (const v of [1, 2, 3]) src.writer.tryWrite(v);
    src.writer.complete();
    const batches: number[][] = [];
    for await (const b of w.reader) batches.push(b);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("a faulted source flushes, then fails the output with error.exception", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const w = window(src.reader, { intervalMs: 10, timeProvider: clock });
    src.writer.tryWrite(1);
    const fault = new Error("src");
    src.writer.complete(fault);
    const r = await w.done;
    expect(r.isErr && r.error.cause).toBe(fault);
    expect(w.reader.tryRead()).toEqual([1]);
    const end = await w.reader.read();
    expect(end.isErr && end.error.code).toBe("error.exception");
    expect(clock.pendingTimers).toBe(0);
  });

  it("abort completes the output with error.canceled", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const c = new AbortController();
    const w = window(src.reader, { intervalMs: 10, timeProvider: clock, signal: c.signal });
    await flush();
    c.abort();
    const r = await w.done;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
    expect(parked(src.reader)).toBe(0);
  });

  it("rejects zero/negative intervals and bad sizes (never spins)", () => {
    const src = Channel.createUnbounded<number>();
    expect(() => window(src.reader, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => window(src.reader, { intervalMs: -1 })).toThrow(RangeError);
    expect(() => window(src.reader, { size: 0 })).toThrow(RangeError);
    expect(() => window(src.reader, {})).toThrow(TypeError);
  });
});

describe("partition", () => {
  it("splits by predicate", async () => {
    const src = Channel.createUnbounded<number>();
    const even = Channel.createUnbounded<number>();
    const odd = Channel.createUnbounded<number>();
    for (const v of [1, 2, 3, 4, 5]) src.writer.tryWrite(v);
    src.writer.complete();
    expect(
      (await partition(src.reader, (n) => n % 2 === 0, { matched: even.writer, unmatched: odd.writer })).isOk,
    ).toBe(true);
    expect(drainSync(even.reader)).toEqual([2, 4]);
    expect(drainSync(odd.reader)).toEqual([1, 3, 5]);
    const end = await even.reader.read();
    expect(end.isErr && end.error.code).toBe("error.channel.completed");
  });

  it("a throwing predicate gives error.exception", async () => {
    const src = Channel.createUnbounded<number>();
    src.writer.tryWrite(1);
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const r = await partition(
      src.reader,
      () => {
        throw new Error("p");
      },
      { matched: a.writer, unmatched: b.writer },
    );
    expect(r.isErr && r.error.code).toBe("error.exception");
  });
});
