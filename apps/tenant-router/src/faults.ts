import type { Envelope } from "./envelope.ts";

/**
 * Injected behaviour for one tenant (the demo's failing and slow tenants; tests' gates).
 *
 * Details: `before` runs before the ledger append (a slow downstream call, a validation); `after` runs after
 * the append and before the acknowledgement, so a throw there leaves a ledger row for the rollback to delete.
 * A throw (or rejection) in either fails the envelope (`error.exception`); the router then isolates the
 * tenant: compensations run, it restarts under the retry policy, and past the budget it is parked.
 */
export interface TenantFault {
  before?(envelope: Envelope, signal: AbortSignal): void | Promise<void>;
  after?(envelope: Envelope, signal: AbortSignal): void | Promise<void>;
}

/** Per-envelope payload sequence number (`payload.n`) of the demo generator, or 0. */
export const sequenceOf = (envelope: Envelope): number => {
  const n = (envelope.payload as { n?: unknown } | null)?.n;
  return typeof n === "number" ? n : 0;
};

/**
 * A tenant whose downstream step fails for every envelope from its `fromN`-th on (after the ledger append).
 *
 * @example
 * ```ts
 * import { failingFrom } from "@pipe/app-tenant-router";
 * const fault = failingFrom(100);
 * ```
 */
export function failingFrom(fromN: number): TenantFault {
  return {
    after(envelope) {
      if (sequenceOf(envelope) >= fromN)
        throw new Error(`downstream rejected ${envelope.messageId} (injected failure)`);
    },
  };
}

/**
 * A tenant whose downstream step takes `ms` per envelope (before the append); abortable.
 *
 * @example
 * ```ts
 * import { slow } from "@pipe/app-tenant-router";
 * const fault = slow(20);
 * ```
 */
export function slow(ms: number): TenantFault {
  return {
    before(_envelope, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
