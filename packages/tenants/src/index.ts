/**
 * `@pipe/tenants`: keyed, dynamic, isolated per-tenant fan-out of one ingress stream (seed 002), built on
 * `@pipe/pipeline` step contexts, compensation scopes and wait groups and `@pipe/channels` keyed routing.
 *
 * @module @pipe/tenants
 */
export { TenantErrorCodes } from "./codes.ts";
export type { DeadLetter, DroppedEnvelope } from "./dead-letter.ts";
export type { FailureMode, IsolateRollback, OverflowPolicy, UnknownTenantPolicy } from "./policies.ts";
export type { TenantProcessor } from "./processor.ts";
export type { TenantRegistryEvent } from "./registry-event.ts";
export type { TenantRouterOptions } from "./router-options.ts";
export type { TenantRouterSnapshot, TenantRouterState, TenantSnapshot, TenantState } from "./snapshot.ts";
export { decodeStreamFields, encodeStreamFields, type StreamEnvelopeFields } from "./stream-fields.ts";
export { tenantIdProblem } from "./tenant-id.ts";
export type { TenantOptions } from "./tenant-options.ts";
export { TenantRouter } from "./tenant-router.ts";
