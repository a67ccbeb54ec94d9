/**
 * Counted constructors shared by the async and collection helpers.
 *
 * @internal
 * @module
 */
import type { Compensation } from "../compensation.ts";
import { Err } from "../err.ts";
import { Ok } from "../ok.ts";
import type { PipeError } from "../pipe-error.ts";
import type { Result } from "../result.ts";
import { countFailure, countSuccess } from "./diagnostics-state.ts";

/** A new success carrying `compensations`; counted once. */
export function okWith<T>(value: T, compensations: readonly Compensation[]): Ok<T> {
  const result = new Ok(value, compensations);
  countSuccess();
  return result;
}

/** A new failure carrying `compensations`; counted once. */
export function errWith<T>(error: PipeError, compensations: readonly Compensation[]): Err<T> {
  const result = new Err<T>(error, compensations);
  countFailure();
  return result;
}

/** Whether `value` is thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** `result` with `comps` placed before its own compensations (a copy; not counted again). */
export function prependCompensations<T>(comps: readonly Compensation[], result: Result<T>): Result<T> {
  if (comps.length === 0) return result;
  const merged = comps.concat(result.compensations);
  Object.freeze(merged);
  return result.isOk ? new Ok(result.value, merged) : new Err<T>(result.error, merged);
}
