import type { TimeProvider } from "@pipe/channels";

/** The longest delay timers accept (about 24.8 days); longer waits are capped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * In-process change notification: a generation counter plus waiters. A reader remembers the generation
 * before reading, so a change between its read and its wait is never lost. @internal
 */
export class ChangeNotifier {
  #generation = 0;
  #closed = false;
  #waiters = new Set<() => void>();

  get generation(): number {
    return this.#generation;
  }

  get closed(): boolean {
    return this.#closed;
  }

  notify(): void {
    this.#generation++;
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  close(): void {
    this.#closed = true;
    this.notify();
  }

  /** Resolves `true` once the generation moved past `seen` (or on close), `false` when `signal` aborts. */
  wait(seen: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.#generation !== seen || this.#closed) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        this.#waiters.delete(wake);
        resolve(false);
      };
      const wake = (): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      };
      this.#waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Waits until `done()` holds, `ms` pass (on `time`), `signal` aborts or the notifier closes. */
  async waitUntil(
    done: () => boolean,
    ms: number,
    signal: AbortSignal | undefined,
    time: TimeProvider,
  ): Promise<void> {
    if (signal?.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = time.setTimeout(() => stop.abort(), Math.min(ms, MAX_TIMER_MS));
    try {
      while (!done() && !stop.signal.aborted && !this.#closed) await this.wait(this.#generation, stop.signal);
    } finally {
      time.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
