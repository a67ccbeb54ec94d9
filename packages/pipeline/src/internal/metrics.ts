import { type CounterLike, GoDiagnostics, type MeterLike } from "@pipe/result";

/** The pipeline's instruments, created lazily per meter. @internal */
export interface PipelineInstruments {
  readonly compensationRuns: CounterLike;
  readonly compensationActions: CounterLike;
  readonly compensationFailures: CounterLike;
}

/** The configured meter (kept up to date by `GoDiagnostics.subscribe`), and its instruments once created. */
let configured: MeterLike | undefined;
let cached: PipelineInstruments | undefined;
GoDiagnostics.subscribe((meter) => {
  configured = meter;
  cached = undefined;
});

/**
 * The instruments of the configured meter, or `undefined` when diagnostics are off: the one way this package asks
 * whether it is metered (the same pattern as `@pipe/channels`). Instruments are created on first use after a meter
 * is configured.
 */
export function instruments(): PipelineInstruments | undefined {
  const meter = configured;
  if (meter === undefined) return undefined;
  if (cached === undefined) {
    cached = {
      compensationRuns: meter.createCounter("pipeline.compensation.runs", {
        description: "Compensation runs that had at least one action to replay.",
      }),
      compensationActions: meter.createCounter("pipeline.compensation.actions", {
        description: "Compensation actions invoked.",
      }),
      compensationFailures: meter.createCounter("pipeline.compensation.failures", {
        description: "Compensation actions that threw, rejected or returned a failed Result.",
      }),
    };
  }
  return cached;
}
