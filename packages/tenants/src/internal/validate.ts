import type { OverflowPolicy, UnknownTenantPolicy } from "../policies.ts";

const OVERFLOWS: readonly OverflowPolicy[] = ["block", "deadLetter", "dropOldest"];
/** Reads `envelope.tenantId`. @internal */
export const defaultKeyOf = (envelope: unknown): string => (envelope as { tenantId: string }).tenantId;

/** @internal */
export function checkCapacity(capacity: number, what: string): number {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`${what}: capacity must be an integer >= 1, got ${capacity}.`);
  return capacity;
}

/** @internal */
export function checkOverflow(overflow: OverflowPolicy, what: string): OverflowPolicy {
  if (!OVERFLOWS.includes(overflow))
    throw new TypeError(`${what}: unknown overflow ${JSON.stringify(overflow)}.`);
  return overflow;
}

/** Validates the `retain` option; returns true for `"envelope"`. */
export function validRetain(retain: unknown): boolean {
  if (retain === undefined || retain === "run") return false;
  if (retain === "envelope") return true;
  throw new TypeError(`TenantRouter: retain must be "run" or "envelope", got ${JSON.stringify(retain)}.`);
}

/** Validates the `unknownTenant` option; `undefined` is `"deadLetter"`. */
export function checkUnknownTenant(policy: unknown): UnknownTenantPolicy {
  const checked = policy ?? "deadLetter";
  if (checked !== "deadLetter" && checked !== "createOnFirstSight")
    throw new TypeError(`TenantRouter: unknown unknownTenant ${JSON.stringify(checked)}.`);
  return checked;
}
