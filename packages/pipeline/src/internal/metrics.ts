import { type CounterLike, GoDiagnostics, type MeterLike } from "@pipe/result";

/** The pipeline's instruments, created lazily per meter. @internal */
export interface PipelineInstruments {
  readonly compensationRuns: CounterLike;
  readonly compensationActions: CounterLike;
  readonly compensationFailures: CounterLike;
}

let cachedMeter: MeterLike | undefined;
let cached: PipelineInstruments | undefined;

/** The instruments of the configured meter, or `undefined` when diagnostics are off (one property read). */
export function instruments(): PipelineInstruments | undefined {
  const meter = GoDiagnostics.meter;
  if (meter === undefined) return undefined;
  if (meter !== cachedMeter || cached === undefined) {
    cachedMeter = meter;
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
