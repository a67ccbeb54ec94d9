/**
 * Benchmark harness: every workload is measured against a hand-written baseline in the same process, and the
 * verdict is a ratio, never an absolute time (the machines are noisy).
 *
 * A benchmark file (`src/<pkg>/<name>.bench.ts`) default-exports one or more {@link Benchmark}s made with
 * {@link benchmark}. The runner (`main.ts`) runs every file in its own process per runtime and GC mode; here,
 * {@link measure} runs the rounds:
 *
 * - A round runs the baseline and every variant once, the order reversed on every other round (B V1 V2, then
 *   V2 V1 B), so a drifting machine slows both sides alike. A variant's ratio is the median over the rounds of
 *   (its time / the baseline's time in the same round); at least 9 rounds.
 * - Every run's outcome is hashed after the timer stopped (`checksum`) and compared with the expected checksum
 *   (`expected`, computed independently of every variant, or else the baseline's in the same round), in every
 *   round including warm-up. A mismatch throws {@link ChecksumError}: the benchmark aborts with an error.
 * - Mode `gc-free` leaves the collector alone; mode `gc-forced` runs a full GC before every timed run.
 * - A variant's `target` is the ratio (reported: met or missed); its `bound` is the regression bound a
 *   guard enforces on the guard runtime (Node 24), looser than the target so noise cannot fail a good change.
 *
 * @example
 * ```ts
 * import { benchmark } from "../harness.ts";
 * export default benchmark({
 *   name: "sum",
 *   workload: "sum of 0..1e6",
 *   rounds: 15,
 *   expected: 499999500000,
 *   baseline: { name: "for loop", run: () => { let s = 0; for (let i = 0; i < 1e6; i++) s += i; return s; } },
 *   variants: [{ name: "reduce", bound: 3, run: () => Array.from({ length: 1e6 }, (_, i) => i).reduce((a, b) => a + b, 0) }],
 * });
 * ```
 * @module
 */
import { fullGc } from "./gc.ts";
import { type Stats, stats } from "./stats.ts";

/** What a run's outcome is compared by. */
type Checksum = number | bigint | string;

/** How the collector is treated while measuring. */
export type GcMode = "gc-free" | "gc-forced";

/** The fewest rounds a ratio may be the median of. */
export const MIN_ROUNDS = 9;

/** One measured implementation. */
export interface Variant<O = unknown> {
  /** Display name (e.g. "@pipe/result", "neverthrow"). */
  readonly name: string;
  /** Performs the workload once and returns its outcome (hashed by the benchmark's `checksum`, untimed). */
  readonly run: () => O | Promise<O>;
  /** The target ratio on the median (reported as met or missed; never fails a run by itself). */
  readonly target?: number;
  /** Regression bound: the run fails on the guard runtime when the ratio exceeds it. Omit for peers. */
  readonly bound?: number;
  /**
   * The regression bound in mode `gc-forced` when it differs from `bound` (a variant whose cost depends on what the
   * collector finds: the gap between the modes is reported, and guarded here against growing further).
   */
  readonly forcedGcBound?: number;
  /** Which statistic `bound` applies to: the median ratio (default) or the ratio of p99s (latency). */
  readonly guardOn?: "median" | "p99";
  /** Absolute latency guard on the guard runtime: the highest allowed p99 in milliseconds. */
  readonly maxP99Ms?: number;
}

/** A workload with its baseline and the variants compared to it. */
export interface Benchmark<O = unknown> {
  readonly name: string;
  /** One sentence: what is done per run, and how much of it. */
  readonly workload: string;
  /** Why the baseline is the fastest honest hand-written version. */
  readonly baselineNote?: string;
  /** Measured rounds (each runs the baseline and every variant once); at least {@link MIN_ROUNDS}. */
  readonly rounds: number;
  /** Warm-up rounds, verified but not recorded (default 2). */
  readonly warmup?: number;
  /** Units of work per run, for the items/s column (default 1). */
  readonly itemsPerSample?: number;
  readonly baseline: Variant<O>;
  readonly variants: readonly Variant<O>[];
  /** Hashes a run's outcome after its timer stopped (default: the outcome itself). */
  checksum?(outcome: O): Checksum;
  /** The checksum every run must produce, computed without any variant (default: the round's baseline). */
  readonly expected?: Checksum | (() => Checksum);
  /** Part of the short CI guard set (`bench:guard`: Node 24, its guarded variants only). */
  readonly guard?: boolean;
  /** Runs once before measuring (build fixtures); its result is not timed. */
  readonly setup?: () => void | Promise<void>;
  /** Runs once after measuring (close stores); it may throw to fail the benchmark (a post-run check). */
  readonly teardown?: () => void | Promise<void>;
  /** Runtimes this benchmark runs on, by family ("node", "deno", "bun") or id ("node24"); default all. */
  readonly runtimes?: readonly string[];
}

/** Declares a benchmark (an identity function that type-checks the definition). */
export function benchmark<O>(definition: Benchmark<O>): Benchmark {
  return definition as Benchmark;
}

/** A run whose outcome differs from the expected one: the variant skipped, duplicated or reordered work. */
export class ChecksumError extends Error {
  override readonly name = "ChecksumError";
}

/** The measured outcome of one variant. */
export interface VariantReport {
  readonly name: string;
  readonly stats: Stats;
  readonly itemsPerSecond: number;
  /** Median over the rounds of (variant time / baseline time in the same round). */
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  /** p99 of the variant's times / p99 of the baseline's. */
  readonly ratioP99: number;
  readonly target?: number;
  readonly bound?: number;
  readonly guardOn: "median" | "p99";
  readonly maxP99Ms?: number;
  /** Whether `bound`/`maxP99Ms` were enforced (guard runtime only). */
  readonly guarded: boolean;
  readonly passed: boolean;
  readonly checksum: string;
}

/** The measured outcome of one benchmark in one GC mode. */
export interface BenchmarkReport {
  readonly name: string;
  readonly workload: string;
  readonly baselineNote?: string;
  readonly mode: GcMode;
  readonly rounds: number;
  readonly baseline?: VariantReport;
  readonly variants: readonly VariantReport[];
  readonly error?: string;
}

/** Where and how {@link measure} runs. */
export interface MeasureOptions {
  readonly mode: GcMode;
  /** Whether guards are enforced here (the guard runtime). */
  readonly enforce: boolean;
}

const median = (xs: readonly number[]): number => stats(xs).median;

/** Measures one benchmark; throws {@link ChecksumError} on the first wrong outcome. */
export async function measure(definition: Benchmark, options: MeasureOptions): Promise<BenchmarkReport> {
  if (!(Number.isInteger(definition.rounds) && definition.rounds >= MIN_ROUNDS)) {
    throw new RangeError(
      `${definition.name}: rounds must be an integer >= ${MIN_ROUNDS}, got ${definition.rounds}`,
    );
  }
  const all = [definition.baseline, ...definition.variants];
  const times: number[][] = all.map(() => []);
  const ratios: number[][] = all.map(() => []);
  const sums: string[] = all.map(() => "");
  const digest = (outcome: unknown): string =>
    String(definition.checksum === undefined ? outcome : definition.checksum(outcome));
  const warmup = definition.warmup ?? 2;
  const expected =
    typeof definition.expected === "function" ? String(definition.expected()) : definition.expected;
  const forward = all.map((_, i) => i);
  const backward = [...forward].reverse();
  await definition.setup?.();
  let failure: unknown;
  try {
    for (let round = -warmup; round < definition.rounds; round++) {
      const roundTimes = new Array<number>(all.length);
      for (const v of (round & 1) === 0 ? forward : backward) {
        if (options.mode === "gc-forced") fullGc();
        const started = performance.now();
        const outcome = await (all[v] as Variant).run();
        roundTimes[v] = performance.now() - started;
        sums[v] = digest(outcome);
      }
      const want = expected === undefined ? sums[0] : String(expected);
      for (let v = 0; v < all.length; v++) {
        if (sums[v] !== want) {
          const which = round < 0 ? `warm-up round ${round + warmup + 1}` : `round ${round + 1}`;
          throw new ChecksumError(
            `${definition.name} / ${(all[v] as Variant).name}, ${which}: checksum ${sums[v]}, expected ${want}`,
          );
        }
      }
      if (round < 0) continue;
      for (let v = 0; v < all.length; v++) {
        (times[v] as number[]).push(roundTimes[v] as number);
        (ratios[v] as number[]).push((roundTimes[v] as number) / (roundTimes[0] as number));
      }
    }
  } catch (error) {
    failure = error;
  }
  try {
    await definition.teardown?.();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw failure;
  const items = definition.itemsPerSample ?? 1;
  const base = stats(times[0] as number[]);
  const report = (variant: Variant, index: number): VariantReport => {
    const s = stats(times[index] as number[]);
    const rs = ratios[index] as number[];
    const ratio = median(rs);
    const ratioP99 = s.p99 / base.p99;
    const guardOn = variant.guardOn ?? "median";
    const bound = options.mode === "gc-forced" ? (variant.forcedGcBound ?? variant.bound) : variant.bound;
    const guarded = options.enforce && (bound !== undefined || variant.maxP99Ms !== undefined);
    const withinBound =
      (bound === undefined || (guardOn === "median" ? ratio : ratioP99) <= bound) &&
      (variant.maxP99Ms === undefined || s.p99 <= variant.maxP99Ms);
    return {
      name: variant.name,
      stats: s,
      itemsPerSecond: (items / s.median) * 1000,
      ratio,
      ratioMin: Math.min(...rs),
      ratioMax: Math.max(...rs),
      ratioP99,
      ...(variant.target === undefined ? {} : { target: variant.target }),
      ...(bound === undefined ? {} : { bound }),
      guardOn,
      ...(variant.maxP99Ms === undefined ? {} : { maxP99Ms: variant.maxP99Ms }),
      guarded,
      passed: !guarded || withinBound,
      checksum: sums[index] as string,
    };
  };
  return {
    name: definition.name,
    workload: definition.workload,
    ...(definition.baselineNote === undefined ? {} : { baselineNote: definition.baselineNote }),
    mode: options.mode,
    rounds: definition.rounds,
    baseline: report(definition.baseline, 0),
    variants: definition.variants.map((variant, i) => report(variant, i + 1)),
  };
}
