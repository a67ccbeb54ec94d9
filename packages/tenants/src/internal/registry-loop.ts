/**
 * The registry source of a router (`TenantRouterOptions.registry`): reading its events until it ends or the run
 * stops, and applying each to the router.
 */
import { err, type PipeError, type Result } from "@pipe/result";
import type { TenantRegistryEvent } from "../registry-event.ts";
import type { TenantOptions } from "../tenant-options.ts";
import { closedError, registryFailedError } from "./errors.ts";
import { isTenantId, type TenantTable } from "./table.ts";

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

/** The router operations a registry event maps to. @internal */
export interface RegistryTarget {
  add(tenantId: string, options?: TenantOptions): Result<void>;
  remove(tenantId: string): Promise<Result<void>>;
  has(tenantId: string): boolean;
}

/**
 * Applies one registry event: `add` (after the drain of a removed tenant of that id is over) or `remove`; an
 * event that is not well-formed, or an `add` the router refuses, is counted in `table.rejectedEvents`.
 * @internal
 */
export async function applyRegistryEvent<E>(
  router: RegistryTarget,
  table: TenantTable<E>,
  event: TenantRegistryEvent,
): Promise<void> {
  if (event?.type === "add" && isTenantId(event.tenantId)) {
    const existing = table.tenants.get(event.tenantId);
    if (existing !== undefined && table.removed.has(existing)) await table.whenStopped(existing);
    let added: Result<void>;
    try {
      added = router.add(event.tenantId, event.options);
    } catch {
      added = err<void>(closedError());
    }
    if (added.isErr) table.rejectedEvents++;
  } else if (event?.type === "remove" && typeof event.tenantId === "string" && router.has(event.tenantId)) {
    void router.remove(event.tenantId);
  } else table.rejectedEvents++;
}
