/**
 * The brands every PipeError and ResultError carry, so that errors made by another copy of this package are
 * recognised.
 *
 * @internal
 * @module
 */

/** A registered symbol (`Symbol.for`): every copy of `@pipe/result` puts the same one on `PipeError.prototype`. */
export const PIPE_ERROR_BRAND: unique symbol = Symbol.for("@pipe/result.PipeError") as never;

/** Whether `value` is an object carrying {@link PIPE_ERROR_BRAND} (a PipeError of any copy of this package). */
export function hasPipeErrorBrand(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [PIPE_ERROR_BRAND]?: unknown })[PIPE_ERROR_BRAND] === true
  );
}

/** The brand on `ResultError.prototype` (a registered symbol, like {@link PIPE_ERROR_BRAND}). */
export const RESULT_ERROR_BRAND: unique symbol = Symbol.for("@pipe/result.ResultError") as never;

/**
 * Whether `value` is a ResultError of any copy of this package; a brand instead of `instanceof`, so that
 * `PipeError.fromException` can unwrap one without importing the module that imports PipeError.
 */
export function isResultError(value: unknown): value is { readonly error: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [RESULT_ERROR_BRAND]?: unknown })[RESULT_ERROR_BRAND] === true
  );
}
