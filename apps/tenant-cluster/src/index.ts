/**
 * `@pipe/app-tenant-cluster`: tenants across machines. Runners (each one `@pipe/tenants` router) join a
 * namespace through a membership table with database-clock leases; one elected coordinator places the tenants
 * (shards) over the live runners with `@pipe/shards`; each runner works a tenant only while it owns it, with
 * every effect fenced by the ownership token and committed together with the tenant's Redis stream position.
 *
 * @module @pipe/app-tenant-cluster
 */
export { type ClusterConfig, HELP, parseClusterConfig } from "./config.ts";
export { Coordinator, PLACEMENT_STRATEGY, UNASSIGNED } from "./coordinator.ts";
export type { CoordinatorOptions, CoordinatorRound } from "./coordinator-options.ts";
export {
  type EffectWrite,
  type FencedWrite,
  type RaiseOutcome,
  TenantFences,
  type TenantFencesOptions,
} from "./fences.ts";
export { type LiveRunner, Membership, membershipChannel } from "./membership.ts";
export { type ClusterOutput, type ClusterWriters, clusterOutput } from "./output.ts";
export {
  type ClusterFaults,
  type ClusterProcessorDeps,
  createClusterProcessor,
  type ProcessorStats,
  zeroProcessorStats,
} from "./processor.ts";
export { Runner } from "./runner.ts";
export type { RunnerOptions } from "./runner-options.ts";
export { migrateCluster } from "./schema.ts";
export { renderMetrics, serveRunner } from "./server.ts";
export {
  type ClusterEnvelope,
  connectRedis,
  type ProduceOptions,
  produce,
  type RedisConnection,
  streamKey,
  TenantStreams,
  type TenantStreamsOptions,
  tenantsKey,
} from "./stream-ingress.ts";
export { type TrafficEnvelope, tenantName, traffic } from "./traffic.ts";
