/** Options of {@link createRedisFeed} (redis-feed.ts). */
export interface RedisFeedOptions {
  /** Redis URL. */
  readonly url: string;
  /** Feed name (for stats and message `feed`). */
  readonly name: string;
  /** Stream key. */
  readonly stream: string;
  /** Consumer group (created at the stream's start when missing). */
  readonly group: string;
  /** This worker's consumer name (stable across restarts to pick up its own pending entries at once). */
  readonly consumer: string;
  /** Entries per XREADGROUP / XAUTOCLAIM call (default 100). */
  readonly batch?: number;
  /** How long one XREADGROUP blocks, in ms (default 500). */
  readonly blockMs?: number;
  /** A pending entry idle this long is reclaimed by XAUTOCLAIM (default 30 000 ms). */
  readonly leaseTimeout?: number;
  /** Most leases held locally at once (default 256); keep it small enough to process within `leaseTimeout`. */
  readonly window?: number;
  /**
   * Where warnings go: one line per batch of pending entries found deleted from the stream (XDEL, a MAXLEN
   * trim) before they were handled, with their count and at most 10 ids (default: nowhere; `stats.vanished`
   * counts them either way).
   */
  readonly log?: (line: string) => void;
  /** Complete the reader once the stream has nothing new and the group nothing pending. */
  readonly exitWhenDrained?: boolean;
}
