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

/** Records one `channel.depth` sample when diagnostics are on. */
function recordDepth(depth: number): void {
  const meter = instruments();
  if (meter !== undefined) meter.channelDepth.record(depth);
}

/** A channel whose writes can be sampled for `channel.depth`. */
interface DepthSampled {
  depthTick: number;
  readonly count: number;
}

type TryWrite = (this: DepthSampled, value: unknown, priority?: number) => boolean;

/**
 * Installs `proto.tryWrite`: `lean` while metrics are off, and while a meter is configured a wrapper that records
 * `channel.depth` once per 64 buffered writes of a channel (the 64th, 128th, ...: the buffered count after the
 * write). Swapping the method keeps the write fast path free of any diagnostics check while metrics are off.
 */
export function sampleDepthWhileMetered(proto: object, lean: TryWrite): void {
  function sampled(this: DepthSampled, value: unknown, priority?: number): boolean {
    const before = this.count;
    const wrote = lean.call(this, value, priority);
    // Only writes that buffered a value count: not a hand-off to a waiting reader, nor a drop-mode write that
    // replaced or discarded a value in a full buffer.
    if (wrote && this.count > before && (++this.depthTick & 63) === 0) recordDepth(this.count);
    return wrote;
  }
  GoDiagnostics.subscribe((meter) => {
    Object.defineProperty(proto, "tryWrite", {
      value: meter === undefined ? lean : sampled,
      writable: true,
      configurable: true,
    });
  });
}

// Whether a meter is configured, for checks on hot paths: a field of a module constant that V8 folds to a
// constant in optimised code until the first `GoDiagnostics.configure` (written only when it changes).
const metering = { on: false };
GoDiagnostics.subscribe((meter) => {
  const on = meter !== undefined;
  if (metering.on !== on) metering.on = on;
});

/** Whether metrics are off (no meter configured); free in optimised code while they have never been on. */
export function metricsOff(): boolean {
  return !metering.on;
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
