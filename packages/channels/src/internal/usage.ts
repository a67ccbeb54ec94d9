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

/** `options` as an object (`undefined` stays `undefined`); anything else is a `TypeError` naming `what`. */
export function checkOptions<O extends object>(options: O | undefined, what: string): O | undefined {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError(`${what}: options must be an object, got ${describe(options)}.`);
  }
  return options;
}

/** Throws a `TypeError` naming `what` unless `signal` is `undefined` or an `AbortSignal`. */
export function checkSignal(signal: unknown, what: string): void {
  if (
    signal !== undefined &&
    (signal === null ||
      typeof signal !== "object" ||
      typeof (signal as AbortSignal).aborted !== "boolean" ||
      typeof (signal as AbortSignal).addEventListener !== "function")
  ) {
    throw new TypeError(`${what}: options.signal must be an AbortSignal, got ${describe(signal)}.`);
  }
}

/** The writers of `destinations` (any iterable) as an array; a non-iterable or a non-writer is a `TypeError`. */
export function writers<W>(destinations: Iterable<W>, what: string): W[] {
  if (
    destinations === null ||
    typeof destinations !== "object" ||
    typeof (destinations as Partial<Iterable<W>>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${what}: destinations must be an iterable of channel writers, got ${describe(destinations)}.`,
    );
  }
  const out: W[] = [];
  for (const w of destinations) {
    if (typeof w !== "object" || w === null || typeof (w as { tryWrite?: unknown }).tryWrite !== "function")
      throw new TypeError(`${what}: writer ${out.length} must be a channel writer, got ${describe(w)}.`);
    out.push(w);
  }
  return out;
}

/** Throws a `TypeError` naming `what` unless `clock` is `undefined` or a TimeProvider (`now`, `setTimeout`, `clearTimeout`). */
export function checkTimeProvider(clock: unknown, what: string): void {
  if (
    clock !== undefined &&
    (clock === null ||
      typeof clock !== "object" ||
      typeof (clock as { now?: unknown }).now !== "function" ||
      typeof (clock as { setTimeout?: unknown }).setTimeout !== "function" ||
      typeof (clock as { clearTimeout?: unknown }).clearTimeout !== "function")
  ) {
    throw new TypeError(
      `${what}: options.timeProvider must be a TimeProvider (now, setTimeout, clearTimeout), got ${describe(clock)}.`,
    );
  }
}
