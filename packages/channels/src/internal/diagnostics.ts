import {
  type CounterLike,
  GoDiagnostics,
  type HistogramLike,
  type MeterLike,
  type UpDownCounterLike,
} from "@pipe/result";

/** Lazily created instruments for one meter (cache keyed by the meter instance). */
interface Instruments {
  readonly meter: MeterLike;
  readonly selectAttempts: CounterLike;
  readonly selectCompletions: CounterLike;
  readonly selectTimeouts: CounterLike;
  readonly selectCancellations: CounterLike;
  readonly selectLatency: HistogramLike;
  readonly waitGroupAdditions: CounterLike;
  readonly waitGroupCompletions: CounterLike;
  readonly waitGroupOutstanding: UpDownCounterLike;
  readonly channelDepth: HistogramLike;
}

/** The configured meter (kept up to date by `GoDiagnostics.subscribe`), and its instruments once created. */
let configured: MeterLike | undefined;
let cached: Instruments | undefined;
GoDiagnostics.subscribe((meter) => {
  configured = meter;
  cached = undefined;
});

/**
 * The instruments for the configured meter, or `undefined` when diagnostics are off: the one way this package
 * asks whether it is metered. Instruments are created on first use after a meter is configured.
 */
export function instruments(): Instruments | undefined {
  const meter = configured;
  if (meter === undefined) return undefined;
  if (cached !== undefined) return cached;
  cached = {
    meter,
    selectAttempts: meter.createCounter("channel.select.attempts", { description: "select calls started" }),
    selectCompletions: meter.createCounter("channel.select.completions", {
      description: "select calls that ran a case",
    }),
    selectTimeouts: meter.createCounter("channel.select.timeouts", {
      description: "select calls that timed out",
    }),
    selectCancellations: meter.createCounter("channel.select.cancellations", {
      description: "select calls canceled by their signal",
    }),
    selectLatency: meter.createHistogram("channel.select.latency", {
      description: "select duration",
      unit: "ms",
    }),
    waitGroupAdditions: meter.createCounter("waitgroup.additions", {
      description: "work added to wait groups",
    }),
    waitGroupCompletions: meter.createCounter("waitgroup.completions", {
      description: "work completed in wait groups",
    }),
    waitGroupOutstanding: meter.createUpDownCounter("waitgroup.outstanding", {
      description: "work outstanding in wait groups",
    }),
    channelDepth: meter.createHistogram("channel.depth", { description: "buffered items after a write" }),
  };
  return cached;
}

/** Records one `channel.depth` sample when diagnostics are on (channels call it every 64th buffered write). */
export function recordDepth(depth: number): void {
  const meter = instruments();
  if (meter !== undefined) meter.channelDepth.record(depth);
}
