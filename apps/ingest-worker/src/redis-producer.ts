import { generatePayload } from "./generator.ts";
import { connectRedis } from "./redis-connection.ts";

/** Options of {@link produceToRedis}. */
export interface ProduceOptions {
  /** Redis URL. */
  readonly url: string;
  /** Feed names; each gets stream `<prefix>:<feed>`. */
  readonly feeds: readonly string[];
  /** Stream key prefix. */
  readonly prefix: string;
  /** Messages per feed. */
  readonly messages: number;
  /** Part of every message id. */
  readonly runId: string;
  /** Every Nth message is invalid (0 = none). */
  readonly invalidEvery?: number;
}

/**
 * Appends `messages` demo messages to each feed's stream (XADD, pipelined), for demos and tests.
 *
 * Details: the payloads are those of the in-memory feed (`generatePayload`), ids `<feed>:<runId>:<seq>`.
 *
 * @example
 * ```ts
 * import { produceToRedis } from "@pipe/app-ingest-worker";
 * await produceToRedis({ url: "redis://127.0.0.1:6379", feeds: ["orders"], prefix: "demo", messages: 10, runId: "r1" });
 * ```
 */
export async function produceToRedis(options: ProduceOptions): Promise<number> {
  const redis = await connectRedis(options.url);
  let total = 0;
  try {
    for (const feed of options.feeds) {
      const stream = `${options.prefix}:${feed}`;
      for (let from = 1; from <= options.messages; from += 500) {
        const to = Math.min(options.messages, from + 499);
        const pending: Promise<unknown>[] = [];
        for (let seq = from; seq <= to; seq++) {
          const payload = generatePayload(feed, options.runId, seq, {
            invalidEvery: options.invalidEvery ?? 0,
          });
          pending.push(redis.sendCommand(["XADD", stream, "*", "payload", payload]));
        }
        await Promise.all(pending);
        total += pending.length;
      }
    }
  } finally {
    await redis.close();
  }
  return total;
}
