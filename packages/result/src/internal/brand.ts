/**
 * The brand every PipeError carries, so that errors made by another copy of this package are recognised.
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
