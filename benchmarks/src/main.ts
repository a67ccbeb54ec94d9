/**
 * Benchmark runner: discovers `src/**\/*.bench.ts`, measures each on the runtime executing this file, prints a
 * Markdown table, writes `results/<runtime>.json` and `results/<runtime>.md`, and exits non-zero when a guard
 * fails or a variant's checksum differs from its baseline's.
 *
 * Usage: `tsx src/main.ts [filter]`, `deno run --allow-all src/main.ts [filter]`, `bun src/main.ts [filter]`.
 * `PIPE_BENCH_QUICK=1` cuts sample counts to a third (smoke runs).
 *
 * Each bench file runs in its own child process of the same runtime (`--only=<file>`), so one file's code cannot
 * shape the JIT's type feedback for another's: a library whose functions were warmed up by other benchmarks'
 * imports would otherwise be measured against peers that nothing else touched.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Benchmark, type BenchmarkReport, measure, toMarkdown } from "./harness.ts";

const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
const [runtime, version] = g.Deno
  ? ["deno", g.Deno.version.deno]
  : g.Bun
    ? ["bun", g.Bun.version]
    : ["node", process.versions.node];

const srcDir = fileURLToPath(new URL("./", import.meta.url));
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const args = process.argv.slice(2);
const filter = args.find((arg: string) => !arg.startsWith("-"));
const only = args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const out = args.find((arg) => arg.startsWith("--out="))?.slice("--out=".length);
const quick = process.env.PIPE_BENCH_QUICK === "1";

/** Measures the benchmarks of one file in this process (the child side). */
async function measureFile(file: string): Promise<BenchmarkReport[]> {
  const reports: BenchmarkReport[] = [];
  const mod = (await import(pathToFileURL(`${srcDir}${file}`).href)) as { default: Benchmark | Benchmark[] };
  const list = Array.isArray(mod.default) ? mod.default : [mod.default];
  for (const bench of list) {
    if (filter !== undefined && !`${file} ${bench.name}`.includes(filter)) continue;
    if (bench.runtimes !== undefined && !bench.runtimes.includes(runtime)) continue;
    const definition = quick ? { ...bench, samples: Math.max(3, Math.ceil(bench.samples / 3)) } : bench;
    process.stdout.write(`- ${bench.name} ... `);
    try {
      const report = await measure(definition, runtime);
      reports.push(report);
      const worst = report.variants.filter((v) => !v.passed).map((v) => v.name);
      console.log(worst.length === 0 ? "ok" : `FAILED: ${worst.join(", ")}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.log(`ERROR\n${message}`);
      reports.push({
        name: bench.name,
        workload: bench.workload,
        samples: 0,
        baseline: undefined as never,
        variants: [],
        error: message,
      });
    }
  }
  return reports;
}

/** The command that runs this file again on the current runtime. */
function selfCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  if (runtime === "deno") return [process.execPath, "run", "--allow-all", "--no-lock", self];
  if (runtime === "bun") return [process.execPath, self];
  return [process.execPath, ...process.execArgv, self];
}

/** Runs one file in a child process and reads back its reports. */
function measureIsolated(file: string): BenchmarkReport[] {
  const dir = mkdtempSync(join(tmpdir(), "pipe-bench-"));
  const path = join(dir, "reports.json");
  try {
    const [command, ...rest] = selfCommand();
    const extra = filter === undefined ? [] : [filter];
    const child = spawnSync(command as string, [...rest, `--only=${file}`, `--out=${path}`, ...extra], {
      stdio: "inherit",
      env: process.env,
    });
    try {
      return JSON.parse(readFileSync(path, "utf8")) as BenchmarkReport[];
    } catch {
      const reason = child.error?.message ?? `exit status ${child.status ?? child.signal}`;
      return [
        {
          name: file,
          workload: "",
          samples: 0,
          baseline: undefined as never,
          variants: [],
          error: `the child process wrote no reports (${reason})`,
        },
      ];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (only !== undefined) {
  const reports = await measureFile(only);
  if (out !== undefined) writeFileSync(out, JSON.stringify(reports));
  process.exit(0);
}

const files = readdirSync(srcDir, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith(".bench.ts"))
  .sort();

const reports: BenchmarkReport[] = [];
console.log(`benchmarks on ${runtime} ${version}${quick ? " (quick)" : ""}`);
for (const file of files) reports.push(...measureIsolated(file));

const markdown = toMarkdown(runtime, version, reports);
console.log(`\n${markdown}`);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}${runtime}.json`, JSON.stringify({ runtime, version, reports }, null, 2));
writeFileSync(`${resultsDir}${runtime}.md`, markdown);

const failures = reports.flatMap((r) =>
  r.error !== undefined
    ? [`${r.name}: error`]
    : r.variants.filter((v) => !v.passed).map((v) => `${r.name} / ${v.name}`),
);
const guards = reports.flatMap((r) => r.variants.filter((v) => v.guarded)).length;
console.log(`bench: ${guards - failures.length} passed, ${failures.length} failed (guards)`);
if (failures.length > 0) {
  console.log(`failed guards: ${failures.join("; ")}`);
  process.exit(1);
}
