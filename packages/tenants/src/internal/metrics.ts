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

let cachedMeter: MeterLike | undefined;
let cached: TenantInstruments | undefined;

/** The instruments of the configured meter, or `undefined` when diagnostics are off (one property read). */
export function instruments(): TenantInstruments | undefined {
  const meter = GoDiagnostics.meter;
  if (meter === undefined) return undefined;
  if (meter !== cachedMeter || cached === undefined) {
    cachedMeter = meter;
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
