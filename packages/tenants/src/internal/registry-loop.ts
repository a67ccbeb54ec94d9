import type { PipeError } from "@pipe/result";
import type { TenantRegistryEvent } from "../registry-event.ts";
import { registryFailedError } from "./errors.ts";

const STOP: unique symbol = Symbol("stop");

/**
 * Applies the events of an async registry source in order until it ends or `signal` aborts (the pending
 * `next()` is then abandoned and the iterator's `return()` is called). Resolves to `tenants.registry.failed`
 * when the source throws, else `undefined`. Never rejects. @internal
 */
export async function consumeRegistry(
  source: AsyncIterable<TenantRegistryEvent>,
  apply: (event: TenantRegistryEvent) => void | Promise<void>,
  signal: AbortSignal,
): Promise<PipeError | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<typeof STOP>((resolve) => {
    onAbort = () => resolve(STOP);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  let iterator: AsyncIterator<TenantRegistryEvent> | undefined;
  try {
    iterator = source[Symbol.asyncIterator]();
    for (;;) {
      const step = await Promise.race([iterator.next(), stopped]);
      if (step === STOP) {
        const it = iterator;
        void Promise.resolve()
          .then(() => it.return?.())
          .catch(() => {});
        return undefined;
      }
      if (step.done === true) return undefined;
      await apply(step.value);
      if (signal.aborted) {
        void Promise.resolve(iterator.return?.()).catch(() => {});
        return undefined;
      }
    }
  } catch (thrown) {
    return registryFailedError(thrown);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}
