import { describe, expect, it } from "vitest";
import { after, delay, NO_VALUE, TimeProvider, ticker, VirtualTimeProvider } from "../src/index.ts";
import { flush, trackedSignal } from "./helpers.ts";

describe("VirtualTimeProvider", () => {
  it("fires timers in deadline order, ties in scheduling order", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push("b@20"), 20);
    clock.setTimeout(() => seen.push("a@10"), 10);
    clock.setTimeout(() => seen.push("c@20"), 20);
    clock.setTimeout(() => seen.push("d@10"), 10);
    expect(clock.pendingTimers).toBe(4);
    await clock.advance(20);
    expect(seen).toEqual(["a@10", "d@10", "b@20", "c@20"]);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(0);
  });

  it("starts at the given time and only moves when advanced", async () => {
    const clock = new VirtualTimeProvider({ start: 1000 });
    expect(clock.now()).toBe(1000);
    await clock.advance(0);
    expect(clock.now()).toBe(1000);
    await clock.advance(5);
    expect(clock.now()).toBe(1005);
  });

  it("lets microtasks settle after each timer so awaiting code can schedule the next one", async () => {
    const clock = new VirtualTimeProvider();
    const times: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await delay(10, { timeProvider: clock });
        times.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(30);
    await done;
    expect(times).toEqual([10, 20, 30]);
  });

  it("sets now() to the firing deadline during the callback", async () => {
    const clock = new VirtualTimeProvider();
    let at = -1;
    clock.setTimeout(() => {
      at = clock.now();
    }, 7);
    await clock.advance(100);
    expect(at).toBe(7);
    expect(clock.now()).toBe(100);
  });

  it("clearTimeout removes a pending timer; unknown handles are ignored", async () => {
    const clock = new VirtualTimeProvider();
    let fired = false;
    const h = clock.setTimeout(() => {
      fired = true;
    }, 5);
    clock.clearTimeout(h);
    clock.clearTimeout({});
    clock.clearTimeout(undefined);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(10);
    expect(fired).toBe(false);
  });

  it("runAll fires chains of timers and stops at a safety limit for endless tickers", async () => {
    const clock = new VirtualTimeProvider({ maxTimersPerRun: 50 });
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    await clock.runAll();
    expect(seen).toEqual([5, 10]);
    const t = ticker(1, { timeProvider: clock });
    await expect(clock.runAll()).rejects.toBeInstanceOf(RangeError);
    t.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects bad arguments synchronously", () => {
    const clock = new VirtualTimeProvider();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => new VirtualTimeProvider({ start: Number.NaN })).toThrow(RangeError);
    expect(() => new VirtualTimeProvider({ microtaskRounds: 0 })).toThrow(RangeError);
  });

  it("treats negative and NaN delays as zero", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push("neg"), -5);
    clock.setTimeout(() => seen.push("nan"), Number.NaN);
    await clock.advance(0);
    expect(seen).toEqual(["neg", "nan"]);
  });
});

describe("TimeProvider.system", () => {
  it("uses the real clock", async () => {
    const before = Date.now();
    expect(TimeProvider.system.now()).toBeGreaterThanOrEqual(before);
    const fired = await new Promise<boolean>((resolve) => {
      TimeProvider.system.setTimeout(() => resolve(true), 0);
    });
    expect(fired).toBe(true);
    const h = TimeProvider.system.setTimeout(() => {
      throw new Error("must not fire");
    }, 5);
    TimeProvider.system.clearTimeout(h);
  });
});

describe("delay", () => {
  it("resolves ok after the delay", async () => {
    const clock = new VirtualTimeProvider();
    let settled = false;
    const p = delay(100, { timeProvider: clock }).then((r) => {
      settled = true;
      return r;
    });
    await clock.advance(99);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await p).isOk).toBe(true);
  });

  it("zero delay resolves without a timer", async () => {
    const clock = new VirtualTimeProvider();
    const p = delay(0, { timeProvider: clock });
    expect(clock.pendingTimers).toBe(0);
    expect((await p).isOk).toBe(true);
  });

  it("abort gives error.canceled, clears the timer and removes the listener", async () => {
    const clock = new VirtualTimeProvider();
    const t = trackedSignal();
    const p = delay(100, { timeProvider: clock, signal: t.signal });
    expect(t.listeners()).toBe(1);
    t.controller.abort("stop");
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
  });

  it("removes the abort listener when the timer fires", async () => {
    const clock = new VirtualTimeProvider();
    const t = trackedSignal();
    const p = delay(10, { timeProvider: clock, signal: t.signal });
    await clock.advance(10);
    expect((await p).isOk).toBe(true);
    expect(t.listeners()).toBe(0);
  });

  it("a pre-aborted signal fails up front without scheduling", async () => {
    const clock = new VirtualTimeProvider();
    const r = await delay(10, { timeProvider: clock, signal: AbortSignal.abort() });
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects negative and non-finite delays", () => {
    expect(() => delay(-1)).toThrow(RangeError);
    expect(() => delay(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("after", () => {
  it("emits now() once and completes", async () => {
    const clock = new VirtualTimeProvider({ start: 50 });
    const r = after(10, { timeProvider: clock });
    expect(r.tryRead()).toBe(NO_VALUE);
    await clock.advance(10);
    expect(r.tryRead()).toBe(60);
    const end = await r.read();
    expect(end.isErr && end.error.code).toBe("error.channel.completed");
  });

  it("zero delay emits immediately", () => {
    const clock = new VirtualTimeProvider();
    expect(after(0, { timeProvider: clock }).tryRead()).toBe(0);
  });

  it("abort completes the channel with error.canceled", async () => {
    const clock = new VirtualTimeProvider();
    const c = new AbortController();
    const r = after(10, { timeProvider: clock, signal: c.signal });
    c.abort();
    const res = await r.read();
    expect(res.isErr && res.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
    const pre = await after(10, { timeProvider: clock, signal: AbortSignal.abort() }).read();
    expect(pre.isErr && pre.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects bad delays", () => {
    expect(() => after(-1)).toThrow(RangeError);
  });
});

describe("ticker", () => {
  it("buffers one tick and drops the oldest", async () => {
    const clock = new VirtualTimeProvider();
    const t = ticker(10, { timeProvider: clock });
    await clock.advance(10);
    expect(t.reader.tryRead()).toBe(10);
    await clock.advance(35);
    expect(t.reader.count).toBe(1);
    expect(t.reader.tryRead()).toBe(40);
    t.stop();
    t.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps a fixed schedule and ends iteration on stop", async () => {
    const clock = new VirtualTimeProvider();
    const t = ticker(10, { timeProvider: clock });
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const at of t) {
        seen.push(at);
        if (seen.length === 3) t.stop();
      }
    })();
    await clock.advance(50);
    await consumer;
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("abort completes with error.canceled", async () => {
    const clock = new VirtualTimeProvider();
    const c = new AbortController();
    const t = ticker(10, { timeProvider: clock, signal: c.signal });
    c.abort();
    await flush();
    const r = await t.reader.read();
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(clock.pendingTimers).toBe(0);
    const pre = ticker(10, { timeProvider: clock, signal: AbortSignal.abort() });
    expect(clock.pendingTimers).toBe(0);
    const r2 = await pre.reader.read();
    expect(r2.isErr && r2.error.code).toBe("error.canceled");
  });

  it("rejects a non-positive period", () => {
    expect(() => ticker(0)).toThrow(RangeError);
    expect(() => ticker(-5)).toThrow(RangeError);
  });
});
