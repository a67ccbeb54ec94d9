import { setTimeout as sleep } from "node:timers/promises";
import { Channel } from "@pipe/pipeline";
import { decodeStreamFields, encodeStreamFields } from "@pipe/tenants";
import { createClient } from "redis";
import type { Envelope } from "./envelope.ts";
import type { Ingress, IngressStats } from "./ingress.ts";

/** A connected node-redis client speaking RESP2 (stream replies as plain arrays). */
export type RedisConnection = ReturnType<typeof createClient<{}, {}, {}, 2>>;

/** Connects a RESP2 node-redis client without reconnect loops (a dead server fails fast). */
export async function connectRedis(url: string): Promise<RedisConnection> {
  const client = createClient({ url, RESP: 2, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Options of {@link createRedisIngress}. */
export interface RedisIngressOptions {
  readonly url: string;
  /** Stream key (created with the group when missing). */
  readonly stream: string;
  /** Consumer group (created at the stream's start when missing). */
  readonly group: string;
  /** This router's consumer name: keep it stable so a restart picks up its own pending entries first. */
  readonly consumer: string;
  /** Entries per XREADGROUP (default 256). */
  readonly batch?: number | undefined;
  /** How long one XREADGROUP blocks, in ms (default 200). */
  readonly blockMs?: number | undefined;
  /** Buffer between Redis and the router (default 1,024). */
  readonly capacity?: number | undefined;
  /** Completes the reader once a read finds nothing new and this returns true (demo, tests, batch jobs). */
  readonly stopWhenIdle?: (() => boolean) | undefined;
}

type Entry = [id: string, fields: string[]] | null;

/** Decodes stream fields `tenantId`, `messageId`, `payload` (JSON; kept as a string when it is not JSON). */
function decode(id: string, fields: readonly string[]): Envelope {
  const { tenantId, messageId, payload } = decodeStreamFields(id, fields);
  return { tenantId: tenantId ?? "", messageId, payload, ackId: id };
}

/**
 * The Redis ingress: one stream read through a consumer group (XREADGROUP), acknowledged (XACK) only after the
 * envelope was processed or dead-lettered and stored.
 *
 * Details: on start, the consumer's own pending entries (read before a crash or a shutdown, never acknowledged)
 * are delivered again, then new ones (`>`). A full buffer stops reading (back-pressure). Blocking reads use
 * their own connection. Entries that vanished from the stream while pending are acknowledged and skipped.
 *
 * Gotchas: entries pending for a consumer that never comes back are not reclaimed here (XAUTOCLAIM would be
 * the next step for a multi-instance deployment; see the README).
 *
 * @example
 * ```ts
 * import { createRedisIngress } from "@pipe/app-tenant-router";
 * const ingress = await createRedisIngress({ url: "redis://127.0.0.1:6379", stream: "s", group: "g", consumer: "c" });
 * await ingress.close();
 * ```
 */
export async function createRedisIngress(options: RedisIngressOptions): Promise<Ingress> {
  const commands = await connectRedis(options.url);
  const blocking = commands.duplicate();
  blocking.on("error", () => undefined);
  try {
    await blocking.connect();
    await commands.sendCommand(["XGROUP", "CREATE", options.stream, options.group, "0", "MKSTREAM"]);
  } catch (e) {
    if (!String((e as Error).message).includes("BUSYGROUP")) {
      await Promise.allSettled([commands.close(), blocking.isOpen ? blocking.close() : undefined]);
      throw e;
    }
  }
  const { stream, group, consumer } = options;
  const batch = String(options.batch ?? 256);
  const block = String(options.blockMs ?? 200);
  const { reader, writer } = Channel.createBounded<Envelope>({
    capacity: options.capacity ?? 1_024,
    fullMode: "wait",
    singleReader: true,
    singleWriter: true,
  });
  const stats: IngressStats = { read: 0, acked: 0, ackFailures: 0 };
  const stop = new AbortController();
  const acks = new Set<Promise<void>>();

  const ackId = (id: string): void => {
    const p: Promise<void> = commands.sendCommand(["XACK", stream, group, id]).then(
      (n) => {
        if (Number(n) > 0) stats.acked++;
        acks.delete(p);
      },
      () => {
        stats.ackFailures++;
        acks.delete(p);
      },
    );
    acks.add(p);
  };

  const deliver = async (entries: readonly Entry[] | undefined): Promise<string> => {
    let last = "";
    for (const e of entries ?? []) {
      if (stop.signal.aborted) break;
      if (e === null) continue;
      last = e[0];
      if (!Array.isArray(e[1]) || e[1].length === 0) {
        ackId(e[0]); // deleted from the stream while pending: nothing to process
        continue;
      }
      const envelope = decode(e[0], e[1]);
      if (!writer.tryWrite(envelope)) {
        const written = await writer.write(envelope, { signal: stop.signal });
        if (written.isErr) break;
      }
      stats.read++;
    }
    return last;
  };

  const read = async (id: string, blockMs: string | undefined): Promise<readonly Entry[] | undefined> => {
    const args = ["XREADGROUP", "GROUP", group, consumer, "COUNT", batch];
    if (blockMs !== undefined) args.push("BLOCK", blockMs);
    args.push("STREAMS", stream, id);
    const reply = (await blocking.sendCommand(args)) as [string, Entry[]][] | null;
    return reply?.[0]?.[1];
  };

  const pump = async (): Promise<void> => {
    try {
      // 1. Our own pending entries (a previous run read them and never acknowledged them).
      for (let cursor = "0"; !stop.signal.aborted; ) {
        const entries = await read(cursor, undefined);
        if (entries === undefined || entries.length === 0) break;
        const last = await deliver(entries);
        if (last === "") break;
        cursor = last;
      }
      // 2. New entries.
      while (!stop.signal.aborted) {
        const entries = await read(">", block);
        if (stop.signal.aborted) break;
        if ((entries?.length ?? 0) === 0) {
          if (options.stopWhenIdle?.() === true) break;
          continue;
        }
        await deliver(entries);
      }
      writer.tryComplete();
    } catch (e) {
      // The connection failed: completing with the error makes the router's run fail with it (stage ingress).
      writer.tryComplete(e instanceof Error ? e : new Error(String(e)));
    }
  };
  const done = pump();

  return {
    kind: "redis",
    reader,
    redelivers: true,
    stats,
    ack(envelope) {
      if (envelope.ackId !== undefined) ackId(envelope.ackId);
    },
    async close() {
      stop.abort();
      await done;
      writer.tryComplete();
      while (acks.size > 0) await Promise.allSettled([...acks]);
      await Promise.allSettled([commands.close(), blocking.close()]);
    },
  };
}

/** Options of {@link produceToRedis}. */
export interface ProduceOptions {
  readonly url: string;
  readonly stream: string;
  readonly envelopes: Iterable<Envelope>;
  /** Envelopes per second (0 or absent: as fast as Redis takes them, 500 per pipelined batch). */
  readonly ratePerSecond?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Called before envelope number `fed` (0-based) is produced; when it returns a promise, producing waits for
   * it (after flushing what is pending) and pacing resumes from there.
   */
  readonly gate?: ((fed: number) => Promise<void> | undefined) | undefined;
}

/**
 * Appends envelopes to a stream (XADD with fields `tenantId`, `messageId`, `payload`), for the demo and tests.
 *
 * @example
 * ```ts
 * import { generateEnvelopes, produceToRedis } from "@pipe/app-tenant-router";
 * await produceToRedis({ url: "redis://127.0.0.1:6379", stream: "s", envelopes: generateEnvelopes({ tenants: ["a"], count: 5, runId: "r" }) });
 * ```
 */
export async function produceToRedis(options: ProduceOptions): Promise<number> {
  const redis = await connectRedis(options.url);
  const rate = options.ratePerSecond ?? 0;
  const chunk = rate > 0 ? Math.max(1, Math.floor(rate / 100)) : 500;
  const aborted = (): boolean => options.signal?.aborted === true;
  let started = performance.now();
  let total = 0;
  try {
    let pending: Promise<unknown>[] = [];
    for (const e of options.envelopes) {
      if (aborted()) break;
      const held = options.gate?.(total + pending.length);
      if (held !== undefined) {
        await Promise.all(pending);
        total += pending.length;
        pending = [];
        const before = performance.now();
        await held.catch(() => undefined);
        started += performance.now() - before;
        if (aborted()) break;
      }
      pending.push(redis.sendCommand(["XADD", options.stream, "*", ...encodeStreamFields(e)]));
      if (pending.length >= chunk) {
        await Promise.all(pending);
        total += pending.length;
        pending = [];
        if (rate > 0) {
          const wait = started + (total / rate) * 1000 - performance.now();
          if (wait > 1) await sleep(wait);
        }
      }
    }
    await Promise.all(pending);
    total += pending.length;
  } finally {
    await redis.close();
  }
  return total;
}
