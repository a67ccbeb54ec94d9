/**
 * Runs `fn` every `ms`, measured from the start of one run to the start of the next (a run longer than `ms`
 * is followed at once by the next; runs never overlap), until `signal` aborts; a rejection is ignored. @internal
 */
export async function every(ms: number, fn: () => Promise<void>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const started = performance.now();
    await fn().catch(() => undefined);
    const wait = Math.max(0, ms - (performance.now() - started));
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, wait);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
