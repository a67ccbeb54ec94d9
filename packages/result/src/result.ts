/**
 * The Result: `Ok`, `Err`, the `Result<T>` union and the `ok`/`err` factories.
 *
 * `PipeError` (`pipe-error.ts`) is the failure a Result carries; this module imports it, and nothing that
 * `pipe-error.ts` imports leads back here.
 *
 * @module
 */
import type { Compensation, CompensationAction, StatefulCompensationAction } from "./compensation.ts";
import {
  appendEntries,
  appendOne,
  concatCompensations,
  EMPTY_COMPENSATIONS,
} from "./internal/compensations.ts";
import { counters } from "./internal/diagnostics-state.ts";
import { keptResults } from "./internal/kept.ts";
import { renderValue } from "./internal/render.ts";
import { PipeError } from "./pipe-error.ts";
import { ResultError } from "./result-error.ts";

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
  if (counters !== undefined) counters.successes.add(1);
  return new Ok(value);
}

/**
 * Creates a failure; counted once in diagnostics.
 *
 * Details: a PipeError (also one made by another copy of this package) is kept as the same instance;
 * `undefined`/`null` becomes `PipeError.unspecified()` and any other value (an exception) goes through
 * `PipeError.fromException`, so a failure always carries a PipeError.
 *
 * @example
 * ```ts
 * import { err, PipeError } from "@pipe/result";
 * const r = err<number>(PipeError.from("Out of stock", "shop.out_of_stock"));
 * r.error.code; // "shop.out_of_stock"
 * ```
 */
export function err<T = never>(error: PipeError): Err<T> {
  if (counters !== undefined) counters.failures.add(1);
  return new Err<T>(error instanceof PipeError ? error : toPipeError(error));
}

/** Whatever was passed to `err` as a PipeError: nothing gives `unspecified`, anything else `fromException`. */
function toPipeError(error: unknown): PipeError {
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

/** The default message of a failed `ensure`. */
export const ENSURE_MESSAGE = "The result did not satisfy the required condition.";

/**
 * A successful {@link Result}: `isOk` is `true`, `value` holds the value, `error` is `undefined`.
 *
 * When to use: create one with `ok(value)` (or `Result.ok`); check `isOk`/`isErr` to narrow a `Result<T>`.
 *
 * Details: results are immutable class instances with prototype methods. An `Ok` owns `value`, and owns
 * `compensations` only when rollback actions are attached (otherwise the prototype supplies a shared frozen
 * empty list); `isOk`, `isErr` and `error` are constants on the prototype. A result is never thenable (no
 * `then` method).
 * Exceptions thrown by your callbacks are not caught; wrap risky code in `Result.try`.
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * const r = ok(20).map((n) => n + 1).ensure((n) => n > 0);
 * if (r.isOk) console.log(r.value); // 21
 * ```
 */
export class Ok<T> {
  /** Always `true` on a success. */
  declare readonly isOk: true;
  /** Always `false` on a success. */
  declare readonly isErr: false;
  /** The value. */
  declare readonly value: T;
  /** Always `undefined` on a success. */
  declare readonly error: undefined;
  /** Rollback actions attached to this result, oldest first (replay in reverse). */
  declare readonly compensations: readonly Compensation[];

  /**
   * Internal: use `ok(value)`; the constructor does not count diagnostics.
   *
   * Gotchas: `Ok` cannot be subclassed (a `TypeError`): its combinators build plain successes.
   */
  constructor(value: T, compensations?: readonly Compensation[]) {
    if (new.target !== Ok) notSubclassable();
    (this as { value: T }).value = value;
    if (compensations !== undefined && compensations.length > 0) {
      (this as { compensations: readonly Compensation[] }).compensations = compensations;
    }
  }

  /**
   * Transforms the value; a failure passes through unchanged (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(2).map((n) => n * 10); // Ok(20)
   * ```
   */
  map<U>(fn: (value: T) => U): Result<U> {
    const next = new Ok(fn(this.value), this.compensations);
    if (counters !== undefined) counters.successes.add(1);
    return next;
  }

  /**
   * Transforms the error of a failure; a success passes through unchanged.
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).mapError((e) => e.withCode("demo.wrapped"));
   * ```
   */
  mapError(_fn: (error: PipeError) => PipeError): Result<T> {
    return this;
  }

  /**
   * Chains a step that can fail (Hugo `Then`); a failure passes through unchanged. The compensations of both
   * sides are kept (this result's first).
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * ok(7).andThen((n) => (n % 7 === 0 ? err(PipeError.from("multiple of 7")) : ok(n)));
   * ```
   */
  andThen<U>(fn: (value: T) => Result<U>): Result<U> {
    return prependCompensations(this.compensations, fn(this.value));
  }

  /**
   * Runs a side effect with the value and returns this result (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).tap((v) => console.log(v));
   * ```
   */
  tap(fn: (value: T) => void): Result<T> {
    fn(this.value);
    return this;
  }

  /**
   * Runs a side effect with the error of a failure; a success passes through (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).tapError((e) => console.error(e.toString()));
   * ```
   */
  tapError(_fn: (error: PipeError) => void): Result<T> {
    return this;
  }

  /**
   * Fails when the value does not satisfy `predicate`: with `errorFactory(value)`, or by default an
   * `error.validation` error "The result did not satisfy the required condition.". Compensations are kept.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(-1).ensure((n) => n >= 0).isErr; // true
   * ```
   */
  ensure(predicate: (value: T) => boolean, errorFactory?: (value: T) => PipeError): Result<T> {
    if (predicate(this.value)) return this;
    const error =
      errorFactory === undefined
        ? new PipeError(ENSURE_MESSAGE, "error.validation")
        : errorFactory(this.value);
    const failed = new Err<T>(error, this.compensations);
    if (counters !== undefined) counters.failures.add(1);
    return failed;
  }

  /**
   * Turns a failure into another result (`fn(error)`); a success passes through (same instance). The failed
   * result's compensations are kept, followed by the recovery's.
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * err<number>(PipeError.timeout()).recover(() => ok(0)); // Ok(0)
   * ```
   */
  recover<U>(_fn: (error: PipeError) => Result<U>): Result<T | U> {
    return this;
  }

  /**
   * Folds the result into one value: `ok(value)` for a success, `err(error)` for a failure.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(3).match({ ok: (v) => `got ${v}`, err: (e) => e.message }); // "got 3"
   * ```
   */
  match<A, B = A>(handlers: { readonly ok: (value: T) => A; readonly err: (error: PipeError) => B }): A | B {
    return handlers.ok(this.value);
  }

  /**
   * The value, or the fallback for a failure (a function fallback is called with the error).
   *
   * Gotchas: to fall back to a function value, wrap it: `valueOr(() => fn)`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).valueOr(0); // 1
   * ```
   */
  valueOr<U>(_fallback: U | ((error: PipeError) => U)): T | U {
    return this.value;
  }

  /**
   * The value; a failure throws a `ResultError` carrying the PipeError in `.error`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok("v").unwrap(); // "v"
   * ```
   */
  unwrap(): T {
    return this.value;
  }

  /**
   * Returns a new result (same value or error) carrying one more compensation: `action(signal)` or, without a
   * closure, `action(state, signal)`. Attaching never runs the action. Not counted again in diagnostics.
   *
   * Gotchas: a non-function action is a usage error (`TypeError`).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * const r = ok({ id: "order-1" }).withCompensation({ id: "order-1" }, async (o, signal) => { console.log("cancel", o.id); });
   * r.compensations.length; // 1
   * ```
   */
  withCompensation<R>(this: R, action: CompensationAction): R;
  withCompensation<R, S>(this: R, state: S, action: StatefulCompensationAction<S>): R;
  withCompensation(stateOrAction: unknown, action?: unknown): Ok<T> {
    return new Ok(this.value, appendOne(this.compensations, stateOrAction, action));
  }

  /**
   * Returns a new result carrying `entries` after the existing compensations (see `compensation()`).
   *
   * @example
   * ```ts
   * import { compensation, ok } from "@pipe/result";
   * ok(1).withCompensations([compensation(() => {}), compensation(() => {})]).compensations.length; // 2
   * ```
   */
  withCompensations<R>(this: R, entries: Iterable<Compensation>): R;
  withCompensations(entries: Iterable<Compensation>): Ok<T> {
    return new Ok(this.value, appendEntries(this.compensations, entries));
  }

  /**
   * Returns a result with the same value or error and no compensations (not counted again in diagnostics).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).withCompensation(() => {}).withoutCompensations().compensations.length; // 0
   * ```
   */
  withoutCompensations<R>(this: R): R;
  withoutCompensations(): Ok<T> {
    return this.compensations.length === 0 ? this : new Ok(this.value);
  }

  /**
   * `"Ok(value)"`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * String(ok(1)); // "Ok(1)"
   * ```
   */
  toString(): string {
    return `Ok(${renderValue(this.value)})`;
  }
}

// Constant members live on the prototype, so a success holds only `value` (and `compensations` when it has
// some; the prototype's default is writable so that an instance can own its own).
Object.defineProperties(Ok.prototype, {
  compensations: { value: EMPTY_COMPENSATIONS, writable: true },
  isOk: { value: true },
  isErr: { value: false },
  error: { value: undefined },
});

function notSubclassable(): never {
  throw new TypeError("Ok cannot be subclassed: create successes with ok(value).");
}

/** `result` with `comps` placed before its own compensations (a copy; not counted again). @internal */
export function prependCompensations<T>(comps: readonly Compensation[], result: Result<T>): Result<T> {
  if (comps.length === 0) return result;
  const merged = Object.freeze(comps.concat(result.compensations));
  return result.isOk ? new Ok(result.value, merged) : new Err<T>(result.error, merged);
}

/**
 * A failed {@link Result}: `isErr` is `true`, `error` holds the {@link PipeError}, `value` is `undefined`.
 *
 * When to use: create one with `err(error)` (or `Result.fail`); check `isOk`/`isErr` to narrow a `Result<T>`.
 *
 * Details: every `Err` owns `error`, and owns `compensations` only when rollback actions are attached (otherwise
 * the prototype supplies a shared frozen empty list); `isOk`, `isErr` and `value` are constants on the prototype. Combinators that only act on successes return this same instance, so a propagated failure is the
 * same PipeError and is not counted again in diagnostics. `T` is the success type the result stands in for.
 *
 * @example
 * ```ts
 * import { err, PipeError } from "@pipe/result";
 * const r = err<number>(PipeError.from("Not found", "demo.not_found")).map((n) => n + 1);
 * if (r.isErr) console.log(r.error.code); // "demo.not_found"
 * ```
 */
export class Err<T> {
  /** Always `false` on a failure. */
  declare readonly isOk: false;
  /** Always `true` on a failure. */
  declare readonly isErr: true;
  /** Always `undefined` on a failure. */
  declare readonly value: undefined;
  /** The error. */
  declare readonly error: PipeError;
  /** Rollback actions attached to this result, oldest first (replay in reverse). */
  declare readonly compensations: readonly Compensation[];

  /** Internal: use `err(error)`; the constructor does not count diagnostics. */
  constructor(error: PipeError, compensations?: readonly Compensation[]) {
    (this as { error: PipeError }).error = error;
    if (compensations !== undefined && compensations.length > 0) {
      (this as { compensations: readonly Compensation[] }).compensations = compensations;
    }
  }

  /** See {@link Ok.map}: a failure returns itself. @example `err<number>(e).map((n) => n + 1) // same failure` */
  map<U>(_fn: (value: T) => U): Result<U> {
    return this as unknown as Err<U>;
  }

  /**
   * Replaces the error with `fn(error)`, keeping the compensations.
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).mapError((e) => e.withMetadata("step", "load"));
   * ```
   */
  mapError(fn: (error: PipeError) => PipeError): Result<T> {
    return new Err<T>(fn(this.error), this.compensations);
  }

  /** See {@link Ok.andThen}: a failure returns itself. @example `err<number>(e).andThen((n) => ok(n)) // same failure` */
  andThen<U>(_fn: (value: T) => Result<U>): Result<U> {
    return this as unknown as Err<U>;
  }

  /** See {@link Ok.tap}: a failure returns itself without calling `fn`. @example `err(e).tap(console.log)` */
  tap(_fn: (value: T) => void): Result<T> {
    return this;
  }

  /**
   * Runs a side effect with the error and returns this result (same instance).
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).tapError((e) => console.error(e.toString()));
   * ```
   */
  tapError(fn: (error: PipeError) => void): Result<T> {
    fn(this.error);
    return this;
  }

  /** See {@link Ok.ensure}: a failure returns itself. @example `err<number>(e).ensure((n) => n > 0)` */
  ensure(_predicate: (value: T) => boolean, _errorFactory?: (value: T) => PipeError): Result<T> {
    return this;
  }

  /**
   * Turns the failure into `fn(error)`, keeping this result's compensations before the recovery's.
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * err<number>(PipeError.timeout()).recover(() => ok(0)); // Ok(0)
   * ```
   */
  recover<U>(fn: (error: PipeError) => Result<U>): Result<T | U> {
    const next = fn(this.error);
    const own = this.compensations;
    if (own.length === 0) return next;
    return next.isOk
      ? new Ok<T | U>(next.value, concatCompensations(own, next.compensations))
      : new Err<T | U>(next.error, concatCompensations(own, next.compensations));
  }

  /** See {@link Ok.match}: calls `handlers.err(error)`. @example `err(e).match({ ok: () => 1, err: () => 0 }) // 0` */
  match<A, B = A>(handlers: { readonly ok: (value: T) => A; readonly err: (error: PipeError) => B }): A | B {
    return handlers.err(this.error);
  }

  /** See {@link Ok.valueOr}: returns the fallback (a function is called with the error). @example `err(e).valueOr(0) // 0` */
  valueOr<U>(fallback: U | ((error: PipeError) => U)): T | U {
    return typeof fallback === "function" ? (fallback as (error: PipeError) => U)(this.error) : fallback;
  }

  /** Throws a {@link ResultError} carrying the error. @example `err(e).unwrap() // throws ResultError` */
  unwrap(): T {
    throw new ResultError(this.error);
  }

  /** See {@link Ok.withCompensation}. @example `err(e).withCompensation(() => undo())` */
  withCompensation<R>(this: R, action: CompensationAction): R;
  withCompensation<R, S>(this: R, state: S, action: StatefulCompensationAction<S>): R;
  withCompensation(stateOrAction: unknown, action?: unknown): Err<T> {
    return new Err<T>(this.error, appendOne(this.compensations, stateOrAction, action));
  }

  /** See {@link Ok.withCompensations}. @example `err(e).withCompensations([compensation(undo)])` */
  withCompensations<R>(this: R, entries: Iterable<Compensation>): R;
  withCompensations(entries: Iterable<Compensation>): Err<T> {
    return new Err<T>(this.error, appendEntries(this.compensations, entries));
  }

  /** See {@link Ok.withoutCompensations}. @example `err(e).withoutCompensations()` */
  withoutCompensations<R>(this: R): R;
  withoutCompensations(): Err<T> {
    return this.compensations.length === 0 ? this : new Err<T>(this.error, EMPTY_COMPENSATIONS);
  }

  /** `"Err(code: message)"`. @example `String(err(PipeError.timeout())) // "Err(error.timeout: The operation timed out.)"` */
  toString(): string {
    return `Err(${this.error.toString()})`;
  }
}

// Constant members live on the prototype, so an instance holds one field (`error`), plus an own
// `compensations` only when rollback actions are attached.
Object.defineProperties(Err.prototype, {
  compensations: { value: EMPTY_COMPENSATIONS, writable: true },
  isOk: { value: false },
  isErr: { value: true },
  value: { value: undefined },
});

keptResults.push(ok(undefined), err(new PipeError("kept", "error.validation")));
