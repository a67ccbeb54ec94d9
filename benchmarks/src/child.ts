/**
 * One benchmark process: measures the benchmarks of one file in one GC mode on the runtime executing it, and
 * writes the reports as JSON. Started by `main.ts`, one process per (runtime, file, mode), so one file's code
 * cannot shape the JIT's type feedback for another's, and a mode's garbage never leaks into the other's.
 *
 * Usage: `child.ts --file=<path under src> --mode=gc-free|gc-forced --runtime=<id> --out=<json>
 * [--enforce] [--guard] [--quick] [filter]`. Exits non-zero when the runtime cannot force a GC.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import { requireGc } from "./gc.ts";
import { type Benchmark, type BenchmarkReport, type GcMode, MIN_ROUNDS, measure } from "./harness.ts";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = flag("file");
const mode = flag("mode") as GcMode | undefined;
const runtimeId = flag("runtime") ?? "unknown";
const out = flag("out");
const filter = args.find((a) => !a.startsWith("-"));
const enforce = args.includes("--enforce");
const guardOnly = args.includes("--guard");
const quick = args.includes("--quick");
if (file === undefined || out === undefined || (mode !== "gc-free" && mode !== "gc-forced")) {
  throw new TypeError("child.ts needs --file=, --out= and --mode=gc-free|gc-forced");
}

// Fails loudly (no report file, non-zero exit) when the runtime was started without a full GC.
requireGc();

const family = runtimeId.replace(/\d+$/, "");
const srcDir = new URL("./", import.meta.url);
// A file may export `dispose` (close fixtures, stores) to run after its benchmarks, whichever a filter kept.
const mod = (await import(new URL(file, srcDir).href)) as {
  default: Benchmark | Benchmark[];
  dispose?: () => void | Promise<void>;
};
const list = Array.isArray(mod.default) ? mod.default : [mod.default];
const reports: BenchmarkReport[] = [];
for (const bench of list) {
  if (filter !== undefined && !`${file} ${bench.name}`.includes(filter)) continue;
  if (bench.runtimes !== undefined && !bench.runtimes.some((r) => r === runtimeId || r === family)) continue;
  if (guardOnly && bench.guard !== true) continue;
  let definition: Benchmark = bench;
  if (guardOnly) {
    definition = {
      ...definition,
      rounds: MIN_ROUNDS,
      variants: bench.variants.filter(
        (v) => v.bound !== undefined || v.forcedGcBound !== undefined || v.maxP99Ms !== undefined,
      ),
    };
  } else if (quick) {
    definition = { ...definition, rounds: Math.max(MIN_ROUNDS, Math.ceil(bench.rounds / 3)) };
  }
  process.stdout.write(`- [${runtimeId} ${mode}] ${bench.name} ... `);
  try {
    const report = await measure(definition, { mode, enforce });
    reports.push(report);
    const failed = report.variants.filter((v) => !v.passed).map((v) => `${v.name} ${v.ratio.toFixed(2)}`);
    const ratios = report.variants.map((v) => `${v.name} ${v.ratio.toFixed(2)}`).join("; ");
    console.log(failed.length === 0 ? `ok (${ratios})` : `GUARD FAILED: ${failed.join(", ")}`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`ERROR\n${message}`);
    reports.push({
      name: bench.name,
      workload: bench.workload,
      mode,
      rounds: 0,
      variants: [],
      error: message,
    });
  }
}
try {
  await mod.dispose?.();
} catch (error) {
  reports.push({
    name: `${file} dispose`,
    workload: "",
    mode,
    rounds: 0,
    variants: [],
    error: String(error),
  });
}
writeFileSync(out, JSON.stringify(reports));
// Open handles (a database fixture's pool, a timer a failed variant left behind) must not keep the child alive.
process.exit(0);
