import { describeValue } from "@pipe/result";
import { isAbortSignal } from "./internal/is-abort-signal.ts";

/**
 * Returns `options` when it is `undefined` or an object; anything else is a `TypeError` naming `what`.
 *
 * When to use: at the entry point of a function that takes an options bag, so plain JavaScript callers get a
 * usage error saying what was expected (the `@pipe` packages check their options this way).
 *
 * @example
 * ```ts
 * import { checkOptions } from "@pipe/channels";
 * checkOptions({ capacity: 1 }, "myQueue"); // { capacity: 1 }
 * checkOptions(5 as never, "myQueue"); // throws TypeError: myQueue: options must be an object, got number.
 * ```
 */
export function checkOptions<O extends object>(options: O | undefined, what: string): O | undefined {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError(`${what}: options must be an object, got ${describeValue(options)}.`);
  }
  return options;
}

/**
 * Throws a `TypeError` naming `what` (and the option, `name`) unless `signal` is `undefined` or an
 * `AbortSignal` (an object with a boolean `aborted` and an `addEventListener` method).
 *
 * @example
 * ```ts
 * import { checkSignal } from "@pipe/channels";
 * checkSignal(new AbortController().signal, "myTask"); // passes
 * checkSignal("stop", "myTask"); // throws TypeError: myTask: options.signal must be an AbortSignal, got a string.
 * ```
 */
export function checkSignal(signal: unknown, what: string, name = "options.signal"): void {
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`${what}: ${name} must be an AbortSignal, got ${describeValue(signal)}.`);
  }
}

/**
 * Throws a `TypeError` naming `what` unless `clock` is `undefined` or a TimeProvider-like object
 * (`now`, `setTimeout` and `clearTimeout` methods).
 *
 * @example
 * ```ts
 * import { checkTimeProvider, VirtualTimeProvider } from "@pipe/channels";
 * checkTimeProvider(new VirtualTimeProvider(), "myTimer"); // passes
 * checkTimeProvider({}, "myTimer"); // throws TypeError naming options.timeProvider
 * ```
 */
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
      `${what}: options.timeProvider must be a TimeProvider (now, setTimeout, clearTimeout), got ${describeValue(clock)}.`,
    );
  }
}
