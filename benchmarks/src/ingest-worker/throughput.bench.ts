/**
 * Ingest-worker throughput on the embedded default: 3 in-memory feeds × 1,000 messages through
 * `runWorker` (fanIn, concurrency 8, retain "message"), each message decoded with Effect Schema and committed
 * to PGlite in memory (idempotency key + outbox event in one statement) before its lease completes, per sample.
 *
 * Baseline: the same worker with compensation tracking off (`trackCompensations: false`: no child context, no
 * registrations). The variant with compensations on (seed 001: a child step context per message with three
 * stateful registrations, dropped on success) is guarded against it, so the ratio is the per-message cost of
 * compensation tracking. A hand-written drain loop (8 async workers reading the channels, decode, record,
 * complete; no @pipe orchestration) is shown as a peer. Checksum: messages committed (3,000).
 *
 * Needs `@pipe/app-ingest-worker` built (`dist/`) and listed in benchmarks/package.json.
 *
 * @module
 */
import type * as IngestWorker from "@pipe/app-ingest-worker";
import { NO_VALUE } from "@pipe/pipeline";
import { benchmark } from "../harness.ts";

const FEEDS = ["orders", "payments", "stock"];
const PER_FEED = 1000;
const TOTAL = FEEDS.length * PER_FEED;

let app: typeof IngestWorker;
let store: IngestWorker.IngestStore;
let run = 0;

const feeds = (): IngestWorker.Feed[] => {
  run++;
  return FEEDS.map((name) => app.createMemoryFeed({ name, messages: PER_FEED, runId: `bench${run}` }));
};

async function worker(trackCompensations: boolean): Promise<number> {
  const r = await app.runWorker({
    feeds: feeds(),
    store,
    concurrency: 8,
    retain: "message",
    trackCompensations,
  });
  if (r.status !== "drained") throw new Error(`worker ${r.status}`);
  return r.stats.processed;
}

async function handWritten(): Promise<number> {
  const list = feeds();
  const byName = new Map(list.map((f) => [f.name, f] as const));
  let processed = 0;
  let live = list.map((f) => f.reader);
  let rr = 0;
  const take = async (): Promise<IngestWorker.RawMessage | undefined> => {
    for (;;) {
      for (let k = 0; k < live.length; k++) {
        const reader = live[(rr + k) % live.length];
        const v = reader?.tryRead();
        if (v !== undefined && v !== NO_VALUE) {
          rr = (rr + k + 1) % live.length;
          return v;
        }
      }
      if (live.length === 0) return undefined;
      const waits = await Promise.all(
        live.map(async (r) => ({ r, ok: (await r.waitToRead()).valueOr(false) })),
      );
      live = waits.filter((w) => w.ok).map((w) => w.r);
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let m = await take(); m !== undefined; m = await take()) {
        const decoded = app.decodeEnvelope(m.payload);
        if (decoded.isErr) throw new Error(decoded.error.message);
        if ((await store.record(decoded.value, app.domainEvents(decoded.value))) === "recorded") processed++;
        await byName.get(m.feed)?.complete(m);
      }
    }),
  );
  return processed;
}

export default benchmark({
  name: "ingest-worker: throughput, compensations on vs off (PGlite)",
  workload: `3 in-memory feeds × ${PER_FEED} messages, decode + key/outbox commit in PGlite + lease complete, concurrency 8`,
  baselineNote:
    "Same worker with compensation tracking off; the ratio is the cost of seed 001's per-message compensations.",
  rounds: 9,
  warmup: 1,
  itemsPerSample: TOTAL,
  runtimes: ["node"],
  setup: async () => {
    app = await import("@pipe/app-ingest-worker");
    store = await app.openStore({ dataDir: "memory://", schema: "bench" });
  },
  teardown: async () => {
    await store.close();
  },
  baseline: { name: "compensations off", run: () => worker(false) },
  variants: [
    { name: "compensations on (seed 001)", bound: 1.3, run: () => worker(true) },
    { name: "hand-written drain loop (peer)", run: handWritten },
  ],
});
