/**
 * The `@repeaterjs/repeater` peer of the three channel benchmarks, each against the same hand-written baseline,
 * workload and checksum as the benchmark it belongs to (imported from there).
 *
 * Why a file of its own: the runner gives every bench file its own process, and Repeater's runs are hundreds of
 * times slower and churn through promises for seconds. Measured in the same process as the other variants, they
 * slowed every later run of the baseline and of `@pipe/channels` alike, so the ratios would have measured
 * Repeater's leftovers rather than the code under test. The peer's own ratio is measured here, against its own
 * baseline runs.
 *
 * @module
 */
import { FixedBuffer, Repeater } from "@repeaterjs/repeater";
import type { Benchmark, Variant } from "../harness.ts";
import { arrivals } from "./arrivals.ts";
import mpsc from "./mpsc.bench.ts";
import select from "./select.bench.ts";
import { fast } from "./spsc.bench.ts";

const CAP = 1024;

/** 1 → 1: one Repeater with a FixedBuffer of 1024, 1,000,000 integers. */
async function spscRepeater(): Promise<number> {
  const r = new Repeater<number>(async (push, stop) => {
    for (let i = 0; i < 1_000_000; i++) await push(i);
    stop();
  }, new FixedBuffer(CAP));
  let n = 0;
  for await (const v of r) arrivals[n++] = v;
  return n;
}

/** `producers` Repeaters of `per` integers each (producer p yields p × per + i), merged with `Repeater.merge`. */
function mergedRepeaters(producers: number, per: number): () => Promise<number> {
  return async () => {
    const sources = Array.from(
      { length: producers },
      (_, p) =>
        new Repeater<number>(async (push, stop) => {
          for (let i = 0; i < per; i++) await push(p * per + i);
          stop();
        }, new FixedBuffer(CAP)),
    );
    let n = 0;
    for await (const v of Repeater.merge(sources)) arrivals[n++] = v;
    return n;
  };
}

/** The benchmark `of` with Repeater as its only peer (the minimum rounds: each run takes seconds). */
function withPeer(of: Benchmark, peer: Variant): Benchmark {
  return { ...of, name: `${of.name} — Repeater peer`, rounds: 9, warmup: 1, guard: false, variants: [peer] };
}

export default [
  withPeer(fast, { name: "@repeaterjs/repeater FixedBuffer", run: spscRepeater }),
  withPeer(mpsc, { name: "@repeaterjs/repeater Repeater.merge", run: mergedRepeaters(8, 125_000) }),
  withPeer(select, { name: "@repeaterjs/repeater Repeater.merge", run: mergedRepeaters(4, 250_000) }),
];
