import { ErrorCodes, type ErrorDescriptor } from "@pipe/result";

/**
 * Every error code `@pipe/tenants` produces, as string constants (registered with descriptors in
 * `ErrorCodes` when this module loads).
 *
 * When to use: compare `error.code` (of a dead letter, a drop record, a tenant snapshot or the Result of
 * `TenantRouter.run`) against these instead of string literals.
 *
 * Details:
 * - Dead-letter reasons: `unknown` (no tenant for the key, policy `deadLetter`), `overflow` (the tenant's
 *   branch was full, overflow `deadLetter`), `parked` (the tenant exceeded its retry budget), `removed` (the
 *   tenant is draining after `remove`), `shutdown` (accepted but not processed because the run stopped),
 *   `keyInvalid` (the key function threw or returned a value `tenantIdProblem` rejects).
 * - Drop records (overflow `dropOldest`): `dropped`.
 * - Registry calls: `duplicate` (`add` of a known tenant), `notFound` (`remove` of an unknown tenant),
 *   `closed` (the router already ran), `registryFailed` (the async registry source threw).
 * - `deadLetterFailed`: the dead-letter channel refused an entry (it was completed by someone else).
 *
 * Gotchas: generic codes surface too: `error.canceled` (abort), `error.aggregate` (the Result of `run`), and
 * whatever your processor returns (`error.exception` for a throw).
 *
 * @example
 * ```ts
 * import { TenantErrorCodes } from "@pipe/tenants";
 * const isOverflow = (code: string | undefined) => code === TenantErrorCodes.overflow;
 * console.log(isOverflow("tenants.overflow")); // true
 * ```
 */
export const TenantErrorCodes: {
  readonly unknown: "tenants.unknown";
  readonly overflow: "tenants.overflow";
  readonly dropped: "tenants.dropped";
  readonly parked: "tenants.parked";
  readonly removed: "tenants.removed";
  readonly shutdown: "tenants.shutdown";
  readonly keyInvalid: "tenants.key.invalid";
  readonly duplicate: "tenants.duplicate";
  readonly notFound: "tenants.not_found";
  readonly closed: "tenants.closed";
  readonly registryFailed: "tenants.registry.failed";
  readonly deadLetterFailed: "tenants.dead_letter.failed";
} = Object.freeze({
  unknown: "tenants.unknown",
  overflow: "tenants.overflow",
  dropped: "tenants.dropped",
  parked: "tenants.parked",
  removed: "tenants.removed",
  shutdown: "tenants.shutdown",
  keyInvalid: "tenants.key.invalid",
  duplicate: "tenants.duplicate",
  notFound: "tenants.not_found",
  closed: "tenants.closed",
  registryFailed: "tenants.registry.failed",
  deadLetterFailed: "tenants.dead_letter.failed",
});

const descriptors: readonly ErrorDescriptor[] = [
  {
    code: TenantErrorCodes.unknown,
    name: "TenantUnknown",
    description:
      "No tenant is registered for the envelope's key and the unknown-tenant policy is deadLetter.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.overflow,
    name: "TenantOverflow",
    description: "The tenant's branch was full and its overflow policy is deadLetter.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.dropped,
    name: "TenantDropped",
    description: "The envelope was evicted from a full branch whose overflow policy is dropOldest.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.parked,
    name: "TenantParked",
    description:
      "The tenant kept failing past its retry budget and was parked; its envelopes are dead-lettered.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.removed,
    name: "TenantRemoved",
    description:
      "The tenant was removed and is draining what it accepted; new envelopes are not routed to it.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.shutdown,
    name: "TenantShutdown",
    description: "The envelope was accepted but not processed because the run was aborted or failed fast.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.keyInvalid,
    name: "TenantKeyInvalid",
    description: "The key function threw or returned a value that is not a tenant id (see tenantIdProblem).",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.duplicate,
    name: "TenantDuplicate",
    description: "A tenant with this id is already registered (or still draining after removal).",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.notFound,
    name: "TenantNotFound",
    description: "No tenant with this id is registered.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.closed,
    name: "TenantRouterClosed",
    description: "The tenant router already ran; it cannot be started again or changed.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.registryFailed,
    name: "TenantRegistryFailed",
    description: "The asynchronous tenant registry source threw or rejected.",
    category: "Tenants",
  },
  {
    code: TenantErrorCodes.deadLetterFailed,
    name: "TenantDeadLetterFailed",
    description: "The dead-letter channel refused an entry (it was completed by someone else).",
    category: "Tenants",
  },
];

ErrorCodes.register(descriptors);
