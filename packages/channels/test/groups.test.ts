import { err, GoDiagnostics, ok, PipeError } from "@pipe/result";
import { afterEach, describe, expect, it } from "vitest";
import { delay, ErrGroup, VirtualTimeProvider, WaitGroup } from "../src/index.ts";
import { flush, trackedSignal } from "./helpers.ts";

describe("WaitGroup", () => {
  it("waits for all work and returns ok", async () => {
    const clock = new VirtualTimeProvider();
    const wg = new WaitGroup();
    const done: number[] = [];
    for (const ms of [30, 10, 20]) {
      wg.go(async () => {
        await delay(ms, { timeProvider: clock });
        done.push(ms);
        return ok();
      });
    }
    expect(wg.count).toBe(3);
    const p = wg.wait();
    await clock.advance(30);
    expect((await p).isOk).toBe(true);
    expect(done).toEqual([10, 20, 30]);
    expect(wg.count).toBe(0);
  });

  it("returns the single failure, or an aggregate of all failures", async () => {
    const one = new WaitGroup();
    const e1 = PipeError.from("one", "app.one");
    one.go(() => err(e1));
    one.go(() => ok());
    const r1 = await one.wait();
    expect(r1.isErr && r1.error).toBe(e1);

    const many = new WaitGroup();
    many.go(async () => err(PipeError.from("a")));
    many.go(() => {
      throw new Error("b");
    });
    many.go(async () => Promise.reject(new Error("c")));
    const r = await many.wait();
    expect(r.isErr && r.error.code).toBe("error.aggregate");
    expect(r.isErr && r.error.errors).toHaveLength(3);
  });

  it("add/done by hand, with usage errors", async () => {
    const wg = new WaitGroup();
    expect(() => wg.add(0)).toThrow(RangeError);
    expect(() => wg.done()).toThrow(RangeError);
    wg.add(2);
    const p = wg.wait();
    wg.done();
    await flush();
    let settled = false;
    void p.then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    wg.done();
    expect((await p).isOk).toBe(true);
  });

  it("wait: timeout and abort as Results, listeners and timers removed", async () => {
    const clock = new VirtualTimeProvider();
    const wg = new WaitGroup();
    wg.add(1);
    const p = wg.wait({ timeout: 100, timeProvider: clock });
    await clock.advance(100);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    const t = trackedSignal();
    const p2 = wg.wait({ signal: t.signal, timeout: 100, timeProvider: clock });
    t.controller.abort();
    const r2 = await p2;
    expect(r2.isErr && r2.error.code).toBe("error.canceled");
    expect(t.listeners()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    const pre = await new WaitGroup().wait({ signal: AbortSignal.abort() });
    expect(pre.isErr && pre.error.code).toBe("error.canceled");
  });

  it("go with a pre-aborted signal never runs the work and records error.canceled", async () => {
    const wg = new WaitGroup();
    let ran = false;
    wg.go(
      () => {
        ran = true;
      },
      { signal: AbortSignal.abort() },
    );
    const r = await wg.wait();
    expect(ran).toBe(false);
    expect(r.isErr && r.error.code).toBe("error.canceled");
  });

  it("can be subclassed through the protected hooks", async () => {
    class Tagged extends WaitGroup {
      readonly seen: string[] = [];
      run(name: string, work: () => Promise<unknown>): void {
        this.track(work().then((v) => v));
        this.seen.push(name);
      }
      protected override recordFailure(error: PipeError): void {
        super.recordFailure(error.withMetadata("step", "x"));
      }
    }
    const g = new Tagged();
    g.run("s1", async () => err(PipeError.from("f")));
    const r = await g.wait();
    expect(r.isErr && r.error.metadata.step).toBe("x");
  });

  it("records diagnostics when a meter is configured", async () => {
    const counts: Record<string, number> = {};
    GoDiagnostics.configure({
      createCounter: (name) => ({ add: (n) => void (counts[name] = (counts[name] ?? 0) + n) }),
      createUpDownCounter: (name) => ({ add: (n) => void (counts[name] = (counts[name] ?? 0) + n) }),
      createHistogram: (name) => ({ record: () => void (counts[name] = (counts[name] ?? 0) + 1) }),
    });
    try {
      const wg = new WaitGroup();
      wg.go(() => ok());
      wg.add(2);
      wg.done();
      wg.done();
      await wg.wait();
    } finally {
      GoDiagnostics.reset();
    }
    expect(counts["waitgroup.additions"]).toBe(3);
    expect(counts["waitgroup.completions"]).toBe(3);
    expect(counts["waitgroup.outstanding"]).toBe(0);
  });
});

describe("ErrGroup", () => {
  afterEach(() => GoDiagnostics.reset());

  it("first failure wins, aborts the group signal, later failures ignored; wait returns the same instance", async () => {
    const clock = new VirtualTimeProvider();
    const g = new ErrGroup();
    const first = PipeError.from("first", "app.first");
    let peerSawAbort = false;
    g.go(async () => {
      await delay(10, { timeProvider: clock });
      return err(first);
    });
    g.go(async (signal) => {
      const r = await delay(100, { timeProvider: clock, signal });
      peerSawAbort = r.isErr;
      return err(PipeError.from("later"));
    });
    const p = g.wait();
    await clock.advance(10);
    const r = await p;
    expect(g.signal.aborted).toBe(true);
    expect(peerSawAbort).toBe(true);
    expect(r.isErr && r.error).toBe(first);
    expect(g.error).toBe(first);
  });

  it("cancel records error.canceled unless an error is set", async () => {
    const g = new ErrGroup();
    g.cancel();
    expect(g.signal.aborted).toBe(true);
    const r = await g.wait();
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(r.isErr && r.error).toBe(g.error);

    const g2 = new ErrGroup();
    const e = PipeError.from("x");
    g2.go(() => err(e));
    g2.cancel();
    expect(g2.error).toBe(e);
  });

  it("a throwing work is error.exception; success is ok", async () => {
    const g = new ErrGroup();
    g.go(() => {
      throw new Error("t");
    });
    const r = await g.wait();
    expect(r.isErr && r.error.code).toBe("error.exception");
    const ok2 = new ErrGroup();
    ok2.go(async () => ok(1));
    expect((await ok2.wait()).isOk).toBe(true);
  });

  it("go(work, { signal }): the work sees an abort of its own signal and of the group's", async () => {
    const clock = new VirtualTimeProvider();
    const g = new ErrGroup();
    const own = new AbortController();
    let sawGroupAbort = false;
    g.go(
      async (signal) => {
        sawGroupAbort = (await delay(100, { timeProvider: clock, signal })).isErr;
        return ok();
      },
      { signal: own.signal },
    );
    g.go(() => err(PipeError.from("first", "app.first")));
    await clock.advance(100);
    expect((await g.wait()).isErr).toBe(true);
    expect(sawGroupAbort).toBe(true);

    const g2 = new ErrGroup();
    const own2 = new AbortController();
    let sawOwnAbort = false;
    g2.go(
      async (signal) => {
        sawOwnAbort = (await delay(100, { timeProvider: clock, signal })).isErr;
        return ok();
      },
      { signal: own2.signal },
    );
    own2.abort();
    await clock.advance(100);
    expect((await g2.wait()).isOk).toBe(true);
    expect(sawOwnAbort).toBe(true);
    expect(g2.signal.aborted).toBe(false);
  });

  it("go(work, { signal }) beyond the limit never starts once the group aborted", async () => {
    const g = new ErrGroup({ limit: 1 });
    const started: string[] = [];
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    g.go(async () => {
      started.push("first");
      await gate;
      return ok();
    });
    g.go(
      () => {
        started.push("queued");
        return ok();
      },
      { signal: new AbortController().signal },
    );
    g.cancel();
    open();
    const r = await g.wait();
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(started).toEqual(["first"]);
  });

  it("a parent signal aborts the group", async () => {
    const parent = new AbortController();
    const g = new ErrGroup({ signal: parent.signal });
    parent.abort("shutdown");
    expect(g.signal.aborted).toBe(true);
    const r = await g.wait();
    expect(r.isErr && r.error.code).toBe("error.canceled");
    const pre = new ErrGroup({ signal: AbortSignal.abort() });
    expect(pre.signal.aborted).toBe(true);
    expect(pre.error?.code).toBe("error.canceled");
  });
});
