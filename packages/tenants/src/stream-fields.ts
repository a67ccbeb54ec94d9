/**
 * An envelope as one Redis stream entry carries it: `tenantId` (absent when the stream is the tenant's own),
 * `messageId` (the entry id when absent) and `payload` (parsed JSON, or the raw text when it is not JSON).
 */
export interface StreamEnvelopeFields {
  /** The `tenantId` field, or undefined when the entry has none (a stream per tenant). */
  readonly tenantId: string | undefined;
  /** The `messageId` field, or the entry id when the entry has none. */
  readonly messageId: string;
  /** The `payload` field parsed as JSON, its text when it is not JSON, or null when the entry has none. */
  readonly payload: unknown;
}

/**
 * Decodes a stream entry's flat field list (`[name, value, name, value, ...]`, as XREAD/XREADGROUP return it)
 * into an envelope's fields.
 *
 * When to use: an ingress that reads tenant envelopes from Redis Streams (one shared stream with a `tenantId`
 * field, or one stream per tenant without it), written by {@link encodeStreamFields}.
 *
 * Details: unknown fields are ignored; a missing `messageId` becomes the entry id; a `payload` that is not
 * valid JSON is kept as its text, a missing one is `null`. Never throws on outside input.
 *
 * @example
 * ```ts
 * import { decodeStreamFields } from "@pipe/tenants";
 * const e = decodeStreamFields("1700000000000-0", ["tenantId", "acme", "messageId", "m-1", "payload", '{"n":1}']);
 * console.log(e.tenantId, e.messageId, e.payload); // acme m-1 { n: 1 }
 * ```
 */
export function decodeStreamFields(id: string, fields: readonly string[]): StreamEnvelopeFields {
  let tenantId: string | undefined;
  let messageId: string | undefined;
  let raw: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === "tenantId") tenantId = fields[i + 1];
    else if (name === "messageId") messageId = fields[i + 1];
    else if (name === "payload") raw = fields[i + 1];
  }
  let payload: unknown = raw ?? null;
  if (raw !== undefined) {
    try {
      payload = JSON.parse(raw);
    } catch {
      payload = raw;
    }
  }
  return { tenantId, messageId: messageId ?? id, payload };
}

/**
 * Encodes an envelope as the flat field list of a stream entry (for XADD), the inverse of
 * {@link decodeStreamFields}: `tenantId` (only when given), `messageId`, and `payload` as JSON (`null` when
 * undefined).
 *
 * @example
 * ```ts
 * import { encodeStreamFields } from "@pipe/tenants";
 * console.log(encodeStreamFields({ messageId: "m-1", payload: { n: 1 } })); // ["messageId", "m-1", "payload", '{"n":1}']
 * ```
 */
export function encodeStreamFields(envelope: {
  readonly tenantId?: string | undefined;
  readonly messageId: string;
  readonly payload: unknown;
}): string[] {
  const fields = envelope.tenantId === undefined ? [] : ["tenantId", envelope.tenantId];
  fields.push("messageId", envelope.messageId, "payload", JSON.stringify(envelope.payload ?? null));
  return fields;
}
