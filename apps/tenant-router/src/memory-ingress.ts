import { setTimeout as sleep } from "node:timers/promises";
import { Channel } from "@pipe/pipeline";
import type { Envelope } from "./envelope.ts";
import type { Ingress, IngressStats } from "./ingress.ts";

/** Options of {@link createMemoryIngress}. */
export interface MemoryIngressOptions {
  /** The envelopes to feed (a generator is fine; it is read lazily). */
  readonly envelopes: Iterable<Envelope>;
  /** Envelopes per second (0 or absent: as fast as the router takes them). */
  readonly ratePerSecond?: number | undefined;
  /** Buffer between the generator and the router (default 1,024). */
  readonly capacity?: number | undefined;
  /**
   * Called before envelope number `fed` (0-based) is fed; when it returns a promise, feeding waits for it to
   * settle or for `close()` (pacing resumes from there). The demo uses it to make its admin calls at fixed
   * points of the traffic.
   */
  readonly gate?: ((fed: number) => Promise<void> | undefined) | undefined;
}

/**
 * The embedded default ingress: feeds `envelopes` into a bounded channel (optionally paced), then completes it.
 *
 * Details: writes wait when the channel is full, so a `block` tenant's back-pressure reaches the generator.
 * Nothing is fed before `start()` (the app calls it when its run starts), so pacing begins with the run. Pacing writes in 10 ms slices. `ack` only counts. `close()` stops feeding and completes the reader.
 *
 * @example
 * ```ts
 * import { createMemoryIngress, generateEnvelopes } from "@pipe/app-tenant-router";
 * const ingress = createMemoryIngress({ envelopes: generateEnvelopes({ tenants: ["a"], count: 10, runId: "r" }) });
 * ```
 */
export function createMemoryIngress(options: MemoryIngressOptions): Ingress {
  const { reader, writer } = Channel.createBounded<Envelope>({
    capacity: options.capacity ?? 1_024,
    fullMode: "wait",
    singleReader: true,
    singleWriter: true,
  });
  const stats: IngressStats = { read: 0, acked: 0, ackFailures: 0 };
  const stop = new AbortController();
  const rate = options.ratePerSecond ?? 0;
  let go!: () => void;
  const started = new Promise<void>((resolve) => (go = resolve));
  // Settles when `close()` stops the feed, so a held gate cannot keep the pump (and `close()`) waiting.
  const closed = new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve()));
  const pump = async (): Promise<void> => {
    await started;
    let t0 = performance.now();
    for (const envelope of options.envelopes) {
      if (stop.signal.aborted) break;
      const held = options.gate?.(stats.read);
      if (held !== undefined) {
        const before = performance.now();
        await Promise.race([held.catch(() => undefined), closed]);
        t0 += performance.now() - before;
        if (stop.signal.aborted) break;
      }
      if (rate > 0 && stats.read % Math.max(1, Math.floor(rate / 100)) === 0) {
        const due = t0 + (stats.read / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait, undefined, { signal: stop.signal }).catch(() => undefined);
        if (stop.signal.aborted) break;
      }
      if (!writer.tryWrite(envelope)) {
        const written = await writer.write(envelope, { signal: stop.signal });
        if (written.isErr) break;
      }
      stats.read++;
    }
    writer.tryComplete();
  };
  const done = pump();
  return {
    kind: "memory",
    reader,
    redelivers: false,
    stats,
    ack() {
      stats.acked++;
    },
    start() {
      go();
    },
    async close() {
      stop.abort();
      go();
      writer.tryComplete();
      await done;
    },
  };
}
