/**
 * A short description of a received value for a usage error: its type, or its constructor's name.
 *
 * When to use: in the `TypeError` of a programming error, to say what was received beside what was expected
 * (every `@pipe` package words its usage errors this way).
 *
 * @example
 * ```ts
 * import { describeValue } from "@pipe/result";
 * describeValue(null); // "null"
 * describeValue("x"); // "a string"
 * describeValue({}); // "a plain object"
 * describeValue(new Map()); // "an object (Map)"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return typeof value === "string" ? "a string" : typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object"
    ? `an object (${name})`
    : "a plain object";
}
