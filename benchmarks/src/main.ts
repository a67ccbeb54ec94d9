/**
 * Benchmark runner: discovers `src/**\/*.bench.ts` and measures each file in its own child process per runtime and
 * GC mode (see child.ts), prints the tables, writes `results/<runtime>.json|md` and `results/summary.md`, and exits
 * non-zero when a checksum differs, a benchmark fails, a runtime is missing, or a guard fails on Node 24.
 *
 * Usage (from benchmarks/, or `pnpm bench ...` at the root):
 *   tsx src/main.ts [--runtimes=node24,node22,node26,node,deno,bun|all] [--modes=gc-free,gc-forced]
 *                   [--guard] [--quick] [--results=<dir>] [--load=100k,1m|none] [--load-seconds=5] [filter]
 * - default: every runtime, both GC modes, every benchmark.
 * - `--guard`: the short CI set (benchmarks marked `guard`, their guarded variants only, 9 rounds); by default on
 *   Node 24 with GC left alone (`--runtimes=` / `--modes=` widen it, e.g. for a quick table of every runtime).
 * - `--quick`: a third of the rounds (never fewer than 9), for smoke runs.
 * - `--results=<dir>`: where the reports go (default `results/`; relative to benchmarks/), e.g. one per run when
 *   checking that a target holds in each of 3 separate runs.
 * - `filter`: only benchmarks whose file path or name contains it.
 * - `--load=<fixtures>`: after the per-runtime benchmarks, the HTTP load run of the shard control plane
 *   (`src/load/shards-load.ts`: autocannon at 1, 16 and 64 connections against the reference app on the
 *   machine's Node, beside a Hono hello-world route) on these fixtures: `100k` (default), `1m` (the 1M-shard
 *   fixture, generated under `.data/` on first use, a few minutes), both, or `none`. Off with `--guard`, and
 *   with a filter that does not match "load". `--load-seconds` sets the seconds per point (default 5).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { BenchmarkReport, GcMode } from "./harness.ts";
import { modeGaps, type RuntimeReport, summaryMarkdown, toMarkdown } from "./report.ts";
import {
  BENCH_DIR,
  childCommand,
  GUARD_RUNTIME,
  RUNTIME_IDS,
  type RuntimeSpec,
  runtime,
} from "./runtimes.ts";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const guardOnly = args.includes("--guard");
const quick = args.includes("--quick");
const filter = args.find((a) => !a.startsWith("-"));
const runtimesFlag = flag("runtimes") ?? (guardOnly ? GUARD_RUNTIME : "all");
const runtimeIds = runtimesFlag === "all" ? [...RUNTIME_IDS] : runtimesFlag.split(",");
const modes = (flag("modes") ?? (guardOnly ? "gc-free" : "gc-free,gc-forced")).split(",") as GcMode[];
for (const m of modes) if (m !== "gc-free" && m !== "gc-forced") throw new RangeError(`unknown mode ${m}`);

/** A child that runs longer than this is killed and reported as an error (`PIPE_BENCH_CHILD_TIMEOUT_S`). */
const CHILD_TIMEOUT_MS = Number(process.env.PIPE_BENCH_CHILD_TIMEOUT_S ?? 3600) * 1000;

const srcDir = fileURLToPath(new URL("./", import.meta.url));
const resultsDir = resolve(BENCH_DIR, flag("results") ?? "results");
// The guard set spawns only the files that declare a guard benchmark (`guard: true`).
const files = readdirSync(srcDir, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => !guardOnly || /^\s*guard: true,/m.test(readFileSync(join(srcDir, name), "utf8")))
  .sort();

/** Runs one file in one mode on one runtime and reads back its reports (or one error report). */
function runChild(spec: RuntimeSpec, file: string, mode: GcMode): BenchmarkReport[] {
  const dir = mkdtempSync(join(tmpdir(), "pipe-bench-"));
  const out = join(dir, "reports.json");
  try {
    const childArgs = [`--file=${file}`, `--mode=${mode}`, `--runtime=${spec.id}`, `--out=${out}`];
    if (spec.guarded) childArgs.push("--enforce");
    if (guardOnly) childArgs.push("--guard");
    if (quick) childArgs.push("--quick");
    if (filter !== undefined) childArgs.push(filter);
    const [command, ...rest] = childCommand(spec, childArgs);
    const child = spawnSync(command as string, rest, {
      stdio: "inherit",
      cwd: BENCH_DIR,
      env: process.env,
      timeout: CHILD_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    try {
      return JSON.parse(readFileSync(out, "utf8")) as BenchmarkReport[];
    } catch {
      const reason = child.error?.message ?? `exit status ${child.status ?? child.signal}`;
      return [
        {
          name: file,
          workload: "",
          mode,
          rounds: 0,
          variants: [],
          error: `the child wrote no reports (${reason})`,
        },
      ];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The version the runtime reports of itself. */
function versionOf(spec: RuntimeSpec): string {
  const exe = spec.executable as string;
  const r = spawnSync(exe, ["--version"], { encoding: "utf8" });
  return (r.stdout ?? "").split("\n")[0]?.trim() || "unknown";
}

const loadFixtures = flag("load") ?? (guardOnly ? "none" : "100k");
const runLoad = loadFixtures !== "none" && (filter === undefined || "load shards-load".includes(filter));

/** The HTTP load run (see `--load`); its report goes to `<results>/shards-load.md`. */
function loadRun(): string | undefined {
  console.log(`\nload: shard control plane over HTTP on ${loadFixtures} (Node ${process.versions.node})`);
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(srcDir, "load/shards-load.ts"),
      `--fixtures=${loadFixtures}`,
      `--seconds=${flag("load-seconds") ?? "5"}`,
      `--out=${join(resultsDir, "shards-load.md")}`,
    ],
    { stdio: "inherit", cwd: BENCH_DIR, env: process.env, timeout: CHILD_TIMEOUT_MS, killSignal: "SIGKILL" },
  );
  return child.status === 0
    ? undefined
    : `load: ${child.error?.message ?? `exit status ${child.status ?? child.signal}`}`;
}

const runs: RuntimeReport[] = [];
const problems: string[] = [];
console.log(
  `benchmarks: runtimes ${runtimeIds.join(", ")}; modes ${modes.join(", ")}${guardOnly ? "; guard set" : ""}${quick ? "; quick" : ""}`,
);
for (const id of runtimeIds) {
  const spec = runtime(id);
  if (spec.executable === undefined) {
    problems.push(`${id}: not available (${spec.missing})`);
    console.log(`${id}: not available (${spec.missing})`);
    continue;
  }
  const version = versionOf(spec);
  console.log(`\n${id}: ${spec.executable} (${version})`);
  const reports: BenchmarkReport[] = [];
  for (const file of files) for (const mode of modes) reports.push(...runChild(spec, file, mode));
  const run: RuntimeReport = { runtime: id, version, guarded: spec.guarded, reports };
  runs.push(run);
  mkdirSync(resultsDir, { recursive: true });
  const name = guardOnly ? `guard-${id}` : id;
  writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(run, null, 2));
  writeFileSync(join(resultsDir, `${name}.md`), toMarkdown(run));
  for (const r of reports) {
    if (r.error !== undefined) problems.push(`${id} ${r.mode} ${r.name}: error (${r.error.split("\n")[0]})`);
    for (const v of r.variants)
      if (!v.passed)
        problems.push(
          `${id} ${r.mode} ${r.name} / ${v.name}: ratio ${v.ratio.toFixed(2)} > bound ${v.bound}`,
        );
  }
}

if (runLoad) {
  mkdirSync(resultsDir, { recursive: true });
  const failed = loadRun();
  if (failed !== undefined) problems.push(failed);
}

const summary = summaryMarkdown(runs);
const gaps = runs.flatMap((run) => modeGaps(run.reports).map((line) => `${run.runtime}: ${line.slice(2)}`));
if (runs.length > 0) {
  writeFileSync(join(resultsDir, guardOnly ? "guard-summary.md" : "summary.md"), `${summary}\n`);
  console.log(
    `\n${runs.map(toMarkdown).join("\n")}\n## Summary (ratio to the hand-written baseline)\n\n${summary}\n`,
  );
  if (gaps.length > 0)
    console.log(
      `GC modes differ by more than 1.25× (see each runtime's page):\n${gaps.map((g) => `- ${g}`).join("\n")}\n`,
    );
}
const guards = runs.flatMap((run) => run.reports.flatMap((r) => r.variants.filter((v) => v.guarded)));
const failedGuards = guards.filter((v) => !v.passed).length;
console.log(
  `bench: ${guards.length - failedGuards} passed, ${failedGuards} failed (guards on ${GUARD_RUNTIME})`,
);
if (problems.length > 0) {
  console.log(`problems:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  process.exit(1);
}
