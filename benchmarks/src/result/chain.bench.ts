/**
 * W4 result chain: `ok(i) → map → andThen (fails 1 in 7) → map → valueOr`, 1,000,000 times per run. Each chain's
 * value is stored at its index; the checksum hashes them by position (after the timer stopped).
 *
 * Compared with a plain `{ ok, value } | { ok, error }` discriminated union driven by free functions (the
 * fastest honest hand-written version: no classes, no compensations, no diagnostics) and with neverthrow's ES
 * module build (what bundlers, Deno and browsers load) and, for reference, its CommonJS build (what Node's
 * `import "neverthrow"` resolves to: the package has no `exports` map). Every variant creates a new error
 * object per failure and uses module-level callbacks (no per-call closures).
 *
 * @module
 */
import { err, ok, PipeError, type Result } from "@pipe/result";
import * as ntCjs from "neverthrow";
import * as ntEsm from "neverthrow/dist/index.es.js";
import { hashOf, hashSequence } from "../checksum.ts";
import { type Benchmark, benchmark } from "../harness.ts";

const N = 1_000_000;
const values = new Int32Array(N);

// ---- plain discriminated-union baseline --------------------------------------------------------------
interface PlainError {
  readonly message: string;
  readonly code: string;
}
type Plain<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PlainError };

const plainOk = <T>(value: T): Plain<T> => ({ ok: true, value });
const plainErr = <T>(error: PlainError): Plain<T> => ({ ok: false, error });
function plainMap<T, U>(r: Plain<T>, fn: (value: T) => U): Plain<U> {
  return r.ok ? plainOk(fn(r.value)) : r;
}
function plainAndThen<T, U>(r: Plain<T>, fn: (value: T) => Plain<U>): Plain<U> {
  return r.ok ? fn(r.value) : r;
}
function plainValueOr<T>(r: Plain<T>, fallback: T): T {
  return r.ok ? r.value : fallback;
}

// ---- shared callbacks (module level: no per-call closures) ------------------------------------------
const double = (x: number): number => x * 2;
const addThree = (x: number): number => x + 3;

const plainStep = (x: number): Plain<number> =>
  x % 7 === 0 ? plainErr({ message: "divisible by 7", code: "bench.seven" }) : plainOk(x + 1);
const pipeStep = (x: number): Result<number> =>
  x % 7 === 0 ? err(PipeError.from("divisible by 7", "bench.seven")) : ok(x + 1);
const ntEsmStep = (x: number): ntEsm.Result<number, PlainError> =>
  x % 7 === 0 ? ntEsm.err({ message: "divisible by 7", code: "bench.seven" }) : ntEsm.ok(x + 1);
const ntCjsStep = (x: number): ntCjs.Result<number, PlainError> =>
  x % 7 === 0 ? ntCjs.err({ message: "divisible by 7", code: "bench.seven" }) : ntCjs.ok(x + 1);

function runPlain(): number {
  for (let i = 0; i < N; i++) {
    values[i] = plainValueOr(plainMap(plainAndThen(plainMap(plainOk(i), double), plainStep), addThree), -1);
  }
  return N;
}

function runPipe(): number {
  for (let i = 0; i < N; i++) values[i] = ok(i).map(double).andThen(pipeStep).map(addThree).valueOr(-1);
  return N;
}

function runNeverthrowEsm(): number {
  for (let i = 0; i < N; i++) {
    values[i] = ntEsm.ok<number, PlainError>(i).map(double).andThen(ntEsmStep).map(addThree).unwrapOr(-1);
  }
  return N;
}

function runNeverthrowCjs(): number {
  for (let i = 0; i < N; i++) {
    values[i] = ntCjs.ok<number, PlainError>(i).map(double).andThen(ntCjsStep).map(addThree).unwrapOr(-1);
  }
  return N;
}

const expectedValue = (i: number): number => ((2 * i) % 7 === 0 ? -1 : 2 * i + 4);

const definition: Benchmark = benchmark<number>({
  name: "W4 result: chain ok → map → andThen (1/7 fails) → map → valueOr",
  workload: "1,000,000 chains per run, each creating 3-4 results; 1 in 7 fails in andThen with a new error",
  baselineNote:
    "a plain { ok, value } | { ok, error } union with free functions: no classes, compensations or diagnostics",
  rounds: 15,
  warmup: 3,
  itemsPerSample: N,
  checksum: (count) => {
    const sum = `${count}:${hashSequence(values)}`;
    values.fill(-7);
    return sum;
  },
  expected: () => `${N}:${hashOf(N, expectedValue)}`,
  guard: true,
  baseline: { name: "plain union + free functions", run: runPlain },
  variants: [
    { name: "@pipe/result", run: runPipe, target: 1.3, bound: 1.8, forcedGcBound: 3.5 },
    { name: "neverthrow (ES module build)", run: runNeverthrowEsm },
    { name: "neverthrow (CommonJS build, Node's default)", run: runNeverthrowCjs },
  ],
});
export default definition;
