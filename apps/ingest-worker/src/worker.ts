import { defaultMaxListeners, setMaxListeners } from "node:events";
import {
  CompensationScope,
  ErrorCodes,
  type PipeError,
  Result,
  ResultCompensationPolicy,
  ResultExecutionPolicy,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "@pipe/pipeline";
import type { Feed } from "./feed.ts";
import { createIngestHandler } from "./handler.ts";
import { createStats, type WorkerStats } from "./stats.ts";
import type { IngestStore } from "./store.ts";

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** The feeds to drain concurrently. */
  readonly feeds: readonly Feed[];
  /** Idempotency keys + outbox. */
  readonly store: IngestStore;
  /** Handlers in flight at once across all feeds (default 8). */
  readonly concurrency?: number;
  /**
   * `"message"` (default): a message's compensations are dropped once it succeeds (flat memory on endless
   * feeds). `"pipeline"` (seed 001's default): kept until the round ends.
   */
  readonly retain?: "message" | "pipeline";
  /** Bound for one message in ms (default 30 000). */
  readonly messageTimeout?: number;
  /** Deadline for one fan-in round in ms (seed 001 used one minute); absent = none. */
  readonly roundTimeout?: number;
  /** Demo fault: see `HandlerDeps.poisonEvery`. */
  readonly poisonEvery?: number;
  /** Register compensations (default true). */
  readonly trackCompensations?: boolean;
  /** Deliveries of one message before it is dead-lettered: see `HandlerDeps.maxDeliveries` (default 10). */
  readonly maxDeliveries?: number;
  /** Stop after this many failed rounds (default: never). */
  readonly maxFailures?: number;
  /**
   * Stop after this many failed rounds in a row that completed no message (default 20): a feed whose
   * connection is gone fails every round at once. Such rounds back off (50 ms doubling to 2 s).
   */
  readonly maxStalledRounds?: number;
  /** Aborting it stops the worker gracefully (in-flight messages finish or roll back). */
  readonly signal?: AbortSignal;
  /** Counters to update (default: fresh ones). */
  readonly stats?: WorkerStats;
  /** Called after each failed round, with the failure and the rollback's error (if any action failed). */
  readonly onRoundFailed?: (failure: PipeError, rollbackError: PipeError | undefined) => void;
}

/** How {@link runWorker} ended. */
export interface WorkerResult {
  /** `drained`: every feed completed; `stopped`: the signal aborted; `failed`: `maxFailures` reached. */
  readonly status: "drained" | "stopped" | "failed";
  /** The counters. */
  readonly stats: WorkerStats;
  /** Wall time. */
  readonly elapsedMs: number;
  /** The last failure when `status` is `failed`. */
  readonly error?: PipeError;
}

const rollbackPolicy = ResultExecutionPolicy.none.withCompensation(
  ResultCompensationPolicy.sequentialReverse,
);

function backOff(stalled: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.min(2000, 50 * 2 ** (stalled - 1));
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Drains the feeds with `ResultPipelineChannels.fanIn` in rounds, rolling back each failed round (seed 001).
 *
 * When to use: the programmatic entry point (the CLI, tests and benchmarks call it); build feeds and a store
 * first (`createMemoryFeed` / `createRedisFeed`, `openStore`).
 *
 * Details: a round is one `fanIn(ctx, readers, handler, { concurrency, retain, messageTimeout, timeout })` on a
 * fresh `CompensationScope`. When it fails (a handler failure, a message timeout, a round timeout, a feed
 * fault), the round's staged compensations run once with `Result.runCompensation(policy, scope)` and
 * `sequentialReverse` (newest first) on a signal that is not the worker's, so the rollback is never cut short;
 * then a new round starts on the same readers. A round that ends Ok means every feed completed. Aborting
 * `signal` stops reading, lets in-flight messages finish, rolls back what did not, and returns `stopped`.
 *
 * Gotchas: never throws for runtime faults; a feed whose connection is lost fails every round, so set
 * `maxFailures` to stop (the CLI does).
 *
 * @example
 * ```ts
 * import { createMemoryFeed, openStore, runWorker } from "@pipe/app-ingest-worker";
 * const store = await openStore();
 * const feeds = [createMemoryFeed({ name: "orders", messages: 100 })];
 * const result = await runWorker({ feeds, store, concurrency: 4 });
 * console.log(result.status, result.stats.processed); // drained 100
 * await store.close();
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  const stats = options.stats ?? createStats();
  // fanIn adds one abort listener per message in flight (and per feed) to its internal signal, which Node
  // reports as a possible leak past 10; raise the default for signals created from now on.
  const listeners = (options.concurrency ?? 8) + options.feeds.length + 8;
  if (defaultMaxListeners < listeners) setMaxListeners(listeners);
  const started = performance.now();
  const readers = options.feeds.map((f) => f.reader);
  const feeds = new Map(options.feeds.map((f) => [f.name, f] as const));
  const deps = {
    store: options.store,
    feeds,
    stats,
    poisonEvery: options.poisonEvery ?? 0,
    trackCompensations: options.trackCompensations ?? true,
    ...(options.maxDeliveries === undefined ? {} : { maxDeliveries: options.maxDeliveries }),
  };
  const fanInOptions = {
    concurrency: options.concurrency ?? 8,
    retain: options.retain ?? "message",
    messageTimeout: options.messageTimeout ?? 30_000,
    ...(options.roundTimeout === undefined || options.roundTimeout <= 0
      ? {}
      : { timeout: options.roundTimeout }),
  } as const;
  const done = (status: WorkerResult["status"], error?: PipeError): WorkerResult => ({
    status,
    stats,
    elapsedMs: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  });
  let stalled = 0;
  let progressMark = -1;
  for (;;) {
    if (options.signal?.aborted) return done("stopped");
    if (stalled > 0) await backOff(stalled, options.signal);
    const scope = new CompensationScope();
    const ctx = new ResultPipelineStepContext({
      stepName: "ingest.fan-in",
      compensationScope: scope,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    stats.rounds++;
    const result = await ResultPipelineChannels.fanIn(
      ctx,
      readers,
      createIngestHandler(ctx, deps),
      fanInOptions,
    );
    if (result.isOk) return done("drained");
    // Seed 001 step 5: replay the staged compensations once, newest first, on a signal nobody aborts.
    const rollbackError = await Result.runCompensation(rollbackPolicy, scope);
    if (rollbackError !== undefined) stats.compensations.failed += Math.max(1, rollbackError.errors.length);
    if (result.error.code === ErrorCodes.canceled && options.signal?.aborted) return done("stopped");
    stats.failures++;
    stats.lastFailure = result.error.toJSON();
    options.onRoundFailed?.(result.error, rollbackError);
    if (options.maxFailures !== undefined && stats.failures >= options.maxFailures) {
      return done("failed", result.error);
    }
    const mark = stats.processed + stats.duplicates + stats.deadLettered;
    stalled = mark === progressMark ? stalled + 1 : 0;
    progressMark = mark;
    if (stalled >= (options.maxStalledRounds ?? 20)) return done("failed", result.error);
  }
}
