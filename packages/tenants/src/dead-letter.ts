import type { PipeError } from "@pipe/result";

/**
 * An envelope the router could not (or did not) process, with the reason.
 *
 * When to use: read them from `router.deadLetters` (or the channel you passed as `deadLetters`) to retry,
 * store or alert.
 *
 * Details: `error.code` says why: `tenants.unknown`, `tenants.overflow`, `tenants.parked` (cause: the tenant's
 * last failure), `tenants.removed`, `tenants.shutdown` (cause: the abort or the fail-fast failure),
 * `tenants.key.invalid`, or, under `failFast`, the processor's own failure for the envelope that failed.
 * `tenantId` is `undefined` only for `tenants.key.invalid`.
 *
 * @example
 * ```ts
 * import type { DeadLetter } from "@pipe/tenants";
 * const describe = (d: DeadLetter<unknown>) => `${d.tenantId ?? "?"}: ${d.error.code}`;
 * ```
 */
export interface DeadLetter<E> {
  /** The tenant the envelope was meant for (`undefined` when its key was invalid). */
  readonly tenantId: string | undefined;
  /** The envelope, untouched. */
  readonly envelope: E;
  /** Why it was dead-lettered. */
  readonly error: PipeError;
}

/**
 * An envelope evicted from a full `dropOldest` branch, as reported to the `onDrop` option.
 *
 * @example
 * ```ts
 * import type { DroppedEnvelope } from "@pipe/tenants";
 * const log = (d: DroppedEnvelope<unknown>) => console.log(d.tenantId, d.error.code); // "tenants.dropped"
 * ```
 */
export interface DroppedEnvelope<E> {
  /** The tenant whose branch evicted it. */
  readonly tenantId: string;
  /** The evicted envelope. */
  readonly envelope: E;
  /** A `tenants.dropped` error (metadata `tenantId`). */
  readonly error: PipeError;
}
