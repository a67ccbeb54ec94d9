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

let cached: Instruments | undefined;

/**
 * The instruments for the configured meter, or `undefined` when diagnostics are off (one property read).
 * Instruments are created on first use after a meter is configured, and again when the meter changes.
 */
export function instruments(): Instruments | undefined {
  const meter = GoDiagnostics.meter;
  if (meter === undefined) return undefined;
  if (cached !== undefined && cached.meter === meter) return cached;
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

/**
 * `channel.depth` is sampled: one record per 64 buffered writes of a channel (the 64th, 128th, ...), so the
 * write fast path pays one counter increment instead of a diagnostics lookup.
 */
export const DEPTH_SAMPLE_MASK = 63;

/** Records one `channel.depth` sample when diagnostics are on. */
export function recordDepth(depth: number): void {
  const meter = instruments();
  if (meter !== undefined) meter.channelDepth.record(depth);
}

let turnChecked = false;
let turnInstruments: Instruments | undefined;
const endTurn = (): void => {
  turnChecked = false;
  turnInstruments = undefined;
};

/**
 * Like {@link instruments}, but looks the meter up at most once per microtask turn (a tight synchronous loop of
 * selects pays one boolean check each). A meter configured mid-turn is picked up from the next turn.
 */
export function turnScopedInstruments(): Instruments | undefined {
  if (turnChecked) return turnInstruments;
  turnChecked = true;
  turnInstruments = instruments();
  queueMicrotask(endTurn);
  return turnInstruments;
}
