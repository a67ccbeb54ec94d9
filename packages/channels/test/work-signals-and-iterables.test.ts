/** Issue 14 item 11: a `go` work's signal aborts once the work settles; fanIn/merge accept any iterable. */
import { err, ok, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { Channel, type ChannelReader, ErrGroup, fanIn, merge, WaitGroup } from "../src/index.ts";

const filled = (values: number[]): ChannelReader<number> => {
  const c = Channel.createUnbounded<number>();
  for (const v of values) c.writer.tryWrite(v);
  c.writer.tryComplete();
  return c.reader;
};

describe("WaitGroup.go / ErrGroup.go: the work's signal", () => {
  it("aborts once the work settles (sync, async, failed, thrown, rejected), before wait() resolves", async () => {
    const works = [
      (_s: AbortSignal, _gate: Promise<void>) => ok(),
      async (_s: AbortSignal, gate: Promise<void>) => {
        await gate;
        return ok();
      },
      (_s: AbortSignal, _gate: Promise<void>) => err(PipeError.from("failed")),
      (_s: AbortSignal, _gate: Promise<void>) => {
        throw new Error("thrown");
      },
      async (_s: AbortSignal, gate: Promise<void>) => {
        await gate;
        throw new Error("rejected");
      },
    ];
    for (const [index, work] of works.entries()) {
      for (const group of [new WaitGroup(), new ErrGroup()]) {
        let release!: () => void;
        const gate = new Promise<void>((r) => {
          release = r;
        });
        let signal: AbortSignal | undefined;
        let abortedWhileRunning: boolean | undefined;
        group.go((s) => {
          signal = s;
          abortedWhileRunning = s.aborted;
          return work(s, gate);
        });
        expect(abortedWhileRunning).toBe(false);
        const waited = group.wait();
        release();
        const result = await waited;
        expect(result.isOk).toBe(index < 2);
        expect(signal?.aborted).toBe(true);
        if (index < 2) expect((signal?.reason as Error | undefined)?.name).toBe("AbortError");
      }
    }
  });

  it("still follows options.signal while the work runs", async () => {
    const wg = new WaitGroup();
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    let reasonWhileRunning: unknown;
    wg.go(
      async (signal) => {
        seen = signal;
        await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
        reasonWhileRunning = signal.reason;
        return ok();
      },
      { signal: parent.signal },
    );
    expect(seen?.aborted).toBe(false);
    parent.abort("stop");
    expect((await wg.wait()).isOk).toBe(true);
    expect(reasonWhileRunning).toBe("stop");
  });

  it("a listener the work left on its signal runs when the work ends (nothing stays tied to it)", async () => {
    const wg = new WaitGroup();
    let released = 0;
    for (let i = 0; i < 3; i++) {
      wg.go(async (signal) => {
        signal.addEventListener("abort", () => released++, { once: true });
        return ok();
      });
    }
    await wg.wait();
    expect(released).toBe(3);
  });
});

describe("fanIn / merge: readers as any iterable", () => {
  it("accept a Set, a generator and a Map's values", async () => {
    const seen: number[] = [];
    expect((await fanIn(new Set([filled([1]), filled([2])]), (v) => void seen.push(v))).isOk).toBe(true);
    function* gen() {
      yield filled([3]);
      yield filled([4]);
    }
    expect((await fanIn(gen(), (v) => void seen.push(v))).isOk).toBe(true);
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
    const out = Channel.createUnbounded<number>();
    const byName = new Map([
      ["a", filled([5])],
      ["b", filled([6])],
    ]);
    expect((await merge(byName.values(), out.writer)).isOk).toBe(true);
    expect(out.reader.count).toBe(2);
  });

  it("throw a TypeError for a non-iterable (synchronously) and name the bad element", () => {
    const handler = () => {};
    const out = Channel.createUnbounded<number>().writer;
    for (const bad of [undefined, null, 42, "ab", { length: 1 }, filled([1])]) {
      expect(() => fanIn(bad as never, handler)).toThrow(TypeError);
      expect(() => fanIn(bad as never, handler)).toThrow(/readers must be an iterable of channel readers/);
      expect(() => merge(bad as never, out)).toThrow(TypeError);
    }
    expect(() => fanIn(new Set([filled([1]), {} as never]), handler)).toThrow(/reader 1 must come from/);
  });
});
