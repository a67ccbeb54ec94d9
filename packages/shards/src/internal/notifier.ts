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
}
