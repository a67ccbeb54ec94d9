import { currentMeter, setMeter, subscribeMeter } from "./internal/diagnostics-state.ts";
import type { MeterLike } from "./meter-like.ts";

/** The shape of the {@link GoDiagnostics} object. */
export interface GoDiagnosticsApi {
  /**
   * Turns metrics on for every `@pipe` package by handing in a meter (e.g. an OpenTelemetry `Meter`).
   * `@pipe/result` creates `result.successes` and `result.failures` counters at once; other packages create
   * theirs lazily from {@link GoDiagnosticsApi.meter}.
   *
   * Gotchas: throws a `TypeError` when `meter` lacks the three factory methods.
   */
  configure(meter: MeterLike): void;
  /** Turns metrics off again (the default state); useful between tests. */
  reset(): void;
  /** The configured meter, or `undefined` when metrics are off. */
  readonly meter: MeterLike | undefined;
  /**
   * Calls `listener` with the current meter now and again whenever `configure` or `reset` changes it; returns
   * the function that unsubscribes.
   *
   * When to use: in a package that keeps its own instruments, to create them for a new meter and drop them
   * when metrics are turned off (`@pipe/channels` does this) instead of reading `meter` on every call.
   *
   * Gotchas: a non-function listener is a usage error (`TypeError`), and so is a listener that throws when
   * first called (it is not added). When a listener throws on a change, the others still run, the meter is
   * still set, and `configure`/`reset` rethrows the first error afterwards. Subscribing the same function twice
   * calls it twice.
   *
   * @example
   * ```ts
   * import { GoDiagnostics } from "@pipe/result";
   * let on = false;
   * const stop = GoDiagnostics.subscribe((meter) => {
   *   on = meter !== undefined;
   * });
   * stop();
   * ```
   */
  subscribe(listener: (meter: MeterLike | undefined) => void): () => void;
}

/**
 * Process-wide metrics switch for the `@pipe` packages: off by default at the cost of one property read.
 *
 * When to use: call `configure(meter)` once at start-up to export counters such as `result.successes` and
 * `result.failures` (one per created result; a failure propagated through combinators is not counted again;
 * copies made by `withCompensation`/`withoutCompensations` are not counted).
 *
 * Details: the `@pipe` packages learn the meter through `subscribe` and create their instruments on first use
 * after it changes; other package authors can do the same, or read `meter` when they need it.
 *
 * @example
 * ```ts
 * import { GoDiagnostics, ok } from "@pipe/result";
 * let successes = 0;
 * GoDiagnostics.configure({
 *   createCounter: (name) => ({ add: (n) => { if (name === "result.successes") successes += n; } }),
 *   createHistogram: () => ({ record: () => {} }),
 *   createUpDownCounter: () => ({ add: () => {} }),
 * });
 * ok(1).map((x) => x + 1); // successes === 2
 * GoDiagnostics.reset();
 * ```
 */
export const GoDiagnostics: GoDiagnosticsApi = Object.freeze({
  configure(meter: MeterLike): void {
    if (
      meter === null ||
      typeof meter !== "object" ||
      typeof meter.createCounter !== "function" ||
      typeof meter.createHistogram !== "function" ||
      typeof meter.createUpDownCounter !== "function"
    ) {
      throw new TypeError(
        "GoDiagnostics.configure: expected a meter with createCounter, createHistogram and createUpDownCounter.",
      );
    }
    setMeter(meter);
  },
  reset(): void {
    setMeter(undefined);
  },
  get meter(): MeterLike | undefined {
    return currentMeter;
  },
  subscribe(listener: (meter: MeterLike | undefined) => void): () => void {
    return subscribeMeter(listener);
  },
});
