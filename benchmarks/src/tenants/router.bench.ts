/**
 * Tenant router: N envelopes (default 1,000,000; `PIPE_BENCH_TENANTS_N` overrides) across 1,000 tenants
 * through a bounded ingress (capacity 4,096, fed by one producer), per sample.
 *
 * Variants:
 * - baseline: one consumer draining the ingress and running the fast handler inline (no routing, no tenants);
 * - `@pipe/tenants` router, `deadLetter`, every tenant fast;
 * - the same router with 4 slow tenants (each envelope awaits a real 1 ms timer; branch capacity 64, so they
 *   overflow to the dead-letter channel);
 * - (info) the router under `block` with the same 4 slow tenants: the ingress waits for them.
 *
 * Per envelope the latency from the producer's write to the fast handler is recorded; the p99 over the fast
 * tenants (ids 4..999) is printed per variant at teardown, and the run fails when the p99 with slow tenants
 * exceeds 1.5× the p99 without them (both under `deadLetter`). The heap is printed at setup and teardown.
 * Checksum: envelopes processed + dead-lettered (must equal N for every variant).
 *
 * @module
 */
import { Channel, type ChannelReader, NO_VALUE, ok, type Result } from "@pipe/pipeline";
import { type OverflowPolicy, TenantRouter } from "@pipe/tenants";
import { fullGc, heapUsed } from "../gc.ts";
import { benchmark } from "../harness.ts";

interface Envelope {
  readonly tenantId: string;
  readonly tenant: number;
  readonly at: number;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const N = Number(env.PIPE_BENCH_TENANTS_N ?? 1_000_000);
const TENANTS = 1_000;
const SLOW = 4;
const INGRESS_CAPACITY = 4_096;
const ids = Array.from({ length: TENANTS }, (_, i) => `tenant-${i}`);
const OK: Result<void> = ok();

// A full GC before each heap reading; it throws when the runtime was started without one (see gc.ts).
const collect = fullGc;

/** Latencies of fast-tenant envelopes of the current sample (ms), and the per-sample p99s per variant. */
const latencies = new Float64Array(N);
let latencyCount = 0;
const p99s = new Map<string, number[]>();
const heap = { start: 0, end: 0 };

function recordP99(variant: string): void {
  const sorted = latencies.subarray(0, latencyCount).sort();
  const p99 = sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
  const list = p99s.get(variant) ?? [];
  list.push(p99);
  p99s.set(variant, list);
  latencyCount = 0;
}

const fast = (e: Envelope): void => {
  if (e.tenant >= SLOW) latencies[latencyCount++] = performance.now() - e.at;
};

async function produce(): Promise<ChannelReader<Envelope>> {
  const { reader, writer } = Channel.createBounded<Envelope>(INGRESS_CAPACITY);
  void (async () => {
    for (let i = 0; i < N; i++) {
      const tenant = i % TENANTS;
      const e: Envelope = { tenantId: ids[tenant] as string, tenant, at: performance.now() };
      if (!writer.tryWrite(e)) await writer.write(e);
    }
    writer.complete();
  })();
  return reader;
}

async function singleConsumer(): Promise<number> {
  const reader = await produce();
  let processed = 0;
  for (;;) {
    const v = reader.tryRead();
    if (v === NO_VALUE) {
      const ready = await reader.waitToRead();
      if (ready.isErr || !ready.value) break;
      continue;
    }
    fast(v);
    processed++;
  }
  recordP99("single consumer");
  return processed;
}

const sleep1 = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

async function routed(name: string, overflow: OverflowPolicy, slow: boolean): Promise<number> {
  const ingress = await produce();
  const router = new TenantRouter<Envelope>(ingress, {
    tenants: ids,
    overflow,
    tenantOptions: (id) => (slow && Number(id.slice(7)) < SLOW ? { capacity: 64 } : undefined),
    process: (_ctx, _id, e) => {
      if (slow && e.tenant < SLOW) return sleep1().then(() => OK);
      fast(e);
      return OK;
    },
  });
  let lettered = 0;
  const letters = (async () => {
    for await (const _ of router.deadLetters) lettered++;
  })();
  const result = await router.run();
  await letters;
  recordP99(name);
  if (result.isErr) throw new Error(`router failed: ${result.error.message}`);
  return router.snapshot().totals.processed + lettered;
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export default benchmark({
  name: `tenants: ${N.toLocaleString("en-US")} envelopes across 1,000 tenants (4 slow)`,
  workload: `${N} envelopes from one producer through a bounded ingress (4,096) to 1,000 tenant workers`,
  baselineNote: "one consumer running the fast handler inline: the floor of any per-tenant routing",
  rounds: 9,
  warmup: 1,
  itemsPerSample: N,
  setup: () => {
    collect();
    heap.start = heapUsed();
  },
  teardown: () => {
    collect();
    heap.end = heapUsed();
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(`\n  heap: start ${mb(heap.start)}, end ${mb(heap.end)}`);
    // the first sample of each variant is the warm-up
    for (const list of p99s.values()) list.shift();
    for (const [variant, list] of p99s)
      console.log(
        `  fast-tenant p99 latency, ${variant}: ${median(list).toFixed(2)} ms (per sample: ${list.map((x) => x.toFixed(1)).join(", ")})`,
      );
    const without = median(p99s.get("router deadLetter") ?? []);
    const withSlow = median(p99s.get("router deadLetter + 4 slow") ?? []);
    const ratio = withSlow / without;
    console.log(`  p99 ratio (4 slow / none) under deadLetter: ${ratio.toFixed(2)} (bound 1.5)`);
    if (!(ratio <= 1.5))
      throw new Error(`fast-tenant p99 with slow tenants is ${ratio.toFixed(2)}× the p99 without`);
  },
  baseline: { name: "single consumer", run: singleConsumer },
  variants: [
    { name: "router deadLetter", run: () => routed("router deadLetter", "deadLetter", false) },
    {
      name: "router deadLetter + 4 slow",
      run: () => routed("router deadLetter + 4 slow", "deadLetter", true),
    },
    { name: "router block + 4 slow (info)", run: () => routed("router block + 4 slow", "block", true) },
  ],
});
