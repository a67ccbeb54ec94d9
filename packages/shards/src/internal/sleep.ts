import type { TimeProvider } from "@pipe/channels";

/** Waits `ms` on `time`; resolves `false` when `signal` aborts first (listener removed either way). @internal */
export function sleep(time: TimeProvider, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      time.clearTimeout(handle);
      resolve(false);
    };
    const handle = time.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
