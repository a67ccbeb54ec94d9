import { Channel, type ChannelWriter } from "@pipe/pipeline";
import type { Feed, FeedStats, RawMessage } from "./feed.ts";
import { generatePayload, messageId } from "./generator.ts";
import { emptyFeedStats } from "./internal/feed-stats.ts";

/** Options of {@link createMemoryFeed}. */
export interface MemoryFeedOptions {
  /** Feed name (also the message source). */
  readonly name: string;
  /** Messages to generate; 0 = endless. */
  readonly messages: number;
  /** Part of every message id, so separate runs ingest distinct messages (default: a random id). */
  readonly runId?: string;
  /** Messages per second to generate (0 or absent = as fast as they are consumed). */
  readonly rate?: number;
  /** Most leases outstanding (generated but not completed) at once (default 1024): the feed's backpressure. */
  readonly window?: number;
  /** A lease not completed or released within this many ms is redelivered (default 30 000). */
  readonly leaseTimeout?: number;
  /** Every Nth message is invalid (0 = none). */
  readonly invalidEvery?: number;
}

interface Lease {
  readonly message: RawMessage;
  readonly seq: number;
  readonly since: number;
}

class MemoryFeed implements Feed {
  readonly name: string;
  readonly stats: FeedStats;
  readonly reader: Feed["reader"];
  readonly #writer: ChannelWriter<RawMessage>;
  readonly #leases = new Map<string, Lease>();
  readonly #options: MemoryFeedOptions;
  readonly #runId: string;
  #generated = 0;
  #settled = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryFeedOptions) {
    if (!Number.isInteger(options.messages) || options.messages < 0) {
      throw new RangeError("createMemoryFeed: messages must be an integer >= 0.");
    }
    this.name = options.name;
    this.#options = options;
    this.#runId = options.runId ?? crypto.randomUUID().slice(0, 8);
    const { reader, writer } = Channel.createUnbounded<RawMessage>();
    this.reader = reader;
    this.#writer = writer;
    this.stats = emptyFeedStats(options.name);
    const leaseTimeout = options.leaseTimeout ?? 30_000;
    this.#sweeper = setInterval(() => this.#sweep(leaseTimeout), Math.max(50, leaseTimeout / 2));
    this.#sweeper.unref?.();
    void this.#pump();
  }

  #updateLag(): void {
    const total = this.#options.messages;
    this.stats.lag = total === 0 ? this.#generated - this.#settled : total - this.#settled;
  }

  #deliver(seq: number, attempt: number, payload: string): void {
    const id = messageId(this.name, this.#runId, seq);
    const message: RawMessage = { feed: this.name, id, leaseId: `${id}#${attempt}`, attempt, payload };
    this.#leases.set(message.leaseId, { message, seq, since: Date.now() });
    this.stats.delivered++;
    this.#writer.tryWrite(message);
  }

  async #pump(): Promise<void> {
    const total = this.#options.messages;
    const window = this.#options.window ?? 1024;
    const rate = this.#options.rate ?? 0;
    const generate = { invalidEvery: this.#options.invalidEvery ?? 0 };
    const started = Date.now();
    while (!this.#closed && (total === 0 || this.#generated < total)) {
      if (this.#generated - this.#settled >= window) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if (rate > 0) {
        const due = Math.floor(((Date.now() - started) / 1000) * rate) + 1;
        if (this.#generated >= due) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, 1000 / rate)));
          continue;
        }
      }
      const seq = ++this.#generated;
      this.#deliver(seq, 1, generatePayload(this.name, this.#runId, seq, generate));
      this.#updateLag();
      // Yield now and then so a fast generator does not starve the consumers.
      if (seq % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #settle(): void {
    this.#settled++;
    this.#updateLag();
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
    if (this.#options.messages > 0 && this.#settled >= this.#options.messages) this.#writer.tryComplete();
  }

  #redeliver(lease: Lease): void {
    this.#deliver(lease.seq, lease.message.attempt + 1, lease.message.payload);
  }

  #sweep(leaseTimeout: number): void {
    const now = Date.now();
    for (const [id, lease] of this.#leases) {
      if (now - lease.since < leaseTimeout) continue;
      this.#leases.delete(id);
      this.stats.reclaimed++;
      this.#redeliver(lease);
    }
  }

  complete(message: RawMessage): Promise<boolean> {
    if (!this.#leases.delete(message.leaseId)) return Promise.resolve(false);
    this.stats.completed++;
    this.#settle();
    return Promise.resolve(true);
  }

  release(message: RawMessage): Promise<boolean> {
    const lease = this.#leases.get(message.leaseId);
    if (lease === undefined) return Promise.resolve(false);
    this.#leases.delete(message.leaseId);
    this.stats.released++;
    if (!this.#closed) this.#redeliver(lease);
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
    this.#writer.tryComplete();
    return Promise.resolve();
  }
}

/**
 * An in-memory, lease-backed feed that generates deterministic demo messages (the default transport: no
 * server needed).
 *
 * When to use: local runs, tests, benchmarks; or as the model for your own `Feed` implementation.
 *
 * Details: each delivery holds a lease until `complete` (the message is done) or `release` (it is delivered
 * again with `attempt + 1`). A lease older than `leaseTimeout` is redelivered by a sweeper (the lease starts
 * when the message is buffered). A finite feed completes its reader once every message is completed; an
 * endless one (`messages: 0`) runs until `close()`. At most `window` leases are outstanding.
 *
 * Gotchas: `rate` paces generation with timers; leave it unset for throughput runs.
 *
 * @example
 * ```ts
 * import { createMemoryFeed } from "@pipe/app-ingest-worker";
 * const feed = createMemoryFeed({ name: "orders", messages: 3, runId: "demo" });
 * const m = feed.reader.tryRead();
 * ```
 */
export function createMemoryFeed(options: MemoryFeedOptions): Feed {
  return new MemoryFeed(options);
}
