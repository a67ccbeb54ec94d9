import { GoDiagnostics, ok } from "@pipe/result";
import { afterEach, describe, expect, it } from "vitest";
import { Channel, prepareSelect, SelectCase, select, VirtualTimeProvider } from "../src/index.ts";

function recordingMeter() {
  const counts: Record<string, number> = {};
  const records: Record<string, number[]> = {};
  const meter = {
    createCounter: (name: string) => ({ add: (n: number) => void (counts[name] = (counts[name] ?? 0) + n) }),
    createUpDownCounter: (name: string) => ({
      add: (n: number) => void (counts[name] = (counts[name] ?? 0) + n),
    }),
    createHistogram: (name: string) => ({ record: (n: number) => void (records[name] ??= []).push(n) }),
  };
  return { meter, counts, records };
}

describe("diagnostics", () => {
  afterEach(() => GoDiagnostics.reset());

  it("records select attempts, completions, timeouts, cancellations and latency", async () => {
    const { meter, counts, records } = recordingMeter();
    GoDiagnostics.configure(meter);
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const cases = [SelectCase.read(a.reader, (v: number) => ok(v))];
    a.writer.tryWrite(1);
    select(cases, { timeProvider: clock });
    const timed = select(cases, { timeout: 10, timeProvider: clock });
    await clock.advance(10);
    await timed;
    const c = new AbortController();
    const canceled = select(cases, { signal: c.signal, timeProvider: clock });
    c.abort();
    await canceled;
    select(cases, { signal: AbortSignal.abort(), timeProvider: clock });
    expect(counts["channel.select.attempts"]).toBe(4);
    expect(counts["channel.select.completions"]).toBe(1);
    expect(counts["channel.select.timeouts"]).toBe(1);
    expect(counts["channel.select.cancellations"]).toBe(2);
    expect(records["channel.select.latency"]).toEqual([0, 10, 0]);
  });

  it("samples channel depth: one record per 64 buffered writes", () => {
    const { meter, records } = recordingMeter();
    GoDiagnostics.configure(meter);
    const { writer } = Channel.createBounded<number>(1000);
    for (let i = 0; i < 130; i++) writer.tryWrite(i);
    const p = Channel.createPrioritized<number>({ levels: 2 });
    for (let i = 0; i < 64; i++) p.writer.tryWrite(i, 0);
    expect(records["channel.depth"]).toEqual([64, 128, 64]);
  });

  it("switches depth sampling and prepared-select counting on and off with the meter", () => {
    const { meter, counts, records } = recordingMeter();
    const { reader, writer } = Channel.createBounded<number>(1000);
    const sel = prepareSelect([SelectCase.read(reader, (v: number) => ok(v))]);
    for (let i = 0; i < 64; i++) writer.tryWrite(i); // off: no samples, nothing counted
    sel.run();
    expect(records["channel.depth"]).toBeUndefined();
    expect(counts["channel.select.attempts"]).toBeUndefined();
    GoDiagnostics.configure(meter);
    for (let i = 0; i < 64; i++) expect(writer.tryWrite(i)).toBe(true); // on: the 64th write is sampled
    const picked = sel.run(); // on: the prepared select goes through the counted path
    expect(picked instanceof Promise ? undefined : picked.isOk).toBe(true);
    expect(records["channel.depth"]).toEqual([127]);
    expect(counts["channel.select.attempts"]).toBe(1);
    GoDiagnostics.reset();
    for (let i = 0; i < 128; i++) writer.tryWrite(i);
    sel.run();
    expect(records["channel.depth"]).toEqual([127]);
    expect(counts["channel.select.attempts"]).toBe(1);
  });

  it("samples only writes that buffered a value (not hand-offs to readers, not drop-mode writes when full)", async () => {
    const { meter, records } = recordingMeter();
    GoDiagnostics.configure(meter);
    const dropping = Channel.createBounded<number>({ capacity: 4, fullMode: "dropOldest" });
    for (let i = 0; i < 200; i++) dropping.writer.tryWrite(i);
    const handed = Channel.createBounded<number>(4);
    for (let i = 0; i < 128; i++) {
      const read = handed.reader.read();
      expect(handed.writer.tryWrite(i)).toBe(true);
      await read;
    }
    expect(records["channel.depth"]).toBeUndefined();
  });

  it("creates instruments lazily and again for a new meter", () => {
    const first = recordingMeter();
    const { writer } = Channel.createUnbounded<number>();
    for (let i = 0; i < 64; i++) writer.tryWrite(i);
    GoDiagnostics.configure(first.meter);
    for (let i = 0; i < 64; i++) writer.tryWrite(i);
    const second = recordingMeter();
    GoDiagnostics.configure(second.meter);
    for (let i = 0; i < 64; i++) writer.tryWrite(i);
    expect(first.records["channel.depth"]).toEqual([128]);
    expect(second.records["channel.depth"]).toEqual([192]);
  });

  it("completing a channel counts no failure unless a parked reader or writer receives one (issue 14 item 10)", async () => {
    const { meter, counts } = recordingMeter();
    GoDiagnostics.configure(meter);
    const channels = [
      Channel.createUnbounded<number>(),
      Channel.createBounded<number>(2),
      Channel.createPrioritized<number>({ levels: 2 }),
    ];
    for (const c of channels) {
      c.writer.tryWrite(1);
      expect(c.writer.tryComplete()).toBe(true);
      expect(c.reader.tryRead()).toBe(1); // drains: the channel finishes with nobody parked
      await c.reader.completion;
    }
    expect(counts["result.failures"] ?? 0).toBe(0);
    // A parked reader and a parked writer each receive one failure, counted once.
    const bounded = Channel.createBounded<number>(1);
    bounded.writer.tryWrite(1);
    const parkedWriter = bounded.writer.write(2);
    const empty = Channel.createUnbounded<number>();
    const parkedReader = empty.reader.read();
    bounded.writer.tryComplete();
    empty.writer.tryComplete();
    expect((await parkedWriter).isErr).toBe(true);
    expect((await parkedReader).isErr).toBe(true);
    expect(counts["result.failures"]).toBe(2);
  });
});
