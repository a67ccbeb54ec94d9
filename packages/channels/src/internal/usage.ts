/**
 * Helpers for the usage errors thrown at public entry points (a programming error throws a `TypeError` or
 * `RangeError` that says what was expected and what was received).
 *
 * @internal
 * @module
 */

/** A short description of a received value for a usage error: its type, or its constructor's name. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? `an object (${name})` : "an object";
}
