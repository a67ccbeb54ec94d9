import { describe, expect, it } from "vitest";
import { heapGrowthOverRounds } from "../../../test-support/heap.ts";
import { anySignal, ErrGroup } from "../src/index.ts";

describe("anySignal", () => {
  it("aborts with the reason of the first source that aborts, once", () => {
    const a = new AbortController();
    const b = new AbortController();
    const signal = anySignal([a.signal, b.signal]);
    let events = 0;
    signal.addEventListener("abort", () => events++);
    expect(signal.aborted).toBe(false);
    b.abort("b first");
    a.abort("a later");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("b first");
    expect(events).toBe(1);
  });

  it("is aborted at once when a source already is; an empty list never aborts", () => {
    const done = AbortSignal.abort("gone");
    const live = new AbortController();
    const signal = anySignal([live.signal, done]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("gone");
    expect(anySignal([]).aborted).toBe(false);
  });

  it("many signals linked to one source all abort, each from the one shared listener", () => {
    const source = new AbortController();
    let added = 0;
    const original = source.signal.addEventListener.bind(source.signal);
    source.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      original(...args);
    }) as AbortSignal["addEventListener"];
    const linked = Array.from({ length: 50 }, () => anySignal([source.signal, new AbortController().signal]));
    expect(added).toBe(1);
    source.abort("stop");
    expect(linked.every((s) => s.aborted && s.reason === "stop")).toBe(true);
  });

  it("throws a TypeError for something that is not an iterable of AbortSignals", () => {
    expect(() => anySignal(undefined as unknown as AbortSignal[])).toThrow(TypeError);
    expect(() => anySignal([{}] as unknown as AbortSignal[])).toThrow(/every signal must be an AbortSignal/);
  });

  it("signals linked to a long-lived source and dropped do not stay in memory (AbortSignal.any's do on Node 20 and 22)", async () => {
    const longLived = new AbortController().signal;
    const grown = await heapGrowthOverRounds(() => {
      for (let i = 0; i < 40_000; i++) anySignal([longLived, new AbortController().signal]);
    });
    expect(grown).toBeLessThan(2_000_000);
  }, 60_000);

  it("ErrGroups with a long-lived parent signal do not stay in memory once dropped", async () => {
    const parent = new AbortController().signal;
    const grown = await heapGrowthOverRounds(() => {
      for (let i = 0; i < 20_000; i++) new ErrGroup({ signal: parent });
    });
    expect(grown).toBeLessThan(2_000_000);
  }, 60_000);
});
