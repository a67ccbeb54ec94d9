/**
 * The meter shape `GoDiagnostics` records to: a subset of OpenTelemetry's `Meter` and its instruments, so an
 * OpenTelemetry meter fits without an adapter.
 *
 * @module
 */

/**
 * Attributes attached to a measurement (OpenTelemetry `Attributes`-compatible).
 */
export type MetricAttributes = Readonly<Record<string, unknown>>;

/** Options when creating an instrument (OpenTelemetry `MetricOptions`-compatible subset). */
export interface MetricOptions {
  /** Human-readable description. */
  readonly description?: string;
  /** Unit, e.g. `"ms"` or `"{result}"`. */
  readonly unit?: string;
}

/**
 * A monotonic counter (structurally compatible with an OpenTelemetry `Counter`).
 *
 * @example
 * ```ts
 * import type { CounterLike } from "@pipe/result";
 * const c: CounterLike = { add: (n) => console.log(n) };
 * c.add(1);
 * ```
 */
export interface CounterLike {
  /** Adds `value` (≥ 0). */
  add(value: number, attributes?: MetricAttributes): void;
}

/**
 * A counter that can go down (structurally compatible with an OpenTelemetry `UpDownCounter`).
 *
 * @example
 * ```ts
 * import type { UpDownCounterLike } from "@pipe/result";
 * const c: UpDownCounterLike = { add: (n) => console.log(n) };
 * c.add(-1);
 * ```
 */
export interface UpDownCounterLike {
  /** Adds `value` (may be negative). */
  add(value: number, attributes?: MetricAttributes): void;
}

/**
 * A histogram (structurally compatible with an OpenTelemetry `Histogram`).
 *
 * @example
 * ```ts
 * import type { HistogramLike } from "@pipe/result";
 * const h: HistogramLike = { record: (v) => console.log(v) };
 * h.record(12.5);
 * ```
 */
export interface HistogramLike {
  /** Records one measurement. */
  record(value: number, attributes?: MetricAttributes): void;
}

/**
 * The instrument factory the `@pipe` packages use; an OpenTelemetry `Meter` satisfies it structurally.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * import { GoDiagnostics, type MeterLike } from "@pipe/result";
 * const meter: MeterLike = metrics.getMeter("my-service");
 * GoDiagnostics.configure(meter);
 * ```
 */
export interface MeterLike {
  /** Creates a monotonic counter. */
  createCounter(name: string, options?: MetricOptions): CounterLike;
  /** Creates a histogram. */
  createHistogram(name: string, options?: MetricOptions): HistogramLike;
  /** Creates an up-down counter. */
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounterLike;
}
