import {
  after,
  Channel,
  delay,
  ErrGroup,
  fanIn,
  merge,
  SelectCase,
  select,
  selectBuilder,
  ticker,
  VirtualTimeProvider,
  WaitGroup,
  window,
} from "@pipe/channels";
import { err, ok, PipeError } from "@pipe/result";
import { describe, expect, it } from "../../src/harness.ts";

describe("channels: virtual time", () => {
  it("fires timers in deadline order, ties in scheduling order", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push("b"), 20);
    clock.setTimeout(() => seen.push("a1"), 10);
    clock.setTimeout(() => seen.push("a2"), 10);
    await clock.advance(20);
    expect(seen).toEqual(["a1", "a2", "b"]);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(0);
  });

  it("delay, after and ticker run on the virtual clock and are cancellable", async () => {
    const clock = new VirtualTimeProvider();
    const d = delay(50, { timeProvider: clock });
    const a = after(30, { timeProvider: clock });
    const t = ticker(10, { timeProvider: clock });
    await clock.advance(50);
    expect((await d).isOk).toBe(true);
    expect(a.tryRead()).toBe(30);
    expect(t.reader.tryRead()).toBe(50);
    t.stop();
    const c = new AbortController();
    const canceled = delay(10, { timeProvider: clock, signal: c.signal });
    c.abort();
    const r = await canceled;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("channels: select", () => {
  it("priority then registration order; losing cases consume nothing", () => {
    const a = Channel.createUnbounded<string>();
    const b = Channel.createUnbounded<string>();
    a.writer.tryWrite("a");
    b.writer.tryWrite("b");
    const r = select([
      SelectCase.read(a.reader, (v: string) => ok(v), { priority: 1 }),
      SelectCase.read(b.reader, (v: string) => ok(v), { priority: 0 }),
    ]);
    expect(r).toMatchObject({ isOk: true, value: "b" });
    expect(a.reader.count).toBe(1);
  });

  it("default, drained, timeout, canceled, exception, faulted reader", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const read = SelectCase.read(a.reader, (v: number) => ok(v));
    expect(select([read, SelectCase.default(() => ok(-1))])).toMatchObject({ value: -1 });
    const timed = select([read], { timeout: 20, timeProvider: clock });
    await clock.advance(20);
    expect(await timed).toMatchObject({ isOk: false, error: { code: "error.timeout" } });
    const c = new AbortController();
    const canceled = select([read], { signal: c.signal });
    c.abort();
    expect(await canceled).toMatchObject({ isOk: false, error: { code: "error.canceled" } });
    a.writer.tryWrite(1);
    const thrown = select([
      SelectCase.read(a.reader, () => {
        throw new Error("x");
      }),
    ]);
    expect(thrown).toMatchObject({ isOk: false, error: { code: "error.exception" } });
    const f = Channel.createUnbounded<number>();
    const fault = new Error("fault");
    f.writer.complete(fault);
    expect(select([SelectCase.read(f.reader, (v: number) => ok(v))])).toMatchObject({
      isOk: false,
      error: { code: "error.exception", cause: fault },
    });
    a.writer.complete();
    expect(select([read])).toMatchObject({ isOk: false, error: { code: "error.select.drained" } });
  });

  it("builder with a deadline case", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const p = selectBuilder<string>({ timeProvider: clock })
      .case(a.reader, (n: number) => ok(`n${n}`))
      .deadline(15, () => ok("deadline"))
      .execute();
    await clock.advance(15);
    expect(await p).toMatchObject({ value: "deadline" });
  });
});

describe("channels: fan-in, merge, window", () => {
  it("fanIn surfaces a faulted source as error.exception with the cause", async () => {
    const a = Channel.createUnbounded<number>();
    const fault = new Error("disk");
    a.writer.tryWrite(1);
    a.writer.complete(fault);
    const seen: number[] = [];
    const r = await fanIn([a.reader], (v) => {
      seen.push(v);
    });
    expect(seen).toEqual([1]);
    expect(r.isErr && r.error.code).toBe("error.exception");
    expect(r.isErr && r.error.cause).toBe(fault);
  });

  it("merge forwards everything and completes the destination", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const out = Channel.createBounded<number>(2);
    const merged = merge([a.reader, b.reader], out.writer);
    for (const v of [1, 2, 3]) a.writer.tryWrite(v);
    b.writer.tryWrite(10);
    a.writer.complete();
    b.writer.complete();
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    expect((await merged).isOk).toBe(true);
    expect(got.filter((v) => v < 10)).toEqual([1, 2, 3]);
    expect(got).toHaveLength(4);
  });

  it("window flushes by size and on a fixed interval; zero interval is a usage error", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const w = window(src.reader, { size: 2, intervalMs: 100, timeProvider: clock });
    src.writer.tryWrite(1);
    src.writer.tryWrite(2);
    src.writer.tryWrite(3);
    await clock.advance(100);
    expect(w.reader.tryRead()).toEqual([1, 2]);
    expect(w.reader.tryRead()).toEqual([3]);
    src.writer.complete();
    expect((await w.done).isOk).toBe(true);
    expect(() => window(src.reader, { intervalMs: 0 })).toThrow(RangeError);
  });
});

describe("channels: WaitGroup and ErrGroup", () => {
  it("WaitGroup.wait returns the failure of the work it ran, error.timeout on timeout", async () => {
    const clock = new VirtualTimeProvider();
    const wg = new WaitGroup();
    const e = PipeError.from("bad", "app.bad");
    wg.go(async () => {
      await delay(10, { timeProvider: clock });
      return err(e);
    });
    const timed = wg.wait({ timeout: 5, timeProvider: clock });
    await clock.advance(5);
    expect(await timed).toMatchObject({ isOk: false, error: { code: "error.timeout" } });
    const p = wg.wait();
    await clock.advance(5);
    const r = await p;
    expect(r.isErr && r.error).toBe(e);
  });

  it("ErrGroup: first failure wins and aborts the group; wait returns the same instance", async () => {
    const clock = new VirtualTimeProvider();
    const g = new ErrGroup();
    const first = PipeError.from("first");
    g.go(() => err(first));
    g.go(async (signal) => {
      const r = await delay(100, { timeProvider: clock, signal });
      return r.isErr ? err(PipeError.from("second")) : ok();
    });
    await clock.advance(0);
    const r = await g.wait();
    expect(g.signal.aborted).toBe(true);
    expect(r.isErr && r.error).toBe(first);
  });
});
