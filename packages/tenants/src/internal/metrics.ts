import {
  type CounterLike,
  GoDiagnostics,
  type HistogramLike,
  type MeterLike,
  type UpDownCounterLike,
} from "@pipe/result";

/** The router's instruments for one meter (attributes: `{ tenantId }`). @internal */
export interface TenantInstruments {
  readonly received: CounterLike;
  readonly processed: CounterLike;
  readonly failed: CounterLike;
  readonly deadLettered: CounterLike;
  readonly dropped: CounterLike;
  readonly restarts: CounterLike;
  readonly active: UpDownCounterLike;
  readonly depth: HistogramLike;
}

/** The configured meter (kept up to date by `GoDiagnostics.subscribe`), and its instruments once created. */
let configured: MeterLike | undefined;
let cached: TenantInstruments | undefined;
GoDiagnostics.subscribe((meter) => {
  configured = meter;
  cached = undefined;
});

/**
 * The instruments of the configured meter, or `undefined` when diagnostics are off: the one way this package asks
 * whether it is metered (the same pattern as `@pipe/channels`). Instruments are created on first use after a meter
 * is configured.
 */
export function instruments(): TenantInstruments | undefined {
  const meter = configured;
  if (meter === undefined) return undefined;
  if (cached === undefined) {
    cached = {
      received: meter.createCounter("tenants.received", { description: "Envelopes routed to a tenant." }),
      processed: meter.createCounter("tenants.processed", { description: "Envelopes a tenant processed." }),
      failed: meter.createCounter("tenants.failed", { description: "Failed processing attempts." }),
      deadLettered: meter.createCounter("tenants.dead_lettered", { description: "Envelopes dead-lettered." }),
      dropped: meter.createCounter("tenants.dropped", { description: "Envelopes evicted by dropOldest." }),
      restarts: meter.createCounter("tenants.restarts", { description: "Isolate restarts of a tenant." }),
      active: meter.createUpDownCounter("tenants.active", { description: "Tenants with a running worker." }),
      depth: meter.createHistogram("tenants.depth", {
        description: "A tenant's branch backlog, sampled once per 64 processed envelopes.",
      }),
    };
  }
  return cached;
}

/** Sampling mask of the `tenants.depth` histogram. @internal */
export const DEPTH_SAMPLE_MASK = 63;
