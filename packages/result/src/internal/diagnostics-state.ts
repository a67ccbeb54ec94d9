/**
 * Mutable diagnostics state shared by the result factories (kept out of the public module). The hot path reads
 * one property of a `const` object: a module-level `let` would cost a hole check on every read.
 *
 * @internal
 * @module
 */
import type { CounterLike, MeterLike } from "../diagnostics.ts";

interface ResultCounters {
  readonly successes: CounterLike;
  readonly failures: CounterLike;
}

/** The configured meter, or `undefined` when metrics are off. */
export let currentMeter: MeterLike | undefined;
const state: { counters: ResultCounters | undefined } = { counters: undefined };

/** Installs (or removes, with `undefined`) the meter and creates the result counters. */
export function setMeter(meter: MeterLike | undefined): void {
  currentMeter = meter;
  state.counters =
    meter === undefined
      ? undefined
      : {
          successes: meter.createCounter("result.successes", {
            description: "Successful results created.",
            unit: "{result}",
          }),
          failures: meter.createCounter("result.failures", {
            description: "Failed results created.",
            unit: "{result}",
          }),
        };
}

/** Counts one created success (no-op when metrics are off). */
export function countSuccess(): void {
  const counters = state.counters;
  if (counters !== undefined) counters.successes.add(1);
}

/** Counts one created failure (no-op when metrics are off). */
export function countFailure(): void {
  const counters = state.counters;
  if (counters !== undefined) counters.failures.add(1);
}
