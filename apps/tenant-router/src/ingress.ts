import type { ChannelReader } from "@pipe/pipeline";
import type { Envelope } from "./envelope.ts";

/** Counters every ingress keeps. */
export interface IngressStats {
  /** Envelopes handed to the router. */
  read: number;
  /** Envelopes acknowledged (processed, or dead-lettered and stored). */
  acked: number;
  /** Acknowledgements the server refused or that failed (the entry stays pending: redelivered later). */
  ackFailures: number;
}

/**
 * The shared ingress stream the router reads, plus acknowledgement.
 *
 * Details: `reader` is a `@pipe/channels` reader (the router requires one); it completes when the source ends
 * (a finite generator, or `stopWhenIdle`) or on `close()`. `ack` never blocks the caller: the Redis ingress
 * sends XACK in the background (node-redis pipelines them) and counts failures. `redelivers` says whether an
 * envelope that was read but never acknowledged comes back after a restart (Redis: yes, the pending-entries
 * list; memory: no), so the app knows whether shutdown leftovers must be stored as dead letters.
 */
export interface Ingress {
  readonly kind: "memory" | "redis";
  readonly reader: ChannelReader<Envelope>;
  readonly redelivers: boolean;
  readonly stats: IngressStats;
  ack(envelope: Envelope): void;
  /** Starts feeding the reader (called by the app when its run starts; a paced generator waits for it). */
  start?(): void;
  /** Stops reading, completes the reader, waits for pending acknowledgements, releases connections. */
  close(): Promise<void>;
}
