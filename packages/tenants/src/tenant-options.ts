import type { OverflowPolicy } from "./policies.ts";

/**
 * Per-tenant branch settings (from the router's `tenantOptions(id)`, an `add(id, options)` call or a registry
 * `add` event; unset fields fall back to the router-wide `capacity` and `overflow`).
 *
 * @example
 * ```ts
 * import type { TenantOptions } from "@pipe/tenants";
 * const premium: TenantOptions = { capacity: 10_000, overflow: "block" };
 * ```
 */
export interface TenantOptions {
  /** Envelopes the tenant's branch buffers (an integer >= 1). */
  readonly capacity?: number;
  /** What a full branch does (see {@link OverflowPolicy}). */
  readonly overflow?: OverflowPolicy;
}
