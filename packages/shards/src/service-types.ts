import type { ResultPipelineStepContext } from "@pipe/pipeline";
import type { Result } from "@pipe/result";
import type { ShardAssignment } from "./hashing/types.ts";
import type { ShardRecord, ShardRecordDiff } from "./model.ts";

/**
 * One page of `ShardControlPlaneService.list`.
 *
 * Details: `nextCursor` is an opaque base64url token, present when more items remain. `version` is the
 * store's highest change position when the page was read: a strong validator for ETags (any mutation raises
 * it); the original used the highest per-shard version, a weak one.
 *
 * @example
 * ```ts
 * import type { ShardListPage } from "@pipe/shards";
 * const etag = (p: ShardListPage) => `"shards-${p.version}"`;
 * console.log(typeof etag);
 * ```
 */
export interface ShardListPage {
  readonly items: readonly ShardRecord[];
  readonly nextCursor: string | null;
  readonly version: number;
}

/**
 * Options of `list`.
 *
 * @example
 * ```ts
 * import type { ShardListOptions } from "@pipe/shards";
 * const o: ShardListOptions = { pageSize: 500 };
 * console.log(o.pageSize);
 * ```
 */
export interface ShardListOptions {
  /** A token from a previous page's `nextCursor`. Blank = first page. */
  readonly cursor?: string | null | undefined;
  /** An integer from 1 to 500 (`ShardLimits`); default 100; anything else is `error.validation` (`$.pageSize`). */
  readonly pageSize?: number | null | undefined;
  /**
   * Read your writes across instances: the change position the client last saw (e.g. from a write's
   * instance). The page is read only once this instance has applied it; when it has not within the
   * service's `positionWaitMs`, the call fails with `shards.control.view.behind`.
   */
  readonly minPosition?: number | null | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The result of `diff`: matching diffs in position order and the position of the last one (null when none).
 *
 * @example
 * ```ts
 * import type { ShardDiffPage } from "@pipe/shards";
 * const next = (p: ShardDiffPage) => (p.lastPosition ?? 0) + 1;
 * console.log(typeof next);
 * ```
 */
export interface ShardDiffPage {
  readonly items: readonly ShardRecordDiff[];
  readonly lastPosition: number | null;
}

/**
 * A node in a simulation request (raw input: weight defaults to 1).
 *
 * @example
 * ```ts
 * import type { ShardSimulationNode } from "@pipe/shards";
 * const n: ShardSimulationNode = { nodeId: "a", weight: 2, region: "iad" };
 * console.log(n.nodeId);
 * ```
 */
export interface ShardSimulationNode {
  readonly nodeId?: string | null | undefined;
  readonly weight?: number | null | undefined;
  readonly region?: string | null | undefined;
  readonly zone?: string | null | undefined;
}

/**
 * What-if input: recompute a namespace's owners over a node set with a strategy.
 *
 * @example
 * ```ts
 * import type { ShardSimulationRequest } from "@pipe/shards";
 * const r: ShardSimulationRequest = { namespace: "mesh.control", strategyId: "ring", nodes: [{ nodeId: "a" }, { nodeId: "b" }] };
 * console.log(r.nodes?.length);
 * ```
 */
export interface ShardSimulationRequest {
  readonly namespace?: string | null | undefined;
  /** Blank means `rendezvous`; echoed back as given. */
  readonly strategyId?: string | null | undefined;
  readonly nodes?: readonly (ShardSimulationNode | null)[] | null | undefined;
}

/**
 * A proposed owner move, with the record version it was computed against (for `apply`).
 *
 * @example
 * ```ts
 * import type { ShardSimulationChange } from "@pipe/shards";
 * const describe = (c: ShardSimulationChange) => `${c.shardId}: ${c.currentOwner} -> ${c.proposedOwner}`;
 * console.log(typeof describe);
 * ```
 */
export interface ShardSimulationChange {
  readonly namespace: string;
  readonly shardId: string;
  readonly currentOwner: string;
  readonly proposedOwner: string;
  readonly changesOwner: true;
  readonly currentVersion: number;
}

/**
 * Load balance of a plan: shards per node (every requested node, zeros included), the mean, the maximum, and
 * max/mean (1 is perfect).
 *
 * @example
 * ```ts
 * import type { ShardBalance } from "@pipe/shards";
 * const ok = (b: ShardBalance) => b.ratio < 1.25;
 * console.log(typeof ok);
 * ```
 */
export interface ShardBalance {
  readonly perNode: Readonly<Record<string, number>>;
  readonly max: number;
  readonly mean: number;
  readonly ratio: number;
}

/**
 * Who owns how much of a namespace: the output of `ownership`.
 *
 * @example
 * ```ts
 * import type { ShardOwnership } from "@pipe/shards";
 * const o: ShardOwnership = { namespace: "ns", shards: 2, balance: { perNode: { a: 2 }, max: 2, mean: 2, ratio: 1 }, version: 2 };
 * console.log(o.balance.ratio);
 * ```
 */
export interface ShardOwnership {
  readonly namespace: string;
  /** Shards in the namespace. */
  readonly shards: number;
  /** Shards per owner (`perNode`), the largest count, the mean over owners, and max/mean. */
  readonly balance: ShardBalance;
  /** The change position the counts reflect. */
  readonly version: number;
}

/**
 * The output of `simulate`.
 *
 * Details: `changes` are in plan order (deterministic whatever the workers' interleaving). `moves` is
 * `changes.length`; `minimumMoves` is the fewest moves that reach the same per-node counts (the sum over
 * nodes of max(0, current − proposed)), so `moves / minimumMoves` measures the strategy's churn overhead.
 *
 * @example
 * ```ts
 * import type { ShardSimulation } from "@pipe/shards";
 * const churn = (s: ShardSimulation) => s.moves / Math.max(1, s.minimumMoves);
 * console.log(typeof churn);
 * ```
 */
export interface ShardSimulation {
  readonly namespace: string;
  readonly strategyId: string;
  readonly generatedAt: string;
  readonly assignments: readonly ShardAssignment[];
  readonly changes: readonly ShardSimulationChange[];
  readonly moves: number;
  readonly minimumMoves: number;
  readonly balance: ShardBalance;
}

/**
 * One page of a simulation: the plan of the namespace's next `pageSize` shards in (namespace, shardId) order
 * after the cursor, with the cursor of the page after it.
 *
 * Details: `assignments`, `changes`, `moves`, `minimumMoves` and `balance` count this page's shards only (sum
 * `moves` over the pages for the whole plan's moves). `version` is the store position the page was read at.
 * Shards are placed independently, so the pages together equal one whole `simulate` of an unchanged
 * namespace; under concurrent writes every shard that exists throughout appears on exactly one page. A page
 * is a `ShardSimulation`, so `apply` takes it as it is.
 *
 * @example
 * ```ts
 * import type { ShardSimulationPage } from "@pipe/shards";
 * const last = (p: ShardSimulationPage) => p.nextCursor === null;
 * console.log(typeof last);
 * ```
 */
export interface ShardSimulationPage extends ShardSimulation {
  readonly nextCursor: string | null;
  readonly version: number;
}

/**
 * Options of `simulatePage`.
 *
 * @example
 * ```ts
 * import type { ShardSimulationPageOptions } from "@pipe/shards";
 * const o: ShardSimulationPageOptions = { pageSize: 5_000 };
 * console.log(o.pageSize);
 * ```
 */
export interface ShardSimulationPageOptions {
  /** The previous page's `nextCursor` (absent or blank: the first page). */
  readonly cursor?: string | null | undefined;
  /** Shards per page, 1 to `ShardLimits.maxSimulationPageSize` (10,000); default 1,000. */
  readonly pageSize?: number | null | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * What the simulation hook sees for one assignment.
 *
 * @example
 * ```ts
 * import type { ShardReconcileInput } from "@pipe/shards";
 * const first = (i: ShardReconcileInput) => i.attempt === 1;
 * console.log(typeof first);
 * ```
 */
export interface ShardReconcileInput {
  readonly assignment: ShardAssignment;
  readonly record: ShardRecord;
  /** 1 for the first attempt of this worker, 2+ for retries. */
  readonly attempt: number;
  readonly workerIndex: number;
  /** The worker's step context: register compensations here (they run if the simulation fails). */
  readonly context: ResultPipelineStepContext;
  readonly signal: AbortSignal;
}

/**
 * Per-assignment hook run by simulation workers (fault injection in tests, custom reconciliation checks).
 *
 * Details: a failed Result fails that worker with its error (a failure without a code becomes
 * `shards.control.assignment.failed` with `shardId` metadata); only `shards.control.repository.failure` is
 * retried (under the repository policy, with a fresh buffer, so retries are idempotent). A throw becomes
 * `error.exception`.
 *
 * @example
 * ```ts
 * import { PipeError, err, ok } from "@pipe/result";
 * import type { ShardReconcileHook } from "@pipe/shards";
 * const failOne: ShardReconcileHook = ({ assignment }) =>
 *   assignment.shardId === "s-7" ? err(PipeError.from("Simulated worker failure.")) : ok(undefined);
 * console.log(typeof failOne);
 * ```
 */
export type ShardReconcileHook = (input: ShardReconcileInput) => Result<void> | Promise<Result<void>> | void;

/**
 * Input of `apply`: the simulation to persist and its governance envelope.
 *
 * @example
 * ```ts
 * import type { ShardApplyRequest, ShardSimulation } from "@pipe/shards";
 * const make = (simulation: ShardSimulation): ShardApplyRequest => ({ simulation, actor: "ops", reason: "rebalance", changeTicket: "CHG-9" });
 * console.log(typeof make);
 * ```
 */
export interface ShardApplyRequest {
  readonly simulation: ShardSimulation;
  readonly actor: string;
  readonly reason: string;
  /** One ticket for every change of the plan. */
  readonly changeTicket: string;
  /** Free-form metadata recorded on each history row (default: `{"planGeneratedAt": ...}` as JSON). */
  readonly metadata?: string | undefined;
}

/**
 * What `apply` persisted.
 *
 * @example
 * ```ts
 * import type { ShardApplyResult } from "@pipe/shards";
 * const n = (r: ShardApplyResult) => r.applied.length;
 * console.log(typeof n);
 * ```
 */
export interface ShardApplyResult {
  readonly changeTicket: string;
  readonly applied: readonly ShardRecord[];
}
