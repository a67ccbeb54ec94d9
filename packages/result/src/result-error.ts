import { RESULT_ERROR_BRAND } from "./internal/brand.ts";
import type { PipeError } from "./pipe-error.ts";

/**
 * The exception `unwrap()` throws for a failed result; it carries the {@link PipeError} in `.error`.
 *
 * When to use: at the edge of a Result-based code base, where you must hand an exception to code that expects
 * one (a test, a framework handler). Inside pipelines prefer `match`/`valueOr`.
 *
 * Details: `message` is `error.toString()` (`"code: message"`), `cause` is the PipeError's cause.
 * `PipeError.fromException(resultError)` gives back the same PipeError instance.
 *
 * @example
 * ```ts
 * import { err, PipeError, ResultError } from "@pipe/result";
 * try {
 *   err(PipeError.from("nope", "demo.failed")).unwrap();
 * } catch (e) {
 *   if (e instanceof ResultError) console.log(e.error.code); // "demo.failed"
 * }
 * ```
 */
export class ResultError extends Error {
  /** The failure that was unwrapped. */
  readonly error: PipeError;

  /** Wraps a PipeError in an exception. */
  constructor(error: PipeError) {
    super(error.toString(), error.cause === undefined ? undefined : { cause: error.cause });
    this.name = "ResultError";
    this.error = error;
  }
}

Object.defineProperty(ResultError.prototype, RESULT_ERROR_BRAND, { value: true });
