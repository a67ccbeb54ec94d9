import type { Compensation, CompensationAction, StatefulCompensationAction } from "./compensation.ts";
import { Err } from "./err.ts";
import { appendEntries, appendOne, EMPTY_COMPENSATIONS } from "./internal/compensations.ts";
import { prependCompensations } from "./internal/construct.ts";
import { countFailure, countSuccess, onCountingChange } from "./internal/diagnostics-state.ts";
import { renderValue } from "./internal/render.ts";
import { PipeError } from "./pipe-error.ts";
import type { Result } from "./result.ts";

/** The default message of a failed `ensure`. */
export const ENSURE_MESSAGE = "The result did not satisfy the required condition.";

/**
 * A successful {@link Result}: `isOk` is `true`, `value` holds the value, `error` is `undefined`.
 *
 * When to use: create one with `ok(value)` (or `Result.ok`); check `isOk`/`isErr` to narrow a `Result<T>`.
 *
 * Details: results are immutable class instances with prototype methods. An `Ok` owns one field, `value`;
 * `isOk`, `isErr`, `error` and an empty `compensations` list are constants on the prototype. A success that
 * carries rollback actions is an instance of an internal subclass that owns `compensations` (so `instanceof Ok`
 * still holds), which keeps the common path free of compensation checks. A result is never thenable (no `then` method).
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
   * Internal: use `ok(value)`; the constructor does not count diagnostics. With a non-empty `compensations`
   * list it returns an instance of the internal subclass that carries them.
   *
   * Gotchas: `Ok` cannot be subclassed (a `TypeError`): its combinators build plain successes.
   */
  constructor(value: T, compensations?: readonly Compensation[]) {
    // `new.target` is a constant wherever `new Ok(...)` is inlined, so this test costs nothing there.
    if (new.target !== OkClass && new.target !== CompensatedOkClass) notSubclassable();
    (this as { value: T }).value = value;
    // A one-field object on the common path; `new Ok(v)` folds this test away once inlined.
    if (compensations !== undefined && compensations.length > 0) {
      // biome-ignore lint/correctness/noConstructorReturn: the rare compensated form is a subclass instance.
      return new CompensatedOk(value, compensations);
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
    // `this.constructor` rather than `Ok`: see the note on class bindings at the end of this file.
    return new (this.constructor as typeof Ok)(fn(this.value));
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
    return fn(this.value);
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
    countFailure();
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

// Constant members live on the prototype, so a plain success holds one field (`value`). `compensations` is
// writable so that the subclass below can own it.
Object.defineProperties(Ok.prototype, {
  compensations: { value: EMPTY_COMPENSATIONS, writable: true },
  isOk: { value: true },
  isErr: { value: false },
  error: { value: undefined },
});

/** A success carrying rollback actions: owns a non-empty frozen `compensations` list and keeps it in chains. */
class CompensatedOk<T> extends Ok<T> {
  constructor(value: T, compensations: readonly Compensation[]) {
    super(value);
    (this as { compensations: readonly Compensation[] }).compensations = compensations;
  }

  override map<U>(fn: (value: T) => U): Result<U> {
    return new (this.constructor as typeof CompensatedOk)(fn(this.value), this.compensations);
  }

  override andThen<U>(fn: (value: T) => Result<U>): Result<U> {
    return prependCompensations(this.compensations, fn(this.value));
  }
}

// Module-local aliases for the constructor's subclass test (a class's own name is re-checked on every read).
const OkClass: typeof Ok = Ok;
const CompensatedOkClass: typeof CompensatedOk = CompensatedOk;

function notSubclassable(): never {
  throw new TypeError("Ok cannot be subclassed: create successes with ok(value).");
}

// Class bindings on the hot path: a class's own name, read inside its methods, is a lexical binding that V8
// (Node 20) checks for the temporal dead zone on every read, and in an ES module it is not constant-folded.
// `map` constructs through `this.constructor` instead, a constant on the prototype once the receiver's shape is
// known. In the chain benchmark this alone took the ratio to the plain baseline from 1.37x to about 1.18x.

// With metrics on, `map` counts the result it creates; with them off the prototypes hold the lean variants.
const leanMaps = [Ok.prototype.map, CompensatedOk.prototype.map] as const;
const countedMaps = leanMaps.map(
  (lean) =>
    function mapCounted<T, U>(this: Ok<T>, fn: (value: T) => U): Result<U> {
      const next = lean.call(this, fn) as Result<U>;
      countSuccess();
      return next;
    },
);
onCountingChange((on) => {
  [Ok.prototype, CompensatedOk.prototype].forEach((proto, i) => {
    Object.defineProperty(proto, "map", {
      value: on ? countedMaps[i] : leanMaps[i],
      writable: true,
      configurable: true,
    });
  });
});
