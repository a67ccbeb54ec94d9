/**
 * Counted constructors shared by the async and collection helpers.
 *
 * @internal
 * @module
 */
import type { Compensation } from "../compensation.ts";
import type { PipeError } from "../pipe-error.ts";
import { Err, Ok } from "../result.ts";
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
