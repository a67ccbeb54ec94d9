import type { PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { broadcast, Channel, merge, NO_VALUE, VirtualTimeProvider } from "../src/index.ts";
import { flush, parked, trackedSignal } from "./helpers.ts";

const drainSync = <T>(r: { tryRead(): T | typeof NO_VALUE }): T[] => {
  const out: T[] = [];
  for (let v = r.tryRead(); v !== NO_VALUE; v = r.tryRead()) out.push(v as T);
  return out;
};

const filled = (values: readonly number[], complete = true) => {
  const c = Channel.createUnbounded<number>();
  for (const v of values) c.writer.tryWrite(v);
  if (complete) c.writer.complete();
  return c;
};

describe("merge: timeout and abort while the destination is full", () => {
  it("timeout fires with error.timeout while waiting for room, keeps the value in the source and cleans up", async () => {
    const clock = new VirtualTimeProvider();
    const src = filled([1, 2]);
    const out = Channel.createBounded<number>(1);
    const tracked = trackedSignal();
    let settled = false;
    const p = merge([src.reader], out.writer, {
      timeout: 50,
      timeProvider: clock,
      signal: tracked.signal,
      completeDestination: false,
    }).then((r) => {
      settled = true;
      return r;
    });
    await flush();
    await clock.advance(49);
    await flush();
    expect(settled).toBe(false);
    await clock.advance(1);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    expect(r.error?.metadata.duration).toBe(50);
    expect(drainSync(out.reader)).toEqual([1]);
    expect(drainSync(src.reader)).toEqual([2]);
    expect(parked(out.writer)).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(tracked.listeners()).toBe(0);
  });

  it("abort while blocked loses no value: each one is in the destination or still in the source", async () => {
    const src = filled([1, 2, 3], false);
    const out = Channel.createBounded<number>(1);
    const tracked = trackedSignal();
    const p = merge([src.reader], out.writer, { signal: tracked.signal, completeDestination: false });
    await flush();
    tracked.controller.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(drainSync(out.reader)).toEqual([1]);
    expect(drainSync(src.reader)).toEqual([2, 3]);
    expect(parked(out.writer)).toBe(0);
    expect(tracked.listeners()).toBe(0);
  });

  it("a timeout that never needs to wait arms no timer and still forwards everything", async () => {
    const clock = new VirtualTimeProvider();
    const src = filled([1, 2, 3]);
    const out = Channel.createBounded<number>(8);
    const r = await merge([src.reader], out.writer, { timeout: 50, timeProvider: clock });
    expect(r.isOk).toBe(true);
    expect(drainSync(out.reader)).toEqual([1, 2, 3]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("resumes after room frees up before the deadline", async () => {
    const clock = new VirtualTimeProvider();
    const src = filled([1, 2, 3]);
    const out = Channel.createBounded<number>(1);
    const p = merge([src.reader], out.writer, { timeout: 50, timeProvider: clock });
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    expect((await p).isOk).toBe(true);
    expect(got).toEqual([1, 2, 3]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a destination completed while waiting fails error.channel.completed without taking the value", async () => {
    const src = filled([1, 2]);
    const out = Channel.createBounded<number>(1);
    const p = merge([src.reader], out.writer, { completeDestination: false });
    await flush();
    out.writer.complete();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.channel.completed");
    expect(drainSync(src.reader)).toEqual([2]);
  });
});

describe("broadcast: timeout and partial delivery", () => {
  it("timeout fires with error.timeout while a write waits for room and reports the undelivered value", async () => {
    const clock = new VirtualTimeProvider();
    const src = filled([1, 2]);
    const a = Channel.createUnbounded<number>();
    const b = Channel.createBounded<number>(1);
    const undelivered: [number, PipeError][] = [];
    const p = broadcast(src.reader, [a.writer, b.writer], {
      timeout: 50,
      timeProvider: clock,
      completeDestinations: false,
      onUndelivered: (v, e) => undelivered.push([v, e]),
    });
    await flush();
    await clock.advance(50);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    expect(drainSync(a.reader)).toEqual([1, 2]);
    expect(drainSync(b.reader)).toEqual([1]);
    expect(undelivered.map(([v, e]) => [v, e.code])).toEqual([[2, "error.timeout"]]);
    expect(parked(b.writer)).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("abort mid-value reports it through onUndelivered (error.canceled); a clean failure reports nothing", async () => {
    const src = filled([1, 2], false);
    const a = Channel.createBounded<number>(1);
    const tracked = trackedSignal();
    const undelivered: [number, string | undefined][] = [];
    const p = broadcast(src.reader, [a.writer], {
      signal: tracked.signal,
      onUndelivered: (v, e) => undelivered.push([v, e.code]),
    });
    await flush();
    tracked.controller.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(undelivered).toEqual([[2, "error.canceled"]]);
    expect(tracked.listeners()).toBe(0);

    const faulted = Channel.createUnbounded<number>();
    faulted.writer.tryWrite(1);
    faulted.writer.complete(new Error("bad"));
    const calls: number[] = [];
    const r2 = await broadcast(faulted.reader, [Channel.createUnbounded<number>().writer], {
      onUndelivered: (v) => calls.push(v),
    });
    expect(r2.isErr && r2.error.code).toBe("error.exception");
    expect(calls).toEqual([]);
  });
});
