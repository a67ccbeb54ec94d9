import { TimerHeap, type VirtualTimer } from "./internal/timer-heap.ts";
import { checkOptions } from "./internal/usage.ts";
import type { TimeProvider, TimerHandle } from "./time-provider.ts";

/**
 * Options of {@link VirtualTimeProvider}.
 *
 * @example
 * ```ts
 * import { VirtualTimeProvider, type VirtualTimeProviderOptions } from "@pipe/channels";
 * const options: VirtualTimeProviderOptions = { start: Date.parse("2030-01-01"), microtaskRounds: 128 };
 * const clock = new VirtualTimeProvider(options);
 * ```
 */
export interface VirtualTimeProviderOptions {
  /** Initial value of `now()` in milliseconds (default 0). */
  readonly start?: number;
  /**
   * How many microtask rounds (`await Promise.resolve()`) are drained before the first timer and after each
   * fired timer (default 64). Raise it when code under test chains more awaits than that between a timer and
   * the next thing it schedules.
   */
  readonly microtaskRounds?: number;
  /** Safety limit for {@link VirtualTimeProvider.runAll}: timers fired before it gives up (default 100000). */
  readonly maxTimersPerRun?: number;
}

const drain = async (rounds: number): Promise<void> => {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
};

/**
 * A deterministic, manually advanced {@link TimeProvider} for tests: time moves only when you call
 * {@link VirtualTimeProvider.advance} or {@link VirtualTimeProvider.runAll}.
 *
 * When to use: every test of code that waits on time (timeouts, deadlines, tickers, windows, retries). Never
 * sleep in a test; inject this instead.
 *
 * Details: timers fire **one at a time in deadline order; equal deadlines fire in scheduling order**. Before
 * the first timer and after each fired timer, the provider lets pending microtasks settle by awaiting
 * `microtaskRounds` rounds of `await Promise.resolve()` (a macrotask-free drain: no real `setTimeout(0)`, so it
 * behaves the same on Node, Deno and Bun and never waits on the real clock). Code that awaits a timer and then
 * schedules the next one therefore behaves as on a real clock: a timer scheduled by a callback with a
 * deadline inside the advanced window also fires during that `advance`. `now()` equals the firing timer's
 * deadline while its callback runs, and the target time once `advance` resolves.
 *
 * Gotchas: the drain is bounded; a promise chain longer than `microtaskRounds` awaits between a timer and its
 * follow-up may not have run when `advance` resolves. `advance` calls must not overlap (await each one). A
 * throwing callback rejects `advance`/`runAll` with that error, leaving later timers pending.
 *
 * @example
 * ```ts
 * import { VirtualTimeProvider, delay } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const slept = delay(1000, { timeProvider: clock });
 * await clock.advance(1000);
 * console.log((await slept).isOk, clock.now()); // true 1000
 * ```
 */
export class VirtualTimeProvider implements TimeProvider {
  private current: number;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private readonly rounds: number;
  private readonly maxTimers: number;

  /**
   * Creates a virtual clock.
   * @throws RangeError when `start` is not finite or `microtaskRounds`/`maxTimersPerRun` is not a positive integer.
   */
  constructor(options: VirtualTimeProviderOptions = {}) {
    checkOptions(options, "VirtualTimeProvider");
    const start = options.start ?? 0;
    if (!Number.isFinite(start)) throw new RangeError("VirtualTimeProvider: start must be a finite number.");
    const rounds = options.microtaskRounds ?? 64;
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new RangeError("VirtualTimeProvider: microtaskRounds must be a positive integer.");
    }
    const maxTimers = options.maxTimersPerRun ?? 100_000;
    if (!Number.isInteger(maxTimers) || maxTimers < 1) {
      throw new RangeError("VirtualTimeProvider: maxTimersPerRun must be a positive integer.");
    }
    this.current = start;
    this.rounds = rounds;
    this.maxTimers = maxTimers;
  }

  /** The virtual time in milliseconds. */
  now(): number {
    return this.current;
  }

  /** Number of scheduled timers that have neither fired nor been cleared. */
  get pendingTimers(): number {
    return this.heap.size;
  }

  /** Schedules `callback` at `now() + max(0, ms)`; it fires only during `advance`/`runAll`. */
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const wait = Number.isNaN(ms) || ms < 0 ? 0 : ms;
    const timer: VirtualTimer = { deadline: this.current + wait, seq: this.seq++, callback, index: -1 };
    this.heap.push(timer);
    return timer;
  }

  /** Cancels a pending timer; a no-op for a fired, cleared or foreign handle. */
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "object" && handle !== null && "callback" in handle) {
      this.heap.remove(handle as VirtualTimer);
    }
  }

  /**
   * Moves the clock forward by `ms`, firing every timer due by then, one at a time, in deadline order (ties in
   * scheduling order), draining microtasks before the first and after each.
   * @throws RangeError (synchronously) when `ms` is negative or not finite.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError("VirtualTimeProvider.advance: ms must be a finite, non-negative number.");
    }
    return this.runUntil(this.current + ms);
  }

  /**
   * Fires timers until none is left (including timers scheduled by fired callbacks), advancing the clock to each
   * deadline. Rejects with a `RangeError` after `maxTimersPerRun` timers (an endless ticker would never end).
   */
  async runAll(): Promise<void> {
    await drain(this.rounds);
    let fired = 0;
    for (let timer = this.heap.pop(); timer !== undefined; timer = this.heap.pop()) {
      if (++fired > this.maxTimers) {
        this.heap.push(timer);
        throw new RangeError(
          `VirtualTimeProvider.runAll: more than ${this.maxTimers} timers fired; is a ticker still running?`,
        );
      }
      this.fire(timer);
      await drain(this.rounds);
    }
  }

  private async runUntil(target: number): Promise<void> {
    await drain(this.rounds);
    for (
      let timer = this.heap.peek();
      timer !== undefined && timer.deadline <= target;
      timer = this.heap.peek()
    ) {
      this.heap.pop();
      this.fire(timer);
      await drain(this.rounds);
    }
    if (target > this.current) this.current = target;
  }

  private fire(timer: VirtualTimer): void {
    if (timer.deadline > this.current) this.current = timer.deadline;
    timer.callback();
  }
}
