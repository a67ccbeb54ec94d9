/**
 * Cold import time of each `@pipe/shards` entry point beside Hono's, in one run: every round starts one fresh
 * process per specifier (cold-import-child.mjs, which times one `await import()` of the built package), in an
 * order that rotates each round so no specifier always runs first or last on a loaded machine.
 *
 * Usage: `node --import tsx src/platform/cold-import.ts [--rounds=15] [--runtimes=node,deno,bun]` (from
 * benchmarks/, after `pnpm build`). Prints one table per runtime: median, min and max milliseconds, and the
 * median as a multiple of Hono's.
 *
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { BENCH_DIR, type RuntimeSpec, runtime } from "../runtimes.ts";
import { stats } from "../stats.ts";

/** What is imported: Hono's main entry first as the reference, then every `@pipe/shards` entry point. */
const SPECIFIERS = [
  "hono",
  "@pipe/shards/hashing",
  "@pipe/shards",
  "@pipe/shards/pglite",
  "@pipe/shards/postgres",
  "@pipe/shards/http",
] as const;

const childScript = fileURLToPath(new URL("./cold-import-child.mjs", import.meta.url));

const option = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

const rounds = Number(option("rounds") ?? 15);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
  throw new RangeError(`--rounds must be an integer from 1 to 1000, got ${option("rounds")}`);
}
const runtimeIds = (option("runtimes") ?? "node").split(",");

function argv(spec: RuntimeSpec, specifier: string): string[] {
  const exe = spec.executable as string;
  if (spec.family === "deno") return [exe, "run", "--allow-all", "--no-lock", childScript, specifier];
  return [exe, childScript, specifier];
}

/** Milliseconds one fresh process takes to import `specifier`. */
function importOnce(spec: RuntimeSpec, specifier: string): Promise<number> {
  const [file, ...args] = argv(spec, specifier) as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: BENCH_DIR, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${spec.id} importing ${specifier}: ${stderr || error.message}`));
        return;
      }
      const last = stdout.trim().split("\n").at(-1) ?? "";
      resolve((JSON.parse(last) as { ms: number }).ms);
    });
  });
}

for (const id of runtimeIds) {
  const spec = runtime(id);
  if (spec.executable === undefined) {
    console.log(`${id}: skipped (${spec.missing})`);
    continue;
  }
  const samples = new Map<string, number[]>(SPECIFIERS.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < SPECIFIERS.length; i++) {
      const specifier = SPECIFIERS[(round + i) % SPECIFIERS.length] as string;
      samples.get(specifier)?.push(await importOnce(spec, specifier));
    }
  }
  const hono = stats(samples.get("hono") ?? []).median;
  console.log(`\n${id}: cold import, ${rounds} rounds, one fresh process per import (ms)`);
  console.log("| specifier | median | min | max | × Hono |");
  console.log("|---|---:|---:|---:|---:|");
  for (const specifier of SPECIFIERS) {
    const s = stats(samples.get(specifier) ?? []);
    const times = (s.median / hono).toFixed(1);
    console.log(
      `| \`${specifier}\` | ${s.median.toFixed(0)} | ${s.min.toFixed(0)} | ${s.max.toFixed(0)} | ${times} |`,
    );
  }
}
