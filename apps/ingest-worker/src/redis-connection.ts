import { createClient } from "redis";

/** A connected node-redis client speaking RESP2 (replies as plain arrays). */
export type RedisConnection = ReturnType<typeof createClient<{}, {}, {}, 2>>;

/**
 * Connects a RESP2 node-redis client (the worker parses stream replies as arrays).
 *
 * @example
 * ```ts
 * import { connectRedis } from "@pipe/app-ingest-worker";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * await redis.close();
 * ```
 */
export async function connectRedis(url: string): Promise<RedisConnection> {
  const client = createClient({ url, RESP: 2, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}
