import { mkdirSync } from "node:fs";
import type { PipeError } from "@pipe/pipeline";
import type { IngestConfig } from "./config.ts";
import type { Feed, FeedStats } from "./feed.ts";
import { createMemoryFeed } from "./memory-feed.ts";
import { createRedisFeed } from "./redis-feed.ts";
import { produceToRedis } from "./redis-producer.ts";
import { createStats, type WorkerStats } from "./stats.ts";
import { type EffectReport, type IngestStore, openStore } from "./store.ts";
import { runWorker, type WorkerResult } from "./worker.ts";

/** The final report of a run (`--json` prints it). */
export interface IngestSummary {
  readonly status: WorkerResult["status"];
  readonly elapsedMs: number;
  /** Messages committed per second of wall time. */
  readonly messagesPerSecond: number;
  readonly transport: "memory" | "redis";
  readonly store: "pglite" | "postgres";
  readonly runId: string;
  readonly feeds: readonly FeedStats[];
  readonly stats: WorkerStats;
  /** What the store holds (cumulative over runs on the same database). */
  readonly effects: EffectReport;
  readonly error?: ReturnType<PipeError["toJSON"]>;
}

/** A started run. */
export interface IngestRun {
  /** Live counters. */
  readonly stats: WorkerStats;
  /** The feeds (live `stats`). */
  readonly feeds: readonly Feed[];
  /** The store. */
  readonly store: IngestStore;
  /** When the run started (`performance.now()`). */
  readonly startedAt: number;
  /** Stops gracefully: in-flight messages finish or roll back, then feeds and store close. */
  stop(): void;
  /** Settles with the summary once everything is closed. */
  readonly done: Promise<IngestSummary>;
}

/** Hooks of {@link startIngest}. */
export interface StartHooks {
  /** Called after each failed round. */
  readonly onRoundFailed?: (failure: PipeError, rollbackError: PipeError | undefined) => void;
  /**
   * Stops the run, from the start-up on: aborted while the store opens, the feeds are not created and the run
   * ends at once as `stopped` (the store still reports); aborted later, like {@link IngestRun.stop}.
   */
  readonly signal?: AbortSignal;
  /** Warnings of the feeds: pending entries found deleted from a Redis stream before they were handled. */
  readonly warn?: (line: string) => void;
}

/**
 * Builds the feeds and the store a configuration names and runs the worker on them.
 *
 * Details: in-memory feeds and PGlite by default; Redis Streams when `redisUrl` is set (after appending
 * `produce` messages per feed when asked); PostgreSQL when `databaseUrl` is set. The store and the feeds are
 * closed when the run ends. Throws when a server cannot be reached.
 *
 * @example
 * ```ts
 * import { parseConfig, startIngest } from "@pipe/app-ingest-worker";
 * const run = await startIngest(parseConfig(["--messages", "100", "--data-dir", "memory://"], {}));
 * console.log((await run.done).stats.processed); // 300
 * ```
 */
export async function startIngest(config: IngestConfig, hooks: StartHooks = {}): Promise<IngestRun> {
  const controller = new AbortController();
  const stopRun = (): void => controller.abort();
  if (hooks.signal?.aborted) stopRun();
  else hooks.signal?.addEventListener("abort", stopRun, { once: true });
  if (config.databaseUrl === undefined && config.dataDir !== "memory://" && !config.dataDir.includes("://")) {
    mkdirSync(config.dataDir, { recursive: true });
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.schema,
    maxConnections: config.concurrency + 2,
  });
  const feeds: Feed[] = [];
  try {
    if (controller.signal.aborted) {
      // Stopped during start-up: no feeds (nothing is read or produced); the run below ends at once.
    } else if (config.redisUrl !== undefined) {
      if (config.produce > 0) {
        await produceToRedis({
          url: config.redisUrl,
          feeds: config.feeds,
          prefix: config.streamPrefix,
          messages: config.produce,
          runId: config.runId,
          invalidEvery: config.invalidEvery,
        });
      }
      for (const name of config.feeds) {
        feeds.push(
          await createRedisFeed({
            url: config.redisUrl,
            name,
            stream: `${config.streamPrefix}:${name}`,
            group: config.group,
            consumer: config.consumer,
            batch: config.batch,
            leaseTimeout: config.leaseTimeout,
            exitWhenDrained: config.exitWhenDrained,
            ...(hooks.warn === undefined ? {} : { log: hooks.warn }),
          }),
        );
      }
    } else {
      for (const name of config.feeds) {
        feeds.push(
          createMemoryFeed({
            name,
            messages: config.messages,
            runId: config.runId,
            rate: config.rate,
            leaseTimeout: config.leaseTimeout,
            invalidEvery: config.invalidEvery,
          }),
        );
      }
    }
  } catch (e) {
    hooks.signal?.removeEventListener("abort", stopRun);
    await Promise.allSettled(feeds.map((f) => f.close()));
    await store.close();
    throw e;
  }
  const stats = createStats();
  const startedAt = performance.now();
  const timer = config.duration > 0 ? setTimeout(() => controller.abort(), config.duration) : undefined;
  const done = (async (): Promise<IngestSummary> => {
    try {
      const result = await runWorker({
        feeds,
        store,
        stats,
        concurrency: config.concurrency,
        retain: config.retain,
        messageTimeout: config.messageTimeout,
        roundTimeout: config.roundTimeout,
        poisonEvery: config.poisonEvery,
        trackCompensations: config.trackCompensations,
        maxDeliveries: config.maxDeliveries,
        signal: controller.signal,
        ...(config.maxFailures === undefined ? {} : { maxFailures: config.maxFailures }),
        ...(hooks.onRoundFailed === undefined ? {} : { onRoundFailed: hooks.onRoundFailed }),
      });
      await Promise.allSettled(feeds.map((f) => f.close()));
      const effects = await store.report();
      return {
        status: result.status,
        elapsedMs: Math.round(result.elapsedMs),
        messagesPerSecond: Math.round((stats.processed / Math.max(1, result.elapsedMs)) * 1000),
        transport: config.redisUrl === undefined ? "memory" : "redis",
        store: store.kind,
        runId: config.runId,
        feeds: feeds.map((f) => ({ ...f.stats })),
        stats,
        effects,
        ...(result.error === undefined ? {} : { error: result.error.toJSON() }),
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      hooks.signal?.removeEventListener("abort", stopRun);
      await Promise.allSettled(feeds.map((f) => f.close()));
      await store.close().catch(() => undefined);
    }
  })();
  return { stats, feeds, store, startedAt, stop: () => controller.abort(), done };
}
