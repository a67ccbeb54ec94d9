/**
 * `@pipe/app-tenant-router`: the seed 002 tenant router as a reference app (embed it, or run `main.ts`).
 *
 * @module @pipe/app-tenant-router
 */
export { createAdminApp, tokenMatches } from "./admin.ts";
export { TenantRouterApp, type TenantRouterAppOptions } from "./app.ts";
export { type CliIo, runCli } from "./cli.ts";
export { type Config, HELP, parseConfig } from "./config.ts";
export { drainDeadLetters } from "./dead-letters.ts";
export { createDemoScript, DEMO, type DemoPlan, type DemoScript, demoPlan } from "./demo.ts";
export type { Envelope } from "./envelope.ts";
export { failingFrom, sequenceOf, slow, type TenantFault } from "./faults.ts";
export { type GeneratorOptions, generateEnvelopes } from "./generator.ts";
export type { Ingress, IngressStats } from "./ingress.ts";
export { createMemoryIngress, type MemoryIngressOptions } from "./memory-ingress.ts";
export { escapeLabel, renderMetrics } from "./metrics.ts";
export { TenantAdminErrorCodes } from "./problem.ts";
export { createProcessor, type ProcessorDeps } from "./processor.ts";
export {
  connectRedis,
  createRedisIngress,
  type ProduceOptions,
  produceToRedis,
  type RedisConnection,
  type RedisIngressOptions,
} from "./redis-ingress.ts";
export { type AdminServer, startAdminServer } from "./server.ts";
export { AppStats, type TenantLedgerStats } from "./stats.ts";
export {
  type DeadLetterRow,
  type LedgerStore,
  openStore,
  type StoreOptions,
  type TenantTableCounts,
} from "./store.ts";
export { buildSummary, displayState, type RunSummary, type TenantSummary } from "./summary.ts";
export { formatSummary } from "./summary-text.ts";
export { LiveView, type ViewOutput } from "./view.ts";
