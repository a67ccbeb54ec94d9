/** Runs `fn` every `ms` (after the previous run ends) until `signal` aborts; a rejection is ignored. @internal */
export async function every(ms: number, fn: () => Promise<void>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await fn().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
