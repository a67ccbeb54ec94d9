/**
 * A/B of `@pipe/result`'s kept results (`packages/result/src/internal/kept.ts`: one `Ok` and one `Err` held for
 * the life of the program) on the W4 chain. One process measures one side: a copy of the package's `dist/` in a
 * temporary folder, as built (`with`) or without the `keptResults.push(...)` line (`without`), timed against a
 * plain `{ ok, value } | { ok, error }` union running the same chain in the same process, in alternating order,
 * with GC left alone and with a full GC before each run. Prints the median per-round ratio chain / plain union for
 * each mode; compare the sides across processes (alternate them: `with`, `without`, `with`, …; two processes of
 * the same side show the noise). Copies of the package in one process do not work as sides: they slow each other.
 * The A/B harness (src/ab/) cannot measure this: its workloads load `@pipe/pipeline`, which keeps results too.
 *
 * Usage (after `pnpm run build`): `node --expose-gc --import tsx src/result/kept-results.ts with|without [rounds=15]`
 * (Deno: `deno run --allow-all --v8-flags=--expose-gc src/result/kept-results.ts …`; Bun: `bun src/result/kept-results.ts …`).
 *
 * @module
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fullGc, requireGc } from "../gc.ts";

requireGc();
const dist = fileURLToPath(new URL("../../../packages/result/dist/", import.meta.url));
const KEEP_LINE = /^keptResults\.push\(.*\);$/m;
if (!KEEP_LINE.test(readFileSync(join(dist, "result.js"), "utf8"))) {
  throw new Error("packages/result/dist/result.js has no keptResults.push line: build the package first");
}

// W4 (src/ab/workloads.template.ts): ok → map → andThen (1 in 7 fails) → map → valueOr, 1M times, and the same
// chain on a plain union (the load-independent baseline).
const CHAIN = `import { err, ok, PipeError } from "./index.js";
const N = 1_000_000;
const values = new Int32Array(N);
const double = (x) => x * 2;
const addThree = (x) => x + 3;
const step = (x) => (x % 7 === 0 ? err(PipeError.from("divisible by 7", "bench.seven")) : ok(x + 1));
export function chain() {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const v = ok(i).map(double).andThen(step).map(addThree).valueOr(-1);
    values[i] = v;
    sum = (sum + v) | 0;
  }
  return sum;
}
// The plain union as in chain.bench.ts: free functions, no classes.
const plainOk = (value) => ({ ok: true, value });
const plainErr = (error) => ({ ok: false, error });
const plainMap = (r, fn) => (r.ok ? plainOk(fn(r.value)) : r);
const plainAndThen = (r, fn) => (r.ok ? fn(r.value) : r);
const plainValueOr = (r, fallback) => (r.ok ? r.value : fallback);
const plainStep = (x) => (x % 7 === 0 ? plainErr({ message: "divisible by 7", code: "bench.seven" }) : plainOk(x + 1));
export function plain() {
  for (let i = 0; i < N; i++) {
    values[i] = plainValueOr(plainMap(plainAndThen(plainMap(plainOk(i), double), plainStep), addThree), -1);
  }
  return N;
}
`;

const side = process.argv[2];
if (side !== "with" && side !== "without") throw new RangeError(`expected "with" or "without", got ${side}`);
const rounds = Number(process.argv[3] ?? 15);
const root = mkdtempSync(join(tmpdir(), "kept-results-"));
let loops: { chain: () => number; plain: () => number };
try {
  cpSync(dist, root, { recursive: true });
  writeFileSync(join(root, "chain.js"), CHAIN);
  if (side === "without") {
    const file = join(root, "result.js");
    writeFileSync(file, readFileSync(file, "utf8").replace(KEEP_LINE, ""));
  }
  loops = (await import(pathToFileURL(join(root, "chain.js")).href)) as typeof loops;
} finally {
  rmSync(root, { recursive: true, force: true });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};
const time = (run: () => number, gc: boolean): number => {
  if (gc) fullGc();
  const t0 = performance.now();
  run();
  return performance.now() - t0;
};

const out: string[] = [];
for (const mode of ["gc-free", "gc-forced"] as const) {
  const ratios: number[] = [];
  const chainMs: number[] = [];
  for (let round = 0; round < rounds + 2; round++) {
    // The order alternates so that neither loop always runs first.
    const gc = mode === "gc-forced";
    const [c, p] =
      round % 2 === 0
        ? [time(loops.chain, gc), time(loops.plain, gc)]
        : (() => {
            const p0 = time(loops.plain, gc);
            return [time(loops.chain, gc), p0];
          })();
    if (round < 2) continue; // two warm-up rounds
    ratios.push(c / p);
    chainMs.push(c);
  }
  out.push(`${mode} ${median(ratios).toFixed(2)} (chain ${median(chainMs).toFixed(1)} ms)`);
}
console.log(`${side}: ${out.join(", ")}; median chain / plain union of ${rounds} rounds`);
