import { Channel, type ChannelWriter } from "@pipe/pipeline";
import type { Feed, FeedStats, RawMessage } from "./feed.ts";
import { emptyFeedStats } from "./internal/feed-stats.ts";
import {
  groupLag,
  payloadOf,
  releaseEntry,
  type StreamEntry,
  vanishedEntriesLine,
} from "./internal/stream-entries.ts";
import { connectRedis, type RedisConnection } from "./redis-connection.ts";
import type { RedisFeedOptions } from "./redis-feed-options.ts";

class RedisFeed implements Feed {
  readonly name: string;
  readonly stats: FeedStats;
  readonly reader: Feed["reader"];
  readonly #writer: ChannelWriter<RawMessage>;
  /** Entries held by this worker: id → attempt. */
  readonly #held = new Map<string, number>();
  readonly #o: Required<Omit<RedisFeedOptions, "exitWhenDrained" | "log">> & { exitWhenDrained: boolean };
  readonly #log: ((line: string) => void) | undefined;
  #closed = false;
  #reclaimSoon = false;
  #wake: (() => void) | undefined;
  #cursor = "0-0";
  #done: Promise<void> = Promise.resolve();

  constructor(
    readonly commands: RedisConnection,
    readonly blocking: RedisConnection,
    options: RedisFeedOptions,
  ) {
    this.name = options.name;
    this.#o = {
      batch: 100,
      blockMs: 500,
      leaseTimeout: 30_000,
      window: 256,
      ...options,
      exitWhenDrained: options.exitWhenDrained ?? false,
    };
    this.#log = options.log;
    const { reader, writer } = Channel.createUnbounded<RawMessage>();
    this.reader = reader;
    this.#writer = writer;
    this.stats = emptyFeedStats(options.name);
  }

  start(): void {
    this.#done = this.#pump().catch((e: unknown) => {
      // A lost connection ends the feed with the error: the fan-in fails with it and the worker stops.
      this.#writer.tryComplete(e);
    });
  }

  #deliver(id: string, fields: readonly string[], attempt: number, reclaimed: boolean): void {
    this.#held.set(id, attempt);
    if (reclaimed) this.stats.reclaimed++;
    this.stats.delivered++;
    this.#writer.tryWrite({ feed: this.name, id, leaseId: id, attempt, payload: payloadOf(fields) });
  }

  /**
   * Delivers entries read again (this consumer's history after a restart, or XAUTOCLAIM's) with the attempt
   * Redis counted: XPENDING's delivery count, which both reads increment (and `release`'s XCLAIM JUSTID does
   * not), so a restart does not reset it. Entries this worker holds are skipped (XAUTOCLAIM only refreshed
   * their idle time); so are entries no longer pending once asked (acknowledged elsewhere meanwhile). An
   * entry deleted from the stream while pending (its fields are nil, or XAUTOCLAIM lists it in `deleted`,
   * having dropped it from the pending list itself) is acknowledged, counted and logged, unless this worker
   * holds it (its payload was read: nothing is lost).
   */
  async #redeliver(entries: readonly StreamEntry[], deleted: readonly string[] = []): Promise<number> {
    // Filter before any await: a lease completed meanwhile must still count as held here (see `complete`).
    const fresh: [string, string[]][] = [];
    const vanished = deleted.filter((id) => !this.#held.has(id));
    for (const e of entries) {
      if (e === null || this.#held.has(e[0])) continue;
      // Deleted from the stream while pending (XDEL, a MAXLEN trim): no payload is left to handle.
      if (Array.isArray(e[1])) fresh.push(e);
      else {
        await this.commands.sendCommand(["XACK", this.#o.stream, this.#o.group, e[0]]);
        vanished.push(e[0]);
      }
    }
    if (vanished.length > 0) this.#vanished(vanished);
    if (fresh.length === 0) return 0;
    const counts = await Promise.all(
      fresh.map(
        ([id]) =>
          this.commands.sendCommand(["XPENDING", this.#o.stream, this.#o.group, id, id, "1"]) as Promise<
            [string, string, number, number][]
          >,
      ),
    );
    let n = 0;
    for (let i = 0; i < fresh.length; i++) {
      const [id, fields] = fresh[i] as [string, string[]];
      const deliveries = counts[i]?.[0]?.[3];
      if (deliveries === undefined || this.#held.has(id)) continue;
      this.#deliver(id, fields, Math.max(1, Number(deliveries)), true);
      n++;
    }
    return n;
  }

  async #readOwnPending(): Promise<void> {
    // Entries this consumer name held before a restart: redeliver them at once.
    let from = "0-0";
    for (;;) {
      const reply = (await this.commands.sendCommand([
        "XREADGROUP",
        "GROUP",
        this.#o.group,
        this.#o.consumer,
        "COUNT",
        String(this.#o.batch),
        "STREAMS",
        this.#o.stream,
        from,
      ])) as [string, StreamEntry[]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      for (const e of entries) if (e !== null) from = e[0];
      await this.#redeliver(entries);
    }
  }

  async #reclaim(): Promise<number> {
    const reply = (await this.commands.sendCommand([
      "XAUTOCLAIM",
      this.#o.stream,
      this.#o.group,
      this.#o.consumer,
      String(this.#o.leaseTimeout),
      this.#cursor,
      "COUNT",
      String(this.#o.batch),
    ])) as [string, StreamEntry[], string[] | undefined];
    this.#cursor = reply[0];
    // Redis 7 lists pending entries deleted from the stream third (and drops them from the pending list).
    return this.#redeliver(reply[1], reply[2] ?? []);
  }

  async #refreshLag(): Promise<number> {
    const groups = (await this.commands.sendCommand(["XINFO", "GROUPS", this.#o.stream])) as unknown[][];
    const found = groupLag(groups, this.#o.group);
    if (found === undefined) return 0;
    this.stats.lag = found.lag;
    return found.pending;
  }

  async #pump(): Promise<void> {
    const o = this.#o;
    try {
      await this.commands.sendCommand(["XGROUP", "CREATE", o.stream, o.group, "0", "MKSTREAM"]);
    } catch (e) {
      if (!String((e as Error).message).includes("BUSYGROUP")) throw e;
    }
    await this.#readOwnPending();
    let lastReclaim = 0;
    let lastLag = 0;
    while (!this.#closed) {
      if (this.#held.size >= o.window) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      let got = 0;
      const now = Date.now();
      if (this.#reclaimSoon || now - lastReclaim >= Math.max(100, o.leaseTimeout / 2)) {
        this.#reclaimSoon = false;
        lastReclaim = now;
        got += await this.#reclaim();
      }
      // COUNT must stay positive: Redis reads a zero or negative COUNT as "no limit".
      const room = Math.min(o.batch, o.window - this.#held.size);
      if (room <= 0) continue;
      const reply = (await this.blocking.sendCommand([
        "XREADGROUP",
        "GROUP",
        o.group,
        o.consumer,
        "COUNT",
        String(room),
        "BLOCK",
        String(got > 0 ? 1 : o.blockMs),
        "STREAMS",
        o.stream,
        ">",
      ])) as [string, StreamEntry[]][] | null;
      if (this.#closed) return;
      const entries = reply?.[0]?.[1] ?? [];
      for (const e of entries) if (e !== null) this.#deliver(e[0], e[1], 1, false);
      got += entries.length;
      if (got === 0 || Date.now() - lastLag >= 1000) {
        lastLag = Date.now();
        const pending = await this.#refreshLag();
        if (got === 0 && o.exitWhenDrained && pending === 0 && this.#held.size === 0) {
          this.#writer.tryComplete();
          return;
        }
      }
    }
  }

  #vanished(ids: readonly string[]): void {
    this.stats.vanished += ids.length;
    this.#log?.(vanishedEntriesLine(this.name, ids));
  }

  #wakeUp(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  async complete(message: RawMessage): Promise<boolean> {
    const acked = (await this.commands.sendCommand([
      "XACK",
      this.#o.stream,
      this.#o.group,
      message.leaseId,
    ])) as number;
    // Forget the lease only once XACK answered: an XAUTOCLAIM sent before it (same connection, in order) may
    // still return the entry, and must see it as held here rather than deliver it again.
    const held = this.#held.delete(message.leaseId);
    this.#wakeUp();
    if (acked > 0) this.stats.completed++;
    if (this.stats.lag > 0) this.stats.lag--;
    return held && acked > 0;
  }

  async release(message: RawMessage): Promise<boolean> {
    if (!this.#held.delete(message.leaseId)) return false;
    const outcome = await releaseEntry(this.commands, this.#o, message.leaseId);
    this.stats.released++;
    this.#reclaimSoon = true;
    this.#wakeUp();
    if (outcome === "deleted") this.#vanished([message.leaseId]);
    return outcome === "claimable";
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeUp();
    this.#writer.tryComplete();
    // The blocking XREADGROUP returns within blockMs; then the pump sees #closed.
    await this.#done;
  }
}

/**
 * A Redis Streams feed read through a consumer group: the pending-entries list (PEL) is the lease.
 *
 * When to use: `REDIS_URL` is set (the CLI builds one per feed name, stream `<prefix>:<feed>`).
 *
 * Details: XREADGROUP `>` delivers new entries (attempt 1); on start the consumer's own pending entries are
 * delivered again (after a restart with the same consumer name); XAUTOCLAIM reclaims entries idle longer than
 * `leaseTimeout` from any consumer (a crashed worker's). A redelivery's `attempt` is the delivery count Redis
 * keeps in the pending-entries list (XPENDING), so restarts and other workers do not reset it. `complete` is XACK (only after the effect is
 * committed); `release` (a compensation) resets the entry's idle time to `leaseTimeout` with XCLAIM so the
 * next XAUTOCLAIM pass (here or on another worker) redelivers it at once. Blocking reads use their own
 * connection. A connection failure completes the reader with the error (the fan-in fails with it).
 *
 * Gotchas: XAUTOCLAIM of an entry this worker still holds only refreshes its idle time (no second local
 * delivery); keep `leaseTimeout` well above the slowest message. With `exitWhenDrained`, the reader completes
 * once nothing is new and nothing is pending for the group.
 *
 * @example
 * ```ts
 * import { connectRedis, createRedisFeed } from "@pipe/app-ingest-worker";
 * const feed = await createRedisFeed({ url: "redis://127.0.0.1:6379", name: "orders", stream: "ingest:orders", group: "ingest", consumer: "w1" });
 * await feed.close();
 * ```
 */
export async function createRedisFeed(options: RedisFeedOptions): Promise<Feed> {
  const commands = await connectRedis(options.url);
  const blocking = commands.duplicate();
  blocking.on("error", () => undefined);
  await blocking.connect();
  const feed = new RedisFeed(commands, blocking, options);
  const close = feed.close.bind(feed);
  feed.close = async () => {
    await close();
    await Promise.allSettled([commands.close(), blocking.close()]);
  };
  feed.start();
  return feed;
}
