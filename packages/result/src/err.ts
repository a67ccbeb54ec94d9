import type { Compensation, CompensationAction, StatefulCompensationAction } from "./compensation.ts";
import {
  appendEntries,
  appendOne,
  attachCompensations,
  concatCompensations,
  EMPTY_COMPENSATIONS,
} from "./internal/compensations.ts";
import { Ok } from "./ok.ts";
import type { PipeError } from "./pipe-error.ts";
import type { Result } from "./result.ts";
import { ResultError } from "./result-error.ts";

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
    // See Ok: no own `compensations` field unless rollback actions are attached.
    if (compensations !== undefined) attachCompensations(this, compensations);
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
