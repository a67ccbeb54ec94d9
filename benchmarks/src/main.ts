/**
 * Benchmark runner: discovers `src/**\/*.bench.ts`, measures each on the runtime executing this file, prints a
 * Markdown table, writes `results/<runtime>.json` and `results/<runtime>.md`, and exits non-zero when a guard
 * fails or a variant's checksum differs from its baseline's.
 *
 * Usage: `tsx src/main.ts [filter]`, `deno run --allow-all src/main.ts [filter]`, `bun src/main.ts [filter]`.
 * `PIPE_BENCH_QUICK=1` cuts sample counts to a third (smoke runs).
 *
 * @module
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
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
const filter = process.argv.slice(2).find((arg: string) => !arg.startsWith("-"));
const quick = process.env.PIPE_BENCH_QUICK === "1";

const files = readdirSync(srcDir, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith(".bench.ts"))
  .sort();

const reports: BenchmarkReport[] = [];
console.log(`benchmarks on ${runtime} ${version}${quick ? " (quick)" : ""}`);
for (const file of files) {
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
}

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
