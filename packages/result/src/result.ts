import { Err } from "./err.ts";
import { countFailure, countSuccess, onCountingChange } from "./internal/diagnostics-state.ts";
import { Ok } from "./ok.ts";
import { PipeError } from "./pipe-error.ts";

// Whether a meter counts results (see `GoDiagnostics.configure`). A field of a module constant rather than a
// `let`: V8 treats a field that was never reassigned as a constant, so with metrics never configured the
// check folds away in optimised code (it deoptimises once, when a meter is first configured).
const flags = { counting: false };
onCountingChange((on) => {
  flags.counting = on;
});

/**
 * A success (`Ok<T>`) or a failure (`Err<T>` with a {@link PipeError}), narrowed by the literal `isOk`/`isErr`.
 *
 * When to use: as the return type of anything that can fail in an expected way; annotate your functions with
 * `Result<T>` so both branches unify.
 *
 * Details: combinators (`map`, `andThen`, `ensure`, `recover`, ...) return new results and keep attached
 * compensations; a failure propagates as the same instance. A Result has no `then` method, so awaiting one
 * yields the Result itself.
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, type Result } from "@pipe/result";
 * function parsePort(s: string): Result<number> {
 *   const n = Number(s);
 *   return Number.isInteger(n) ? ok(n) : err(PipeError.from(`Not a port: ${s}`, "error.validation"));
 * }
 * parsePort("80").match({ ok: (p) => p, err: () => 0 }); // 80
 * ```
 */
export type Result<T> = Ok<T> | Err<T>;

/**
 * Creates a success (`ok()` gives `Ok<void>`); counted once in diagnostics.
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * const r = ok({ id: 1 });
 * r.value.id; // 1
 * ```
 */
export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  if (flags.counting) countSuccess();
  return new Ok(value);
}

/**
 * Creates a failure; counted once in diagnostics.
 *
 * Details: a PipeError (recognised by its `constructor`, or by the brand of another copy of this package) is
 * kept as the same instance; `undefined`/`null` becomes `PipeError.unspecified()` and any other value (an
 * exception) goes through `PipeError.fromException`, so a failure always carries a PipeError.
 *
 * Gotchas: the common case is recognised by `error.constructor === PipeError`, so a plain object forged with
 * an own `constructor: PipeError` property is taken as it is; build errors with `PipeError.from`.
 *
 * @example
 * ```ts
 * import { err, PipeError } from "@pipe/result";
 * const r = err<number>(PipeError.from("Out of stock", "shop.out_of_stock"));
 * r.error.code; // "shop.out_of_stock"
 * ```
 */
export function err<T = never>(error: PipeError): Err<T> {
  if (flags.counting) countFailure();
  // The common case is tested through `constructor`: on V8 an `instanceof` or `typeof` test of a freshly built
  // error keeps it from being optimised away when nothing reads it (3x slower failures in a chain).
  const ready = error !== undefined && error !== null && error.constructor === PipeError;
  return new Err<T>(ready ? error : toPipeError(error));
}

/** Normalises whatever was passed as an error. @internal */
export function toPipeError(error: unknown): PipeError {
  if (error instanceof PipeError) return error;
  if (error === undefined || error === null) return PipeError.unspecified();
  return PipeError.fromException(error);
}

/**
 * Whether a value is a Result (an `Ok` or `Err` instance).
 *
 * @example
 * ```ts
 * import { isResult, ok } from "@pipe/result";
 * isResult(ok(1)); // true
 * isResult({ isOk: true }); // false
 * ```
 */
export function isResult(value: unknown): value is Result<unknown> {
  return value instanceof Ok || value instanceof Err;
}
