/**
 * `@pipe/app-ingest-worker`: the seed 001 ingest worker as a library (the CLI is `src/main.ts`).
 *
 * @module
 */
export { type IngestRun, type IngestSummary, type StartHooks, startIngest } from "./app.ts";
export { DEFAULT_DATA_DIR, DEFAULT_PORT, HELP, type IngestConfig, parseConfig } from "./config.ts";
export {
  compensatingEvent,
  decodeEnvelope,
  domainEvents,
  type Envelope,
  EnvelopeFromJson,
  INVALID_MESSAGE_CODE,
  MESSAGE_TYPES,
  type OutboxEvent,
} from "./envelope.ts";
export type { Feed, FeedStats, RawMessage } from "./feed.ts";
export { type GenerateOptions, generatePayload, messageId } from "./generator.ts";
export {
  createIngestHandler,
  DEFAULT_MAX_DELIVERIES,
  DELIVERY_LIMIT_CODE,
  type HandlerDeps,
  POISON_CODE,
} from "./handler.ts";
export {
  type HealthServer,
  type HealthSource,
  renderMetrics,
  startHealthServer,
  type WorkerPhase,
} from "./health-server.ts";
export { createMemoryFeed, type MemoryFeedOptions } from "./memory-feed.ts";
export { progressLine } from "./progress.ts";
export { connectRedis, type RedisConnection } from "./redis-connection.ts";
export { createRedisFeed } from "./redis-feed.ts";
export type { RedisFeedOptions } from "./redis-feed-options.ts";
export { type ProduceOptions, produceToRedis } from "./redis-producer.ts";
export { type CompensationStats, createStats, type WorkerStats } from "./stats.ts";
export { type EffectReport, type IngestStore, openStore, type StoreOptions } from "./store.ts";
export { runWorker, type WorkerOptions, type WorkerResult } from "./worker.ts";
