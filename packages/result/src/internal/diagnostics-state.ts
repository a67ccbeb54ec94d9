/**
 * Mutable diagnostics state shared by the result factories (kept out of the public module).
 *
 * @internal
 * @module
 */
import type { CounterLike, MeterLike } from "../meter-like.ts";

interface ResultCounters {
  readonly successes: CounterLike;
  readonly failures: CounterLike;
}

/** The configured meter, or `undefined` when metrics are off. */
export let currentMeter: MeterLike | undefined;
/**
 * The result counters while a meter is configured, `undefined` otherwise: the one read a result operation makes
 * to decide whether it counts.
 */
export let counters: ResultCounters | undefined;

/** Installs (or removes, with `undefined`) the meter and creates the result counters. */
export function setMeter(meter: MeterLike | undefined): void {
  currentMeter = meter;
  counters =
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
  // Every listener runs; the first throw is rethrown afterwards (the meter is set either way). A listener that
  // changes the meter itself starts a newer round, which tells every listener the newer meter: this round
  // stops there, so no listener is left holding the older one.
  const round = ++rounds;
  let failure: { error: unknown } | undefined;
  for (const listener of [...listeners]) {
    if (round !== rounds) break;
    try {
      listener(meter);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

/** Meter changes so far (see `setMeter`). */
let rounds = 0;

const listeners = new Set<(meter: MeterLike | undefined) => void>();

/** Adds a meter listener, calls it with the current meter, and returns the function that removes it. */
export function subscribeMeter(listener: (meter: MeterLike | undefined) => void): () => void {
  if (typeof listener !== "function") throw new TypeError("GoDiagnostics.subscribe: expected a function.");
  const own = (meter: MeterLike | undefined): void => listener(meter);
  own(currentMeter);
  listeners.add(own);
  return () => {
    listeners.delete(own);
  };
}

/** Counts one created success (no-op when metrics are off). */
export function countSuccess(): void {
  if (counters !== undefined) counters.successes.add(1);
}

/** Counts one created failure (no-op when metrics are off). */
export function countFailure(): void {
  if (counters !== undefined) counters.failures.add(1);
}
