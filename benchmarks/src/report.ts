/**
 * Markdown for benchmark reports: one page per runtime (each benchmark's table in both GC modes, with the
 * difference between the modes flagged), and one summary of the ratios across runtimes and modes.
 *
 * @module
 */
import type { BenchmarkReport, GcMode, VariantReport } from "./harness.ts";

/** Everything measured on one runtime. */
export interface RuntimeReport {
  /** Runtime id, e.g. `node24`, `node` (the machine's), `deno`, `bun`. */
  readonly runtime: string;
  readonly version: string;
  /** Whether guards were enforced on this runtime. */
  readonly guarded: boolean;
  readonly reports: readonly BenchmarkReport[];
}

/** Two GC modes whose ratios differ by more than this factor are flagged. */
const MODE_GAP = 1.25;

const MODES: readonly GcMode[] = ["gc-free", "gc-forced"];
const MODE_TITLE: Record<GcMode, string> = {
  "gc-free": "GC left alone",
  "gc-forced": "full GC before each run",
};

// Reports cross a process boundary as JSON, where a non-finite ratio arrives as null.
const ratioText = (r: number | null | undefined): string =>
  typeof r === "number" && Number.isFinite(r) ? r.toFixed(2) : "n/a";
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4));
const fmtRate = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k/s` : `${n.toFixed(1)}/s`;

const limits = (v: VariantReport): string =>
  [
    v.target === undefined ? "" : `target ${v.target}`,
    v.bound === undefined ? "" : `bound ${v.bound}${v.guardOn === "p99" ? " (p99)" : ""}`,
    v.maxP99Ms === undefined ? "" : `p99 ≤ ${v.maxP99Ms} ms`,
  ]
    .filter((t) => t !== "")
    .join(", ");

const verdict = (v: VariantReport): string => {
  const parts: string[] = [];
  if (v.guarded) parts.push(v.passed ? "guard pass" : "**guard FAIL**");
  if (v.target !== undefined) parts.push(v.ratio <= v.target ? "target met" : "target missed");
  return parts.length === 0 ? "info" : parts.join(", ");
};

/** Ratio of the two modes' ratios (>= 1), or undefined when either is missing. */
function modeGap(a: VariantReport | undefined, b: VariantReport | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const gap = Math.max(a.ratio, b.ratio) / Math.min(a.ratio, b.ratio);
  return Number.isFinite(gap) ? gap : undefined;
}

/** Lines flagging variants whose ratio differs between the GC modes by more than {@link MODE_GAP}. */
export function modeGaps(reports: readonly BenchmarkReport[]): string[] {
  const lines: string[] = [];
  for (const free of reports.filter((r) => r.mode === "gc-free")) {
    const forced = reports.find((r) => r.mode === "gc-forced" && r.name === free.name);
    if (forced === undefined) continue;
    for (const v of free.variants) {
      const w = forced.variants.find((x) => x.name === v.name);
      const gap = modeGap(v, w);
      if (gap !== undefined && gap > MODE_GAP) {
        lines.push(
          `- **${free.name} / ${v.name}**: ${ratioText(v.ratio)} with GC left alone vs ${ratioText(w?.ratio)} with a full GC before each run (${gap.toFixed(2)}×): the variant's cost depends on what the collector finds, so compare its allocation (or the garbage earlier runs leave behind) with the baseline's.`,
        );
      }
    }
  }
  return lines;
}

/** One runtime's reports as Markdown. */
export function toMarkdown(run: RuntimeReport): string {
  const lines = [
    `# @pipe benchmarks on ${run.runtime} (${run.version})${run.guarded ? " — guards enforced" : ""}`,
    "",
    "Times are milliseconds per run. ratio = median over the rounds of variant / baseline in the same round",
    "(min–max beside it); ratio p99 = p99 / baseline p99. Every run's checksum matched the expected one.",
    "",
  ];
  for (const mode of MODES) {
    const reports = run.reports.filter((r) => r.mode === mode);
    if (reports.length === 0) continue;
    lines.push(`## ${MODE_TITLE[mode]} (${mode})`, "");
    for (const r of reports) {
      lines.push(`### ${r.name}`, "", `Workload: ${r.workload}`, "");
      if (r.baselineNote) lines.push(`Baseline: ${r.baselineNote}`, "");
      if (r.error !== undefined || r.baseline === undefined) {
        lines.push(`**error**: ${r.error ?? "no baseline"}`, "");
        continue;
      }
      lines.push(
        `${r.rounds} rounds.`,
        "",
        "| variant | min | median | max | p99 | items/s | ratio | min–max | ratio p99 | limits | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
      );
      for (const v of [r.baseline, ...r.variants]) {
        const isBase = v === r.baseline;
        lines.push(
          `| ${v.name} | ${fmt(v.stats.min)} | ${fmt(v.stats.median)} | ${fmt(v.stats.max)} | ${fmt(v.stats.p99)} | ${fmtRate(v.itemsPerSecond)} | ${isBase ? "1" : ratioText(v.ratio)} | ${isBase ? "" : `${ratioText(v.ratioMin)}–${ratioText(v.ratioMax)}`} | ${isBase ? "" : ratioText(v.ratioP99)} | ${limits(v)} | ${isBase ? "baseline" : verdict(v)} |`,
        );
      }
      lines.push("");
    }
  }
  const gaps = modeGaps(run.reports);
  if (gaps.length > 0) lines.push(`## GC modes differ by more than ${MODE_GAP}×`, "", ...gaps, "");
  return lines.join("\n");
}

/** The ratios of every variant with a target or bound, one column per runtime and GC mode. */
export function summaryMarkdown(runs: readonly RuntimeReport[]): string {
  const columns = runs.flatMap((run) =>
    MODES.filter((mode) => run.reports.some((r) => r.mode === mode)).map((mode) => ({ run, mode })),
  );
  const header = columns.map(
    ({ run, mode }) => `${run.runtime} ${mode === "gc-free" ? "free" : "forced GC"}`,
  );
  const lines = [
    `| benchmark / variant | target | bound | ${header.join(" | ")} |`,
    `|---|---|---|${columns.map(() => "---").join("|")}|`,
  ];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const r of run.reports) {
      for (const v of r.variants) {
        const key = `${r.name}\u0000${v.name}`;
        if (seen.has(key) || (v.target === undefined && v.bound === undefined && v.maxP99Ms === undefined))
          continue;
        seen.add(key);
        const cells = columns.map(({ run: c, mode }) => {
          const rep = c.reports.find((x) => x.name === r.name && x.mode === mode);
          if (rep?.error !== undefined) return "error";
          const w = rep?.variants.find((x) => x.name === v.name);
          if (w === undefined) return "";
          const miss = w.target !== undefined && w.ratio > w.target ? " ✗" : "";
          return `${ratioText(w.ratio)}${miss}${w.guarded && !w.passed ? " FAIL" : ""}`;
        });
        lines.push(`| ${r.name} / ${v.name} | ${v.target ?? ""} | ${v.bound ?? ""} | ${cells.join(" | ")} |`);
      }
    }
  }
  const versions = runs.map((r) => `${r.runtime} = ${r.version}`).join(", ");
  lines.push(
    "",
    `Runtimes: ${versions}. ✗ = target missed; FAIL = regression bound exceeded (guarded on Node 24).`,
  );
  return lines.join("\n");
}
