import { describe, expect, it } from "vitest";
import { expectedPerSource, hashOf, hashSequence, perSourceDigest } from "../src/checksum.ts";
import { fullGc, requireGc } from "../src/gc.ts";
import { ChecksumError, measure, type Variant } from "../src/harness.ts";
import { modeGaps } from "../src/report.ts";

const free = { mode: "gc-free", enforce: true } as const;

describe("checksums", () => {
  it("change when two items 13 apart swap (the old i % 13 weighting did not)", () => {
    const values = Array.from({ length: 100 }, (_, i) => i * 3 + 1);
    const swapped = [...values];
    [swapped[10], swapped[23]] = [swapped[23] as number, swapped[10] as number];
    expect(hashSequence(swapped)).not.toBe(hashSequence(values));
    expect(hashSequence(values)).toBe(hashOf(100, (i) => i * 3 + 1));
  });

  it("change when an item is skipped or duplicated", () => {
    const values = [1, 2, 3, 4];
    expect(hashSequence([1, 2, 4])).not.toBe(hashSequence(values));
    expect(hashSequence([1, 2, 2, 3, 4])).not.toBe(hashSequence(values));
  });

  it("accept any interleaving of sources but no reordering within one", () => {
    const expected = expectedPerSource(2, 3); // source 0: 0 1 2, source 1: 3 4 5
    expect(perSourceDigest([0, 3, 1, 4, 2, 5], 6, 2, 3)).toBe(expected);
    expect(perSourceDigest([3, 4, 5, 0, 1, 2], 6, 2, 3)).toBe(expected);
    expect(perSourceDigest([1, 0, 2, 3, 4, 5], 6, 2, 3)).not.toBe(expected);
    expect(perSourceDigest([0, 1, 2, 3, 4], 5, 2, 3)).not.toBe(expected);
    expect(perSourceDigest([0, 1, 2, 3, 4, 9], 6, 2, 3)).toMatch(/foreign/);
  });
});

describe("measure", () => {
  const base: Variant<number> = { name: "base", run: () => 42 };

  it("verifies every round, not only the last: a wrong outcome in round 4 aborts with a ChecksumError", async () => {
    let runs = 0;
    const flaky: Variant<number> = { name: "flaky", run: () => (++runs === 2 + 4 ? 41 : 42) };
    const definition = {
      name: "b",
      workload: "w",
      rounds: 9,
      baseline: base,
      variants: [flaky],
      expected: 42,
    };
    await expect(measure(definition as never, free)).rejects.toThrow(ChecksumError);
    await expect(measure(definition as never, free)).resolves.toBeDefined(); // runs > 6 now: all 42
  });

  it("checks the baseline against the expected checksum too", async () => {
    const definition = { name: "b", workload: "w", rounds: 9, baseline: base, variants: [], expected: 7 };
    await expect(measure(definition as never, free)).rejects.toThrow(
      /base, warm-up round 1: checksum 42, expected 7/,
    );
  });

  it("hashes outcomes with `checksum` and runs teardown even when a round fails", async () => {
    let tornDown = false;
    const definition = {
      name: "b",
      workload: "w",
      rounds: 9,
      baseline: { name: "base", run: () => [1, 2, 3] },
      variants: [{ name: "reordered", run: () => [1, 3, 2] }],
      checksum: (o: number[]) => hashSequence(o),
      teardown: () => {
        tornDown = true;
      },
    };
    await expect(measure(definition as never, free)).rejects.toThrow(ChecksumError);
    expect(tornDown).toBe(true);
  });

  it("refuses fewer than 9 rounds", async () => {
    const definition = { name: "b", workload: "w", rounds: 5, baseline: base, variants: [] };
    await expect(measure(definition as never, free)).rejects.toThrow(RangeError);
  });

  it("alternates the order of baseline and variants round by round", async () => {
    const order: string[] = [];
    const v = (name: string): Variant<number> => ({
      name,
      run: () => {
        order.push(name);
        return 42;
      },
    });
    const definition = {
      name: "b",
      workload: "w",
      rounds: 9,
      warmup: 0,
      baseline: v("B"),
      variants: [v("V")],
    };
    await measure(definition as never, free);
    expect(order.slice(0, 6)).toEqual(["B", "V", "V", "B", "B", "V"]);
  });

  it("fails a guard over its bound only where guards are enforced", async () => {
    const slow: Variant<number> = {
      name: "slow",
      bound: 1.5,
      run: () => {
        const until = performance.now() + 3;
        while (performance.now() < until);
        return 42;
      },
    };
    const definition = { name: "b", workload: "w", rounds: 9, warmup: 0, baseline: base, variants: [slow] };
    expect((await measure(definition as never, free)).variants[0]?.passed).toBe(false);
    expect(
      (await measure(definition as never, { mode: "gc-free", enforce: false })).variants[0]?.passed,
    ).toBe(true);
  });
});

describe("GC", () => {
  it("fails loudly when the runtime cannot force a full collection", () => {
    const g = globalThis as { gc?: unknown };
    if (typeof g.gc === "function") return; // started with --expose-gc: nothing to refuse
    expect(() => requireGc()).toThrow(/--expose-gc/);
    expect(() => fullGc()).toThrow(/--expose-gc/);
  });
});

describe("gc-forced mode", () => {
  it("collects before every timed run and applies forcedGcBound instead of bound", async () => {
    const g = globalThis as { gc?: () => void };
    const real = g.gc;
    let collections = 0;
    g.gc = () => {
      collections++;
    };
    try {
      const slow: Variant<number> = {
        name: "slow",
        bound: 1.5,
        forcedGcBound: 1e9,
        run: () => {
          const until = performance.now() + 3;
          while (performance.now() < until);
          return 42;
        },
      };
      const base: Variant<number> = { name: "base", run: () => 42 };
      const definition = { name: "b", workload: "w", rounds: 9, warmup: 0, baseline: base, variants: [slow] };
      const forced = await measure(definition as never, { mode: "gc-forced", enforce: true });
      expect(collections).toBe(18);
      expect(forced.variants[0]?.bound).toBe(1e9);
      expect(forced.variants[0]?.passed).toBe(true);
      const free = await measure(definition as never, { mode: "gc-free", enforce: true });
      expect(collections).toBe(18);
      expect(free.variants[0]?.passed).toBe(false);
    } finally {
      if (real === undefined) delete g.gc;
      else g.gc = real;
    }
  });
});

describe("report", () => {
  it("flags a variant whose ratio differs between the GC modes", () => {
    const v = (ratio: number) => ({ name: "v", ratio }) as never;
    const r = (mode: string, ratio: number) => ({ name: "b", mode, variants: [v(ratio)] }) as never;
    expect(modeGaps([r("gc-free", 1.1), r("gc-forced", 2.2)])).toHaveLength(1);
    expect(modeGaps([r("gc-free", 1.1), r("gc-forced", 1.2)])).toHaveLength(0);
  });
});
