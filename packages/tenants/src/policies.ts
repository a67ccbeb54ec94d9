/**
 * What a full tenant branch does with the next envelope routed to it.
 *
 * - `"block"` (default): lossless; the router (and so the ingress) waits until the tenant's worker makes room.
 *   One slow tenant then holds up every tenant behind the shared ingress, by design.
 * - `"deadLetter"`: the envelope goes to the dead-letter channel with a `tenants.overflow` error; the router
 *   moves on at once, so a slow tenant never slows the others.
 * - `"dropOldest"`: the oldest buffered envelope of that tenant is evicted to make room; the eviction is
 *   counted (`dropped`) and reported to `onDrop` with a `tenants.dropped` error.
 *
 * @example
 * ```ts
 * import type { OverflowPolicy } from "@pipe/tenants";
 * const policy: OverflowPolicy = "deadLetter";
 * ```
 */
export type OverflowPolicy = "block" | "deadLetter" | "dropOldest";

/**
 * How a tenant processor failure is handled.
 *
 * - `"isolate"` (default): the failing tenant's compensations run, it restarts under the retry policy (back-off
 *   on the router's TimeProvider) and retries the envelope that failed; other tenants are untouched. Past its
 *   retry budget the tenant is parked (state `"parked"`, error in the snapshot) and its envelopes go to the
 *   dead-letter channel with `tenants.parked`.
 * - `"failFast"`: seed 002 as written: the first failure aborts every tenant, and the run's compensation scope
 *   replays every tenant's compensations in reverse registration order.
 *
 * @example
 * ```ts
 * import type { FailureMode } from "@pipe/tenants";
 * const mode: FailureMode = "failFast";
 * ```
 */
export type FailureMode = "isolate" | "failFast";

/**
 * What happens to an envelope whose key has no registered tenant.
 *
 * - `"deadLetter"` (default): it goes to the dead-letter channel with a `tenants.unknown` error.
 * - `"createOnFirstSight"`: the tenant is added (branch + worker, with `tenantOptions(id)`) and the envelope
 *   is routed to it.
 *
 * Either way nothing is dropped silently.
 *
 * @example
 * ```ts
 * import type { UnknownTenantPolicy } from "@pipe/tenants";
 * const policy: UnknownTenantPolicy = "createOnFirstSight";
 * ```
 */
export type UnknownTenantPolicy = "deadLetter" | "createOnFirstSight";

/**
 * What an `isolate` failure rolls back before the tenant restarts.
 *
 * - `"tenant"` (default, seed 002): every compensation the tenant registered during the run (its whole ledger),
 *   newest first.
 * - `"envelope"`: only the compensations registered while processing the failing envelope; the tenant's
 *   completed work stays in its scope.
 *
 * @example
 * ```ts
 * import type { IsolateRollback } from "@pipe/tenants";
 * const rollback: IsolateRollback = "envelope";
 * ```
 */
export type IsolateRollback = "tenant" | "envelope";
