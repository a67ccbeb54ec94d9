import { Channel, type ChannelReader } from "@pipe/pipeline";
import { decodeStreamFields, encodeStreamFields, tenantIdProblem } from "@pipe/tenants";
import { createClient } from "redis";

/** A connected node-redis client speaking RESP2 (stream replies as plain arrays). */
export type RedisConnection = ReturnType<typeof createClient<{}, {}, {}, 2>>;

/**
 * Connects a RESP2 node-redis client. By default without reconnect loops (a dead server fails fast); with
 * `reconnect`, a lost connection is re-established in the background (back-off 50 ms doubling to 2 s) and
 * commands sent meanwhile fail at once instead of queueing without bound (no offline queue).
 */
export async function connectRedis(
  url: string,
  options: { reconnect?: boolean } = {},
): Promise<RedisConnection> {
  const reconnectStrategy =
    options.reconnect === true ? (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2_000) : false;
  const client = createClient({
    url,
    RESP: 2,
    disableOfflineQueue: options.reconnect === true,
    socket: { connectTimeout: 3000, reconnectStrategy },
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** One envelope of a tenant's stream, with the ownership token it was read under. */
export interface ClusterEnvelope {
  readonly tenantId: string;
  readonly messageId: string;
  readonly payload: unknown;
  /** The Redis stream entry id (the ingress position once its work commits). */
  readonly streamId: string;
  /** The fencing token of the ownership that read it. */
  readonly token: number;
  /**
   * Which of this runner's acquisitions read it (a local counter, see {@link TenantStreams.open}): a tenant
   * restarted under the same token is a new acquisition, so envelopes read before the restart are never
   * written after it.
   */
  readonly acquisition: number;
}

/** The stream key of a tenant, and the set of tenants seen, under a key prefix. */
export const streamKey = (prefix: string, tenantId: string): string => `${prefix}:t:${tenantId}`;
export const tenantsKey = (prefix: string): string => `${prefix}:tenants`;

interface Reading {
  readonly token: number;
  readonly acquisition: number;
  cursor: string;
  inflight: number;
}

/** Options of {@link TenantStreams}. */
export interface TenantStreamsOptions {
  readonly url: string;
  readonly prefix: string;
  /** Most envelopes of one tenant read but not finished (keep it <= the router's capacity). */
  readonly readAhead: number;
  /** Entries per stream per XREAD (default min(256, readAhead)). */
  readonly batch?: number | undefined;
  /** How long one XREAD blocks, in ms (default 100). */
  readonly blockMs?: number | undefined;
}

const decode = (tenantId: string, r: Reading, id: string, fields: readonly string[]): ClusterEnvelope => {
  const { messageId, payload } = decodeStreamFields(id, fields);
  return { tenantId, messageId, payload, streamId: id, token: r.token, acquisition: r.acquisition };
};

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * The runner's ingress: one Redis stream per tenant, read (XREAD, no consumer group) only for the tenants
 * this runner owns, from the position committed with the tenant's effects, into one channel for the router.
 *
 * Details: `open(tenant, token, position)` starts reading after `position`; `close(tenant)` stops. Each
 * tenant has at most `readAhead` envelopes in flight (`done` releases one), so a slow tenant's backlog stays
 * in Redis (durable) instead of filling its branch, and a fast tenant is never held up by it. Nothing is
 * acknowledged to Redis: the position committed in PostgreSQL is the consumer's offset, so a new owner
 * resumes exactly where committed work ends. `trim(tenant, position)` drops entries before a committed
 * position (XTRIM MINID). Entries read for an ownership that changed while the read was in flight are
 * discarded (the next owner reads them from its own position).
 *
 * @example
 * ```ts
 * import { TenantStreams } from "@pipe/app-tenant-cluster";
 * const streams = await TenantStreams.connect({ url: "redis://127.0.0.1:6379", prefix: "demo", readAhead: 64 });
 * streams.open("acme", 3, "0-0");
 * await streams.close();
 * ```
 */
export class TenantStreams {
  readonly #channel = Channel.createUnbounded<ClusterEnvelope>({ singleReader: true, singleWriter: true });
  readonly #reading = new Map<string, Reading>();
  readonly #stop = new AbortController();
  readonly #batch: number;
  readonly #block: string;
  #wake: (() => void) | undefined;
  #acquisitions = 0;
  #done: Promise<void> = Promise.resolve();
  /** Envelopes read, entries discarded after an ownership change, trims, and failed reads (retried). */
  readonly stats = { read: 0, discarded: 0, trims: 0, readErrors: 0 };

  private constructor(
    readonly options: TenantStreamsOptions,
    readonly commands: RedisConnection,
    readonly blocking: RedisConnection,
  ) {
    if (!Number.isInteger(options.readAhead) || options.readAhead < 1)
      throw new RangeError("readAhead must be an integer >= 1.");
    this.#batch = Math.max(1, Math.min(options.batch ?? 256, options.readAhead));
    this.#block = String(options.blockMs ?? 100);
  }

  /**
   * Connects two clients (commands, blocking reads) and starts the read loop. Both reconnect after a lost
   * connection; a read that fails is tried again after a pause, from the same cursors, so nothing is skipped.
   */
  static async connect(options: TenantStreamsOptions): Promise<TenantStreams> {
    const commands = await connectRedis(options.url, { reconnect: true });
    const blocking = commands.duplicate();
    blocking.on("error", () => undefined);
    await blocking.connect();
    const s = new TenantStreams(options, commands, blocking);
    s.#done = s.#pump();
    return s;
  }

  /** The channel the router reads. It completes on `close()`; a lost Redis connection only pauses it. */
  get reader(): ChannelReader<ClusterEnvelope> {
    return this.#channel.reader;
  }

  /**
   * Starts reading a tenant after `position` under ownership `token`; returns the acquisition number its
   * envelopes carry (unique per call, so a restart under the same token is told apart from the reads before it).
   */
  open(tenantId: string, token: number, position: string): number {
    const acquisition = ++this.#acquisitions;
    this.#reading.set(tenantId, { token, acquisition, cursor: position, inflight: 0 });
    this.#wake?.();
    return acquisition;
  }

  /** Stops reading a tenant (envelopes already handed over stay with the router). */
  stop(tenantId: string): void {
    this.#reading.delete(tenantId);
  }

  /** Releases one in-flight envelope of its tenant (processed, dead-lettered or abandoned). */
  done(envelope: ClusterEnvelope): void {
    const r = this.#reading.get(envelope.tenantId);
    if (r !== undefined && r.acquisition === envelope.acquisition && r.inflight > 0) {
      r.inflight--;
      if (r.inflight + this.#batch <= this.options.readAhead) this.#wake?.();
    }
  }

  /** Drops a tenant's entries before `position` (already committed). */
  async trim(tenantId: string, position: string): Promise<void> {
    await this.commands.sendCommand(["XTRIM", streamKey(this.options.prefix, tenantId), "MINID", position]);
    this.stats.trims++;
  }

  /**
   * Tenant ids seen on the ingress (the producer adds each to a set), without those `@pipe/tenants` refuses
   * (`tenantIdProblem`: blank, padded, invisible or bidi characters), so they never become shards.
   */
  async tenants(): Promise<readonly string[]> {
    const ids = (await this.commands.sendCommand(["SMEMBERS", tenantsKey(this.options.prefix)])) as string[];
    return ids.filter((id) => tenantIdProblem(id) === undefined);
  }

  async #idle(ms = 50): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
  }

  async #pump(): Promise<void> {
    const writer = this.#channel.writer;
    let failures = 0;
    try {
      while (!this.#stop.signal.aborted) {
        const ready: [string, Reading][] = [];
        for (const e of this.#reading)
          if (e[1].inflight + this.#batch <= this.options.readAhead) ready.push(e);
        if (ready.length === 0) {
          await this.#idle();
          continue;
        }
        const args = ["XREAD", "COUNT", String(this.#batch), "BLOCK", this.#block, "STREAMS"];
        for (const [t] of ready) args.push(streamKey(this.options.prefix, t));
        for (const [, r] of ready) args.push(r.cursor);
        let reply: XReadReply;
        try {
          reply = (await this.blocking.sendCommand(args)) as XReadReply;
          failures = 0;
        } catch {
          if (this.#stop.signal.aborted) break;
          this.stats.readErrors++;
          await this.#idle(Math.min(50 * 2 ** Math.min(failures++, 5), 1_000));
          continue;
        }
        if (reply === null) continue;
        const byKey = new Map(ready.map(([t, r]) => [streamKey(this.options.prefix, t), [t, r] as const]));
        for (const [key, entries] of reply) {
          const hit = byKey.get(key);
          if (hit === undefined) continue;
          const [tenantId, asked] = hit;
          const now = this.#reading.get(tenantId);
          if (now !== asked) {
            this.stats.discarded += entries.length;
            continue;
          }
          for (const [id, fields] of entries) {
            now.cursor = id;
            now.inflight++;
            this.stats.read++;
            writer.tryWrite(decode(tenantId, now, id, fields));
          }
        }
      }
      writer.tryComplete();
    } catch (e) {
      writer.tryComplete(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Stops reading, completes the channel, closes both connections. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await this.#done;
    await Promise.allSettled([this.commands.close(), this.blocking.close()]);
  }
}

/** Options of {@link produce}. */
export interface ProduceOptions {
  readonly url: string;
  readonly prefix: string;
  readonly envelopes: Iterable<{ tenantId: string; messageId: string; payload: unknown }>;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Appends envelopes to their tenants' streams (XADD `messageId`, `payload` as JSON) and records each tenant
 * in the tenants set (SADD), pipelined 500 at a time. Returns how many were appended.
 *
 * @example
 * ```ts
 * import { produce } from "@pipe/app-tenant-cluster";
 * await produce({ url: "redis://127.0.0.1:6379", prefix: "demo", envelopes: [{ tenantId: "acme", messageId: "m-1", payload: { n: 1 } }] });
 * ```
 */
export async function produce(options: ProduceOptions): Promise<number> {
  const redis = await connectRedis(options.url);
  const seen = new Set<string>();
  let total = 0;
  try {
    let pending: Promise<unknown>[] = [];
    for (const e of options.envelopes) {
      if (options.signal?.aborted === true) break;
      if (!seen.has(e.tenantId)) {
        seen.add(e.tenantId);
        await redis.sendCommand(["SADD", tenantsKey(options.prefix), e.tenantId]);
      }
      const fields = encodeStreamFields({ messageId: e.messageId, payload: e.payload });
      pending.push(redis.sendCommand(["XADD", streamKey(options.prefix, e.tenantId), "*", ...fields]));
      if (pending.length >= 500) {
        await Promise.all(pending);
        total += pending.length;
        pending = [];
      }
    }
    await Promise.all(pending);
    total += pending.length;
  } finally {
    await redis.close();
  }
  return total;
}
