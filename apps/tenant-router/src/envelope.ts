/**
 * One message of the shared ingress stream.
 *
 * Details: `tenantId` is the routing key (`@pipe/tenants` reads it by default); `messageId` is unique per
 * tenant and is the ledger's idempotency key (a redelivered envelope is not appended twice); `payload` is any
 * JSON value; `ackId` is the ingress's handle for acknowledging it (the Redis stream entry id; absent in
 * memory).
 */
export interface Envelope {
  readonly tenantId: string;
  readonly messageId: string;
  readonly payload: unknown;
  readonly ackId?: string | undefined;
}
