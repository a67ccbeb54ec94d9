/**
 * What the `@pipe` packages accept as an AbortSignal: an object with a boolean `aborted` and an
 * `addEventListener` method (a signal of any realm or polyfill).
 *
 * @internal
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}
