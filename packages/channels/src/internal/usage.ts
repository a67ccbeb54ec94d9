/**
 * Helpers for the usage errors thrown at public entry points (a programming error throws a `TypeError` or
 * `RangeError` that says what was expected and what was received).
 *
 * @internal
 * @module
 */
import { describeValue } from "@pipe/result";

export { describeValue as describe } from "@pipe/result";
export { checkOptions, checkSignal, checkTimeProvider } from "../usage-checks.ts";

/** The writers of `destinations` (any iterable) as an array; a non-iterable or a non-writer is a `TypeError`. */
export function writers<W>(destinations: Iterable<W>, what: string): W[] {
  if (
    destinations === null ||
    typeof destinations !== "object" ||
    typeof (destinations as Partial<Iterable<W>>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${what}: destinations must be an iterable of channel writers, got ${describeValue(destinations)}.`,
    );
  }
  const out: W[] = [];
  for (const w of destinations) {
    if (typeof w !== "object" || w === null || typeof (w as { tryWrite?: unknown }).tryWrite !== "function")
      throw new TypeError(`${what}: writer ${out.length} must be a channel writer, got ${describeValue(w)}.`);
    out.push(w);
  }
  return out;
}
