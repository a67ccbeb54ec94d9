/**
 * Result chain: `ok(i) → map → andThen (fails 1 in 7) → map → match`, 1,000,000 times per sample.
 *
 * Compared with a plain `{ ok, value } | { ok, error }` discriminated union driven by free functions (the
 * fastest honest hand-written version: no classes, no compensations, no diagnostics) and with neverthrow.
 * Every variant creates a new error object per failure and uses module-level callbacks (no per-call closures).
 *
 * @module
 */
import { err, ok, PipeError, type Result } from "@pipe/result";
import * as nt from "neverthrow";
import { benchmark } from "../harness.ts";

const N = 1_000_000;

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
function plainMatch<T, A>(r: Plain<T>, onOk: (value: T) => A, onErr: (error: PlainError) => A): A {
  return r.ok ? onOk(r.value) : onErr(r.error);
}

// ---- shared callbacks (module level: no per-call closures) ------------------------------------------
const double = (x: number): number => x * 2;
const addThree = (x: number): number => x + 3;
const identity = (x: number): number => x;
const minusOne = (): number => -1;

const plainStep = (x: number): Plain<number> =>
  x % 7 === 0 ? plainErr({ message: "divisible by 7", code: "bench.seven" }) : plainOk(x + 1);
const pipeStep = (x: number): Result<number> =>
  x % 7 === 0 ? err(PipeError.from("divisible by 7", "bench.seven")) : ok(x + 1);
const ntStep = (x: number): nt.Result<number, PlainError> =>
  x % 7 === 0 ? nt.err({ message: "divisible by 7", code: "bench.seven" }) : nt.ok(x + 1);
const pipeHandlers = { ok: identity, err: minusOne };

function runPlain(): number {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const r = plainMap(plainAndThen(plainMap(plainOk(i), double), plainStep), addThree);
    sum += plainMatch(r, identity, minusOne);
  }
  return sum;
}

function runPipe(): number {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    sum += ok(i).map(double).andThen(pipeStep).map(addThree).match(pipeHandlers);
  }
  return sum;
}

function runNeverthrow(): number {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    sum += nt.ok<number, PlainError>(i).map(double).andThen(ntStep).map(addThree).match(identity, minusOne);
  }
  return sum;
}

export default benchmark({
  name: "result: chain ok → map → andThen (1/7 fails) → map → match",
  workload:
    "1,000,000 chains per sample, each creating 3-4 results; 1 in 7 fails in andThen with a new error.",
  baselineNote:
    "A plain { ok, value } | { ok, error } union with free functions: no classes, compensations or diagnostics.",
  samples: 15,
  warmup: 3,
  itemsPerSample: N,
  baseline: { name: "plain union + free functions", run: runPlain },
  variants: [
    // The target: at most 1.3x. Measured 0.98-0.99x on Node 20 (1.73x at first, 1.18-1.22x before failures
    // stopped defeating V8's escape analysis). neverthrow runs at about 0.80x: Node resolves it to its CommonJS
    // build, and on Node 20 the same code as an ES module runs at about 1.0x (see the issue note).
    // Guarded on Node (as the channel targets are); Bun runs it at about 1.3x and Deno at about 1.1x.
    { name: "@pipe/result", run: runPipe, bound: 1.3, guardRuntimes: ["node"] },
    { name: "neverthrow", run: runNeverthrow },
  ],
});
