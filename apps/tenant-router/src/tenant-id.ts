import { tenantIdProblem as libraryTenantIdProblem } from "@pipe/tenants";
import type { Envelope } from "./envelope.ts";

/** The longest tenant id, in UTF-16 code units. */
const MAX_TENANT_ID_LENGTH = 200;

/** What a tenant id must be. @internal */
export const NOT_AN_ID = `tenantId must be a non-blank string (<= ${MAX_TENANT_ID_LENGTH} chars).`;

/**
 * Why `tenantId` cannot be a tenant of this app, or `undefined`: over 200 characters (this app's bound, for its
 * admin page and metrics labels), or anything `@pipe/tenants`' `tenantIdProblem` rejects (blank, padded with
 * white space, holding control, invisible or bidi format characters, line/paragraph separators or lone
 * surrogates). The admin API, the tenants registered at start and envelope keys follow this one rule. @internal
 */
export function tenantIdProblem(tenantId: string): string | undefined {
  if (tenantId.length > MAX_TENANT_ID_LENGTH) return NOT_AN_ID;
  const problem = libraryTenantIdProblem(tenantId);
  return problem === undefined ? undefined : `tenantId: ${problem}.`;
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
