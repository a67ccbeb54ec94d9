import { err, PipeError, type Result } from "@pipe/result";
import type { TimeProvider, TimerHandle } from "../time-provider.ts";
import { canceledResult } from "./errors.ts";

interface Waiter {
  resolve: (result: Result<void>) => void;
  signal: AbortSignal | undefined;
  timer: TimerHandle | undefined;
  clock: TimeProvider;
  onAbort: (() => void) | undefined;
}

/**
 * The pending `wait()` calls of a group: each resolves with the group's outcome on `releaseAll`, or on its own
 * with `error.timeout` (its timeout) or `error.canceled` (its signal); its timer and listener are removed when
 * it resolves.
 * @internal
 */
export class WaitList {
  private waiters: Waiter[] = [];

  /** A promise resolved by `releaseAll`, after `timeout` ms (if finite) or when `signal` aborts. */
  add(
    clock: TimeProvider,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Result<void>> {
    return new Promise<Result<void>>((resolve) => {
      const waiter: Waiter = { resolve, signal, timer: undefined, clock, onAbort: undefined };
      this.waiters.push(waiter);
      if (timeout !== undefined && timeout !== Infinity) {
        waiter.timer = clock.setTimeout(() => {
          waiter.timer = undefined;
          this.finish(waiter, err<void>(PipeError.timeout(timeout)));
        }, timeout);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => this.finish(waiter, canceledResult<void>(signal));
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
    });
  }

  /** Resolves every pending wait with `outcome()` (called once, only when one is pending). */
  releaseAll(outcome: () => Result<void>): void {
    if (this.waiters.length === 0) return;
    const result = outcome();
    for (const w of [...this.waiters]) this.finish(w, result);
  }

  private finish(waiter: Waiter, result: Result<void>): void {
    const i = this.waiters.indexOf(waiter);
    if (i === -1) return;
    this.waiters.splice(i, 1);
    if (waiter.timer !== undefined) waiter.clock.clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(result);
  }
}
