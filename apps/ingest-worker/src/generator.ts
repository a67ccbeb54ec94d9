import { MESSAGE_TYPES } from "./envelope.ts";

/** Options of {@link generatePayload}. */
export interface GenerateOptions {
  /** Makes every Nth message (by seq) invalid, to demonstrate validation failures (0 = never). */
  readonly invalidEvery?: number;
}

/**
 * The id (idempotency key) of message `seq` of `feed` in run `runId`.
 *
 * @example
 * ```ts
 * import { messageId } from "@pipe/app-ingest-worker";
 * console.log(messageId("orders", "r1", 7)); // "orders:r1:7"
 * ```
 */
export function messageId(feed: string, runId: string, seq: number): string {
  return `${feed}:${runId}:${seq}`;
}

/**
 * A deterministic demo payload (JSON text) for message `seq` of `feed`; the in-memory feed and the Redis
 * producer both use it, so a run is reproducible.
 *
 * Details: the type cycles through {@link MESSAGE_TYPES}; with `invalidEvery: N`, every Nth message has a
 * non-integer amount and no account, which the schema rejects.
 *
 * @example
 * ```ts
 * import { generatePayload } from "@pipe/app-ingest-worker";
 * console.log(JSON.parse(generatePayload("orders", "r1", 1)).id); // "orders:r1:1"
 * ```
 */
export function generatePayload(
  feed: string,
  runId: string,
  seq: number,
  options: GenerateOptions = {},
): string {
  const invalidEvery = options.invalidEvery ?? 0;
  const type = MESSAGE_TYPES[seq % MESSAGE_TYPES.length];
  if (invalidEvery > 0 && seq % invalidEvery === 0) {
    return JSON.stringify({
      id: messageId(feed, runId, seq),
      source: feed,
      seq,
      type,
      occurredAt: Date.now(),
      data: { amountCents: 12.5, currency: "EUR" },
    });
  }
  return JSON.stringify({
    id: messageId(feed, runId, seq),
    source: feed,
    seq,
    type,
    occurredAt: Date.now(),
    data: {
      account: `acct-${(seq * 7919) % 1000}`,
      amountCents: (seq * 104729) % 100_000,
      currency: seq % 5 === 0 ? "USD" : "EUR",
    },
  });
}
