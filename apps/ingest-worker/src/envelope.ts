import { PipeError, Result } from "@pipe/pipeline";
import * as Schema from "effect/Schema";

/**
 * The message kinds this worker understands (adapt: replace with your own domain).
 *
 * @example
 * ```ts
 * import { MESSAGE_TYPES } from "@pipe/app-ingest-worker";
 * console.log(MESSAGE_TYPES.includes("order.placed")); // true
 * ```
 */
export const MESSAGE_TYPES: readonly ["order.placed", "payment.captured", "stock.adjusted"] = [
  "order.placed",
  "payment.captured",
  "stock.adjusted",
];

const LONE_SURROGATE = /\p{Cs}/u;
/** Text PostgreSQL can store (text and jsonb refuse U+0000; jsonb refuses lone surrogates). */
const storable = Schema.makeFilter((s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s), {
  expected: "text without U+0000 or lone surrogates",
});
const NonBlank = Schema.String.check(Schema.isMinLength(1), storable);
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));

/** The decoded, validated message body. */
export interface Envelope {
  /** Producer-assigned unique id: the idempotency key. */
  readonly id: string;
  /** Which producer/feed emitted it. */
  readonly source: string;
  /** The producer's sequence number (monotonic per source). */
  readonly seq: number;
  /** What happened. */
  readonly type: (typeof MESSAGE_TYPES)[number];
  /** When it happened (epoch ms). */
  readonly occurredAt: number;
  /** The business payload. */
  readonly data: {
    readonly account: string;
    readonly amountCents: number;
    readonly currency: "EUR" | "USD" | "GBP";
  };
}

/**
 * The Effect schema of a message body on the wire: a JSON string decoding to an {@link Envelope}.
 *
 * Details: `Schema.fromJsonString` parses and validates in one step, so a malformed JSON text and a wrong field
 * are both reported as decode issues (never thrown).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { EnvelopeFromJson } from "@pipe/app-ingest-worker";
 * console.log(Schema.is(Schema.toType(EnvelopeFromJson))({})); // false
 * ```
 */
export const EnvelopeFromJson: Schema.Codec<Envelope, string> = Schema.fromJsonString(
  Schema.Struct({
    id: NonBlank,
    source: NonBlank,
    seq: NonNegativeInt,
    type: Schema.Literals(MESSAGE_TYPES),
    occurredAt: NonNegativeInt,
    data: Schema.Struct({
      account: NonBlank,
      amountCents: Schema.Int,
      currency: Schema.Literals(["EUR", "USD", "GBP"]),
    }),
  }),
) as unknown as Schema.Codec<Envelope, string>;

const standard = Schema.toStandardSchemaV1(
  // biome-ignore lint/suspicious/noExplicitAny: effect's standard-schema constraint is wider than Codec here
  EnvelopeFromJson as any,
  { parseOptions: { errors: "all" } },
) as unknown as Parameters<typeof Result.fromStandardSchema<Envelope>>[0];

/** Error code of a message that fails decoding or validation. */
export const INVALID_MESSAGE_CODE = "ingest.invalid-message";

/**
 * Decodes and validates a raw payload; a failure is `ingest.invalid-message` with the schema issues.
 *
 * Details: synchronous, never throws. The failure's `metadata.issues` comes from `Result.fromStandardSchema`
 * (an `error.validation` kept as the cause), and `metadata.paths` names the offending fields.
 *
 * Error codes: `ingest.invalid-message`.
 *
 * @example
 * ```ts
 * import { decodeEnvelope } from "@pipe/app-ingest-worker";
 * console.log(decodeEnvelope("{").isErr); // true
 * ```
 */
export function decodeEnvelope(payload: string): Result<Envelope> {
  const r = Result.fromStandardSchema(standard, payload);
  if (r.isOk) return r;
  return Result.fail(
    PipeError.from(`Invalid message: ${r.error.message}`, INVALID_MESSAGE_CODE, {
      cause: r.error,
      metadata: { issues: r.error.metadata.issues, paths: r.error.metadata.paths },
    }),
  );
}

/** One row for the outbox. */
export interface OutboxEvent {
  /** Event type, e.g. `order.placed.ingested`. */
  readonly type: string;
  /** JSON-serialisable body. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * The domain events a message produces (adapt: your mapping from inbound message to outbound events).
 *
 * @example
 * ```ts
 * import { domainEvents } from "@pipe/app-ingest-worker";
 * // domainEvents(envelope) → [{ type: "order.placed.ingested", payload: {...} }]
 * ```
 */
export function domainEvents(envelope: Envelope): readonly OutboxEvent[] {
  return [
    {
      type: `${envelope.type}.ingested`,
      payload: {
        id: envelope.id,
        source: envelope.source,
        seq: envelope.seq,
        occurredAt: envelope.occurredAt,
        ...envelope.data,
      },
    },
  ];
}

/**
 * The compensating event that reverses {@link domainEvents} for a message (seed 001: "publish a compensating
 * event").
 *
 * @example
 * ```ts
 * import { compensatingEvent } from "@pipe/app-ingest-worker";
 * // compensatingEvent(envelope).type === "order.placed.ingested.compensated"
 * ```
 */
export function compensatingEvent(envelope: Envelope, reason: string): OutboxEvent {
  return {
    type: `${envelope.type}.ingested.compensated`,
    payload: { id: envelope.id, source: envelope.source, seq: envelope.seq, reason },
  };
}
