import type { Envelope } from "./envelope.ts";

/** The longest tenant id, in UTF-16 code units. */
const MAX_TENANT_ID_LENGTH = 200;
/** U+0000-U+001F, U+007F-U+009F, or a lone surrogate: the store cannot hold U+0000, and none of them is typed on purpose. */
const UNUSABLE_ID = /[\p{Cc}\p{Cs}]/u;

/** What a tenant id must be. @internal */
export const NOT_AN_ID = `tenantId must be a non-blank string (<= ${MAX_TENANT_ID_LENGTH} chars).`;

/**
 * Why `tenantId` cannot be a tenant of this app, or `undefined`: blank, over 200 characters, padded with white
 * space, or holding control characters or lone surrogates (the admin API, the tenants registered at start and
 * envelope keys follow this one rule). @internal
 */
export function tenantIdProblem(tenantId: string): string | undefined {
  if (tenantId.length > MAX_TENANT_ID_LENGTH || tenantId.trim() === "") return NOT_AN_ID;
  if (tenantId.trim() !== tenantId) return "tenantId must not start or end with white space.";
  if (UNUSABLE_ID.test(tenantId)) return "tenantId must not contain control characters or lone surrogates.";
  return undefined;
}

/**
 * The router's key function: an envelope's `tenantId` when it is one {@link tenantIdProblem} accepts; else it
 * throws, so the router dead-letters the envelope with `tenants.key.invalid` (no tenant, no counters, no
 * metrics series is made of it). @internal
 */
export function envelopeTenantKey(envelope: Envelope): string {
  const id = envelope.tenantId;
  if (typeof id !== "string") return id;
  const problem = tenantIdProblem(id);
  if (problem !== undefined) throw new RangeError(problem);
  return id;
}
