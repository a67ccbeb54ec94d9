import type { ResultRetryPolicy } from "@pipe/pipeline";
import type { FailureMode, OverflowPolicy } from "@pipe/tenants";
import type { ClusterFaults } from "./processor.ts";

/** Options of a {@link Runner} (runner.ts). */
export interface RunnerOptions {
  readonly runnerId: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Schema of the shard tables and the cluster's tables (the control plane app reads the same one). */
  readonly schema: string;
  /** Shard namespace whose shards are the tenants. */
  readonly namespace: string;
  /** Redis key prefix of the tenant streams. */
  readonly prefix: string;
  /** Membership and coordinator lease, in ms (database clock). */
  readonly leaseMs: number;
  /** Placement weight of this runner (default 1). */
  readonly weight?: number | undefined;
  /** Router settings, as in `@pipe/tenants` (capacity also bounds each tenant's read-ahead). */
  readonly capacity?: number | undefined;
  readonly overflow?: OverflowPolicy | undefined;
  readonly failureMode?: FailureMode | undefined;
  readonly retry?: ResultRetryPolicy | undefined;
  readonly faults?: ClusterFaults | undefined;
  /**
   * Most envelopes (of different tenants) committed in one statement (group commit; default 64, 1 = one
   * statement per envelope). Each stays fenced and exactly-once on its own.
   */
  readonly commitBatch?: number | undefined;
  /** Longest wait for the tenants to move away on a graceful stop, in ms (default 10,000). */
  readonly stopTimeoutMs?: number | undefined;
  /** Progress lines (tenant acquired/released, coordinator rounds). */
  readonly log?: ((line: string) => void) | undefined;
}
