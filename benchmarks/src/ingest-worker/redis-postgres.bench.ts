/**
 * Ingest-worker throughput on Redis + PostgreSQL: 3 Redis Streams feeds × 1,000 messages through `runWorker`
 * (fanIn, concurrency 8, retain "message"), read with XREADGROUP through a consumer group, each message decoded
 * with Effect Schema and committed to PostgreSQL (idempotency key + outbox event in one statement) before its
 * lease is acknowledged with XACK, per sample.
 *
 * Baseline: the same worker with compensation tracking off (`trackCompensations: false`). The variant with
 * compensations on (seed 001: a child step context per message with three stateful registrations, dropped on
 * success) is guarded against it, so the ratio is the per-message cost of compensation tracking when every
 * message also pays two network round trips. Checksum: messages processed (3,000).
 *
 * Isolation: every sample (warm-up included) gets its own streams `<name>:<feed>` and its own schema `<name>`.
 * The streams are filled and the schemas created in `setup` (not timed); a sample opens its store
 * (a pool of concurrency + 2 connections, as the CLI does) and its three feeds, drains them and closes the
 * store, all timed, the same for both variants. A feed's reader ends when its last message is acknowledged
 * rather than through `exitWhenDrained`, whose empty blocking read would put every sample on Redis's 100 ms
 * timeout tick (see `endWhenAcknowledged`). `teardown` deletes every stream and drops every schema.
 *
 * Runs only when `REDIS_URL` and `DATABASE_URL` are set and both servers answer; otherwise the file prints
 * why on one line and exports no benchmark. Needs `@pipe/app-ingest-worker` built (`dist/`).
 *
 * @module
 */
import type * as IngestWorker from "@pipe/app-ingest-worker";
import { type Benchmark, benchmark } from "../harness.ts";

const FEEDS = ["orders", "payments", "stock"];
const PER_FEED = 1000;
const TOTAL = FEEDS.length * PER_FEED;
const CONCURRENCY = 8;
const ROUNDS = 9;
const WARMUP = 1;
/** Runs taken by a full run (2 variants × (warm-up + rounds)); a quick run uses fewer. */
const PREPARED = 2 * (WARMUP + ROUNDS);

const redisUrl = process.env.REDIS_URL ?? "";
const databaseUrl = process.env.DATABASE_URL ?? "";
/** Unique per process: a lowercase SQL identifier, also the stream key prefix. */
const base = `bench_ingest_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
const sampleName = (i: number): string => `${base}_${i}`;

/** Resolves to why the benchmark cannot run, or undefined when both servers answer. */
async function unavailable(): Promise<string | undefined> {
  if (redisUrl === "") return "REDIS_URL is not set";
  if (databaseUrl === "") return "DATABASE_URL is not set";
  let mod: typeof IngestWorker;
  try {
    mod = await import("@pipe/app-ingest-worker");
  } catch (e) {
    return `@pipe/app-ingest-worker does not load (build it): ${(e as Error).message}`;
  }
  try {
    const redis = await mod.connectRedis(redisUrl);
    try {
      await redis.ping();
    } finally {
      await redis.close().catch(() => undefined);
    }
  } catch (e) {
    return `Redis at ${redisUrl} does not answer: ${(e as Error).message}`;
  }
  try {
    // openStore always creates its schema: probe on a throw-away one.
    const probe = `${base}_probe`;
    const store = await mod.openStore({ databaseUrl, schema: probe, maxConnections: 1 });
    try {
      await store.query(`DROP SCHEMA IF EXISTS "${probe}" CASCADE`);
    } finally {
      await store.close();
    }
  } catch (e) {
    return `PostgreSQL at ${databaseUrl} does not answer: ${(e as Error).message}`;
  }
  return undefined;
}

let app: typeof IngestWorker;
/** Samples 0 .. prepared - 1 have their streams and schema. */
let prepared = 0;
/** Samples 0 .. touched - 1 may have left streams or a schema behind (what teardown removes). */
let touched = 0;
/** Samples taken by the runner. */
let taken = 0;

async function prepare(i: number): Promise<void> {
  touched = Math.max(touched, i + 1);
  const name = sampleName(i);
  const produced = await app.produceToRedis({
    url: redisUrl,
    feeds: FEEDS,
    prefix: name,
    messages: PER_FEED,
    runId: "bench",
  });
  if (produced !== TOTAL) throw new Error(`produced ${produced} messages, expected ${TOTAL}`);
  const store = await app.openStore({ databaseUrl, schema: name, maxConnections: 1 });
  await store.close();
  prepared = Math.max(prepared, i + 1);
}

async function cleanUp(): Promise<void> {
  const count = touched;
  if (count === 0) return;
  const redis = await app.connectRedis(redisUrl);
  try {
    for (let i = 0; i < count; i++) {
      for (const feed of FEEDS) await redis.del(`${sampleName(i)}:${feed}`);
    }
  } finally {
    await redis.close();
  }
  // Any schema name works for the admin connection; it is dropped with the others.
  const admin = await app.openStore({ databaseUrl, schema: sampleName(0), maxConnections: 1 });
  try {
    for (let i = 0; i < count; i++) await admin.query(`DROP SCHEMA IF EXISTS "${sampleName(i)}" CASCADE`);
  } finally {
    await admin.close();
  }
}

/** Feed closes still finishing in the background (awaited in teardown). */
const closing: Promise<unknown>[] = [];

/**
 * Ends the feed's reader as soon as its last message is acknowledged, and closes it without making the sample
 * wait for that.
 *
 * Why: `exitWhenDrained` notices the end with an empty blocking XREADGROUP, and Redis expires blocked reads
 * on its `hz` tick (100 ms at the default hz 10), so every sample would end on a 100 ms grid, and closing a
 * feed waits for its pending blocking read the same way. On a fresh stream read by one consumer, "all
 * PER_FEED messages acknowledged" is the drain condition, known without asking Redis.
 */
function endWhenAcknowledged(inner: IngestWorker.Feed): IngestWorker.Feed {
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // Feed.close completes the reader synchronously, then waits for the pump and the connections.
    closed ??= inner.close();
    return closed;
  };
  return {
    name: inner.name,
    reader: inner.reader,
    stats: inner.stats,
    async complete(message) {
      const acknowledged = await inner.complete(message);
      if (inner.stats.completed >= PER_FEED && closed === undefined) closing.push(close());
      return acknowledged;
    },
    release: (message) => inner.release(message),
    close,
  };
}

async function worker(trackCompensations: boolean): Promise<number> {
  const i = taken++;
  // Only when the runner takes more samples than a full run (never under main.ts): filled here, timed.
  if (i >= prepared) await prepare(i);
  const name = sampleName(i);
  const store = await app.openStore({ databaseUrl, schema: name, maxConnections: CONCURRENCY + 2 });
  const feeds: IngestWorker.Feed[] = [];
  let drained = false;
  try {
    for (const feed of FEEDS) {
      const inner = await app.createRedisFeed({
        url: redisUrl,
        name: feed,
        stream: `${name}:${feed}`,
        group: "bench",
        consumer: "bench",
      });
      feeds.push(endWhenAcknowledged(inner));
    }
    const r = await app.runWorker({
      feeds,
      store,
      concurrency: CONCURRENCY,
      retain: "message",
      trackCompensations,
    });
    if (r.status !== "drained") throw new Error(`worker ${r.status}`);
    const completed = feeds.reduce((n, f) => n + f.stats.completed, 0);
    if (completed !== TOTAL) throw new Error(`acknowledged ${completed} of ${TOTAL} messages`);
    drained = true;
    return r.stats.processed;
  } finally {
    // Drained: every feed is already closing (see endWhenAcknowledged). Failed: close them all now.
    if (!drained) await Promise.allSettled(feeds.map((f) => f.close()));
    await store.close();
  }
}

const definition = benchmark({
  name: "ingest-worker: throughput, compensations on vs off (Redis + PostgreSQL)",
  workload: `3 Redis Streams feeds × ${PER_FEED} messages, decode + key/outbox commit in PostgreSQL + XACK, concurrency ${CONCURRENCY}; fresh streams and schema per sample`,
  baselineNote:
    "Same worker with compensation tracking off; the ratio is the cost of seed 001's per-message compensations.",
  rounds: ROUNDS,
  warmup: WARMUP,
  itemsPerSample: TOTAL,
  runtimes: ["node"],
  setup: async () => {
    app = await import("@pipe/app-ingest-worker");
    try {
      for (let i = 0; i < PREPARED; i++) await prepare(i);
    } catch (e) {
      // The harness runs teardown only once setup succeeded.
      await cleanUp().catch(() => undefined);
      throw e;
    }
  },
  teardown: async () => {
    await Promise.allSettled(closing);
    await cleanUp();
  },
  baseline: { name: "compensations off", run: () => worker(false) },
  variants: [{ name: "compensations on (seed 001)", bound: 1.3, run: () => worker(true) }],
});

const reason = await unavailable();
if (reason !== undefined) {
  console.log(`[ingest-worker] skipping the Redis + PostgreSQL throughput benchmark: ${reason}`);
}

const benchmarks: Benchmark[] = reason === undefined ? [definition] : [];
export default benchmarks;
