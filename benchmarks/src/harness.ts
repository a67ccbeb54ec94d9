/**
 * Benchmark harness: every workload is measured against a hand-written baseline in the same run, and the
 * verdict is a ratio, never an absolute time (the machines are noisy).
 *
 * A benchmark file (`src/<pkg>/<name>.bench.ts`) default-exports one or more {@link Benchmark}s made with
 * {@link benchmark}. The runner interleaves the variants sample by sample (baseline, candidate, peer,
 * baseline, ...), so a noisy neighbour slows all of them alike, checks that every variant returns the
 * baseline's checksum (so no variant can skip work), and reports min/median/max/p50/p99 per variant with
 * the ratio to the baseline. A variant with a `bound` is a guard: the run fails when its ratio exceeds it; a
 * `maxP99Ms` guards an absolute p99 latency target the same way.
 *
 * @example
 * ```ts
 * import { benchmark } from "../harness.ts";
 * export default benchmark({
 *   name: "sum",
 *   workload: "sum of 1..1e6",
 *   samples: 15,
 *   baseline: { name: "for loop", run: () => { let s = 0; for (let i = 0; i < 1e6; i++) s += i; return s; } },
 *   variants: [{ name: "reduce", bound: 3, run: () => Array.from({ length: 1e6 }, (_, i) => i).reduce((a, b) => a + b, 0) }],
 * });
 * ```
 * @module
 */

/** One measured implementation. `run` returns a checksum that must equal the baseline's. */
export interface Variant {
  /** Display name (e.g. "@pipe/result", "neverthrow"). */
  readonly name: string;
  /** Performs the workload once and returns its checksum. */
  readonly run: () => number | bigint | string | Promise<number | bigint | string>;
  /**
   * Guard: the highest allowed ratio of this variant's statistic to the baseline's. Omit for peers shown
   * for comparison only.
   */
  readonly bound?: number;
  /** Which statistic the guard compares: `median` (throughput workloads, default) or `p99` (latency). */
  readonly guardOn?: "median" | "p99";
  /**
   * Absolute latency guard: the highest allowed p99 in milliseconds, for targets an issue states in ms on this
   * machine (the run fails above it). Noisy by nature: run such benchmarks on an otherwise idle machine.
   */
  readonly maxP99Ms?: number;
  /** Runtimes on which the guard is enforced (default: all). Other runtimes still report the ratio. */
  readonly guardRuntimes?: readonly string[];
}

/** A workload with its baseline and the variants compared to it. */
export interface Benchmark {
  readonly name: string;
  /** One sentence: what is done per sample, and how much of it. */
  readonly workload: string;
  /** Why the baseline is the fastest honest hand-written version. */
  readonly baselineNote?: string;
  /** Measured samples per variant (after warm-up). */
  readonly samples: number;
  /** Warm-up samples per variant, not recorded (default 2). */
  readonly warmup?: number;
  /** Units of work per sample, for the items/s column (default 1). */
  readonly itemsPerSample?: number;
  readonly baseline: Variant;
  readonly variants: readonly Variant[];
  /** Runs once before measuring (build fixtures); its result is not timed. */
  readonly setup?: () => void | Promise<void>;
  /** Runs once after measuring (close stores). */
  readonly teardown?: () => void | Promise<void>;
  /** Runtimes this benchmark runs on (default: all). */
  readonly runtimes?: readonly string[];
}

/** Declares a benchmark (identity function that type-checks the definition). */
export function benchmark(definition: Benchmark): Benchmark {
  return definition;
}

/** Summary statistics of one variant, in milliseconds per sample. */
export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** The measured outcome of one variant. */
export interface VariantReport {
  readonly name: string;
  readonly stats: Stats;
  readonly itemsPerSecond: number;
  readonly ratio: number;
  readonly ratioP99: number;
  readonly bound?: number;
  readonly guardOn: "median" | "p99";
  readonly maxP99Ms?: number;
  readonly guarded: boolean;
  readonly passed: boolean;
  readonly checksum: string;
}

/** The measured outcome of one benchmark. */
export interface BenchmarkReport {
  readonly name: string;
  readonly workload: string;
  readonly baselineNote?: string;
  readonly samples: number;
  readonly baseline: VariantReport;
  readonly variants: readonly VariantReport[];
  readonly error?: string;
}

/** Percentile by nearest rank over sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Computes statistics of a list of sample durations. */
export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    min: sorted[0] ?? Number.NaN,
    median: percentile(sorted, 50),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean,
  };
}

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void; Bun?: { gc?: (force: boolean) => void } }).gc;
  if (typeof gc === "function") gc();
  else (globalThis as { Bun?: { gc?: (force: boolean) => void } }).Bun?.gc?.(true);
};

/** Measures one benchmark on the current runtime. */
export async function measure(definition: Benchmark, runtime: string): Promise<BenchmarkReport> {
  const all = [definition.baseline, ...definition.variants];
  const times: number[][] = all.map(() => []);
  const checksums: string[] = all.map(() => "");
  const warmup = definition.warmup ?? 2;
  await definition.setup?.();
  try {
    for (let round = 0; round < warmup + definition.samples; round++) {
      for (let v = 0; v < all.length; v++) {
        const variant = all[v] as Variant;
        collectGarbage();
        const started = performance.now();
        const checksum = await variant.run();
        const elapsed = performance.now() - started;
        checksums[v] = String(checksum);
        if (round >= warmup) (times[v] as number[]).push(elapsed);
      }
    }
  } finally {
    await definition.teardown?.();
  }
  const items = definition.itemsPerSample ?? 1;
  const base = stats(times[0] as number[]);
  const report = (variant: Variant, index: number): VariantReport => {
    const s = stats(times[index] as number[]);
    const ratio = s.median / base.median;
    const ratioP99 = s.p99 / base.p99;
    const guardOn = variant.guardOn ?? "median";
    const onRuntime = variant.guardRuntimes === undefined || variant.guardRuntimes.includes(runtime);
    const guarded = onRuntime && (variant.bound !== undefined || variant.maxP99Ms !== undefined);
    const checksumOk = checksums[index] === checksums[0];
    const withinBound =
      !guarded ||
      ((variant.bound === undefined || (guardOn === "median" ? ratio : ratioP99) <= variant.bound) &&
        (variant.maxP99Ms === undefined || s.p99 <= variant.maxP99Ms));
    return {
      name: variant.name,
      stats: s,
      itemsPerSecond: (items / s.median) * 1000,
      ratio,
      ratioP99,
      ...(variant.bound === undefined ? {} : { bound: variant.bound }),
      guardOn,
      ...(variant.maxP99Ms === undefined ? {} : { maxP99Ms: variant.maxP99Ms }),
      guarded,
      passed: checksumOk && withinBound,
      checksum: checksums[index] as string,
    };
  };
  return {
    name: definition.name,
    workload: definition.workload,
    ...(definition.baselineNote === undefined ? {} : { baselineNote: definition.baselineNote }),
    samples: definition.samples,
    baseline: report(definition.baseline, 0),
    variants: definition.variants.map((variant, i) => report(variant, i + 1)),
  };
}

// Reports cross a process boundary as JSON, where a non-finite ratio (a zero baseline) arrives as null.
const ratioText = (r: number | null): string =>
  typeof r === "number" && Number.isFinite(r) ? r.toFixed(2) : "n/a";
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4));
const fmtRate = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k/s` : `${n.toFixed(1)}/s`;

const guardText = (v: VariantReport): string =>
  [
    v.bound === undefined ? "" : `${v.bound} (${v.guardOn})`,
    v.maxP99Ms === undefined ? "" : `p99 ≤ ${v.maxP99Ms} ms`,
  ]
    .filter((t) => t !== "")
    .join(", ");

/** Renders reports as a Markdown table. */
export function toMarkdown(runtime: string, version: string, reports: readonly BenchmarkReport[]): string {
  const lines = [
    `# @pipe benchmarks on ${runtime} ${version}`,
    "",
    "Times are milliseconds per sample; ratio = variant / baseline (median, and p99). A guard fails when its",
    "ratio exceeds its bound (or its p99 exceeds an absolute target). Checksums must equal the baseline's.",
    "",
  ];
  for (const r of reports) {
    lines.push(`## ${r.name}`, "", `Workload: ${r.workload}`, "");
    if (r.baselineNote) lines.push(`Baseline: ${r.baselineNote}`, "");
    if (r.error) {
      lines.push(`**error**: ${r.error}`, "");
      continue;
    }
    lines.push(
      "| variant | min | median | max | p50 | p99 | items/s | ratio | ratio p99 | bound | verdict |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const v of [r.baseline, ...r.variants]) {
      const verdict = v === r.baseline ? "baseline" : !v.passed ? "**FAIL**" : v.guarded ? "pass" : "info";
      lines.push(
        `| ${v.name} | ${fmt(v.stats.min)} | ${fmt(v.stats.median)} | ${fmt(v.stats.max)} | ${fmt(v.stats.p50)} | ${fmt(v.stats.p99)} | ${fmtRate(v.itemsPerSecond)} | ${ratioText(v.ratio)} | ${ratioText(v.ratioP99)} | ${guardText(v)} | ${verdict} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
