import type { TenantOptions } from "./tenant-options.ts";

/**
 * One change of the tenant set, as yielded by an asynchronous registry source (the `registry` option).
 *
 * Details: `add` starts a branch and a worker (options override `tenantOptions(id)`); `remove` stops routing
 * to the tenant, lets it process what it accepted, then stops its worker. Events are applied in order; an
 * `add` for a tenant still draining after a `remove` waits until the drain is over. Invalid events (a
 * duplicate `add`, a `remove` of an unknown tenant) are ignored (they are counted in the snapshot).
 *
 * @example
 * ```ts
 * import type { TenantRegistryEvent } from "@pipe/tenants";
 * async function* registry(): AsyncGenerator<TenantRegistryEvent> {
 *   yield { type: "add", tenantId: "acme" };
 *   yield { type: "remove", tenantId: "acme" };
 * }
 * ```
 */
export type TenantRegistryEvent =
  | { readonly type: "add"; readonly tenantId: string; readonly options?: TenantOptions }
  | { readonly type: "remove"; readonly tenantId: string };
