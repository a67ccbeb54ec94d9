import type { ChannelReader } from "@pipe/pipeline";

/**
 * One delivery of one message from a lease-backed feed.
 *
 * Details: `leaseId` identifies this delivery (a redelivery gets a new one for in-memory feeds; for Redis it is
 * the stream entry id, whose pending-entries-list entry is the lease). `attempt` is 1 on first delivery.
 */
export interface RawMessage {
  /** The feed's name. */
  readonly feed: string;
  /** The broker's id for the message (stable across redeliveries). */
  readonly id: string;
  /** The lease this delivery holds. */
  readonly leaseId: string;
  /** 1 on first delivery, more on redeliveries. */
  readonly attempt: number;
  /** The raw body (JSON text). */
  readonly payload: string;
}

/** Counters one feed keeps (read by the progress view and the summary). */
export interface FeedStats {
  /** The feed's name. */
  readonly name: string;
  /** Deliveries handed to the worker (redeliveries included). */
  delivered: number;
  /** Leases completed (acknowledged). */
  completed: number;
  /** Leases released for redelivery (compensations). */
  released: number;
  /** Leases reclaimed after the lease timeout. */
  reclaimed: number;
  /**
   * Pending entries found deleted from the broker (XDEL, a MAXLEN trim) before they were handled: acknowledged
   * with nothing to process, their data lost. Non-zero means something removes entries the group still needs.
   */
  vanished: number;
  /** Messages not yet completed: still in the broker, buffered, or in flight. */
  lag: number;
}

/**
 * A lease-backed source of messages, as the worker sees it (seed 001: "a channel reader per transport, plus a
 * way to complete or release a lease").
 *
 * When to use: implement it to plug another transport (SQS, Kafka, a database queue) into the worker; see
 * `createMemoryFeed` and `createRedisFeed`.
 *
 * Details: `reader` yields deliveries; the worker completes a lease only after the message's effect is
 * committed, and releases it when a failure rolls the message back. A feed that ends (finite, or drained and
 * asked to exit) completes its reader; the fan-in then stops reading it.
 *
 * Gotchas: `complete` and `release` must be idempotent per lease (a stale lease is ignored, returning false).
 *
 * @example
 * ```ts
 * import { createMemoryFeed } from "@pipe/app-ingest-worker";
 * const feed = createMemoryFeed({ name: "orders", messages: 10 });
 * console.log(feed.stats.name); // "orders"
 * ```
 */
export interface Feed {
  /** The feed's name. */
  readonly name: string;
  /** Deliveries to drain. */
  readonly reader: ChannelReader<RawMessage>;
  /** Acknowledges a delivery: the message will not be delivered again. False when the lease was stale. */
  complete(message: RawMessage): Promise<boolean>;
  /** Gives a delivery back for redelivery (a compensation). False when the lease was stale. */
  release(message: RawMessage): Promise<boolean>;
  /** Counters. */
  readonly stats: FeedStats;
  /** Stops producing/reading and frees resources (completes the reader). */
  close(): Promise<void>;
}
