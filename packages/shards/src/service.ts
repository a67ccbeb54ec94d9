import { TimeProvider } from "@pipe/channels";
import { ResultExecutionPolicy, ResultPipeline, ResultRetryPolicy } from "@pipe/pipeline";
import { collectErrors, err, type PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "./codes.ts";
import type { ShardFilter } from "./filter.ts";
import { ShardHashStrategyRegistry } from "./hashing/registry.ts";
import { applyPlan } from "./internal/apply.ts";
import { readDiffRange } from "./internal/diff-range.ts";
import { readListPage } from "./internal/list-page.ts";
import { countOwnership } from "./internal/ownership.ts";
import { checkedFilter, requireShardFilter } from "./internal/service-input.ts";
import { type SimulationDeps, simulate } from "./internal/simulate.ts";
import { simulateShardPage } from "./internal/simulate-page.ts";
import type { StoreCall } from "./internal/store-call.ts";
import { watchStream } from "./internal/watch.ts";
import type { ShardMutationRequest, ShardMutationResult, ShardRecordDiff } from "./model.ts";
import { ShardReadView } from "./read-view.ts";
import type { ShardRepository } from "./repository.ts";
import { decodeShardMutationRequest } from "./schemas.ts";
import type { ShardCallOptions, ShardControlPlaneServiceOptions } from "./service-options.ts";
import type {
  ShardApplyRequest,
  ShardApplyResult,
  ShardDiffPage,
  ShardListOptions,
  ShardListPage,
  ShardOwnership,
  ShardReconcileHook,
  ShardSimulation,
  ShardSimulationPage,
  ShardSimulationPageOptions,
  ShardSimulationRequest,
} from "./service-types.ts";

const defaultWorkers = (): number => {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n > 0 ? n : 4;
};

const retryable = (e: PipeError): boolean => e.code === ShardErrorCodes.repositoryFailure;

/**
 * The shard control plane: paged listing, diffs, live watch, what-if simulation, governed mutations and plan
 * application over any {@link ShardRepository}.
 *
 * When to use: the one entry point an HTTP/RPC surface or a CLI calls; every method returns Results.
 *
 * Details:
 * - Store faults (`shards.control.repository.failure`) are retried under the repository policy (3 attempts,
 *   25 ms then 50 ms, ×2, cap 500 ms) on the injected TimeProvider; conflicts and validation are not retried.
 *   A `list` page read from a {@link ShardReadView} is answered from memory and skips the policy (none of its
 *   failures is a store fault).
 * - `list` validates filter → cursor → page size; `diff`/`watch` map store failures to
 *   `shards.control.stream.failure` (stage `shards.diff` / `shards.watch`) and aborts to `error.canceled`
 *   ("Shard diff canceled." / "Shard watch canceled.").
 * - Bounds (see `ShardLimits`): page size 1..500; positions 0..2^53 − 1; a simulation takes at most 10,000
 *   nodes with weights 0..1,000, at most 262,144 ring points, at most 1,000,000 shards and 1,000,000,000
 *   shards × nodes; beyond them is `error.validation` with the path. Within them, `simulate` places and
 *   reconciles in slices with a macrotask yield between slices, so other requests keep being served, and it
 *   stops at the next slice when its signal aborts.
 * - `simulate` validates in the original's order (request → namespace → nodes → node ids (blank: the original's code;
 *   listed twice: `error.validation` with the path, which the original accepted) → namespace.missing →
 *   strategy.unknown), fans reconciliation out with `ResultPipeline.fanOut` over worker partitions and merges
 *   the workers' channels with `ResultPipelineChannels.merge`; changes come out in plan order.
 * - `simulatePage` plans a namespace in pages of shards (by cursor, stateless): a plan of 1,000,000 shards
 *   without holding or sending it whole.
 *
 * Gotchas: identifiers compare ordinally; `search` is case-insensitive. An upsert retried after a store fault
 * that happened after commit is applied again (pass `expectedVersion` to make it conflict instead).
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, ShardControlPlaneService, ShardFilter } from "@pipe/shards";
 * const service = new ShardControlPlaneService({ repository: new InMemoryShardRepository() });
 * await service.upsert({ namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a" });
 * const page = await service.list(ShardFilter.create({ namespace: "ns" }));
 * console.log(page.unwrap().items.length); // 1
 * const sim = await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] });
 * console.log(sim.unwrap().assignments.length); // 1
 * ```
 */
export class ShardControlPlaneService {
  /** The original's repository policy: exponential retry, 3 attempts, 25 ms, ×2, 500 ms cap. */
  static readonly repositoryPolicy: ResultExecutionPolicy = ResultExecutionPolicy.none.withRetry(
    ResultRetryPolicy.exponential(3, 25, 2, 500).withShouldRetry(retryable),
  );

  readonly repository: ShardRepository;
  readonly registry: ShardHashStrategyRegistry;
  readonly #time: TimeProvider;
  readonly #policy: ResultExecutionPolicy;
  readonly #workers: number;
  readonly #reconcile: ShardReconcileHook | undefined;
  readonly #positionWaitMs: number;
  /** `#retry` as the service's internal parts take it. */
  readonly #storeCall: StoreCall = (call, signal) => this.#retry(call, signal);

  constructor(options: ShardControlPlaneServiceOptions) {
    this.repository = options.repository;
    this.registry = options.registry ?? new ShardHashStrategyRegistry();
    this.#time = options.timeProvider ?? TimeProvider.system;
    this.#policy = options.policy ?? ShardControlPlaneService.repositoryPolicy;
    this.#workers = options.workers ?? defaultWorkers();
    this.#reconcile = options.reconcile;
    this.#positionWaitMs = options.positionWaitMs ?? 2_000;
    if (!Number.isSafeInteger(this.#positionWaitMs) || this.#positionWaitMs < 0)
      throw new RangeError(
        `positionWaitMs must be a non-negative safe integer, got ${options.positionWaitMs}.`,
      );
  }

  /**
   * One page of shards matching `filter`, ordered by (namespace, shardId).
   *
   * Errors: `shards.control.filter.required`, `error.validation` (a filter value outside the lookup grammar of
   * `ShardIdentifierLimits`; page size not an integer from 1 to 500, path `$.pageSize`; null/undefined means
   * 100), `shards.control.cursor.invalid`, `shards.control.view.behind` (`minPosition` not reached in time), the
   * store's failures after retries, `error.canceled`.
   */
  async list(
    filter: ShardFilter | null | undefined,
    options: ShardListOptions = {},
  ): Promise<Result<ShardListPage>> {
    const checked = checkedFilter("list", filter);
    if (checked.isErr) return err(checked.error);
    return readListPage(this.#storeCall, this.repository, checked.value, options, this.#positionWaitMs);
  }

  /**
   * The diffs with `from` ≤ position ≤ `to` (both inclusive, each optional) whose `current` matches `filter`.
   *
   * Errors: `shards.control.filter.required`, `error.validation` (filter values as in `list`, bounds not integers
   * from 0 to 2^53 − 1),
   * `shards.control.stream.failure` (stage `shards.diff`), `error.canceled` "Shard diff canceled.".
   */
  async diff(
    from: number | null | undefined,
    to: number | null | undefined,
    filter: ShardFilter | null | undefined,
    options: ShardCallOptions = {},
  ): Promise<Result<ShardDiffPage>> {
    const checked = checkedFilter("diff", filter);
    if (checked.isErr) return err(checked.error);
    return readDiffRange(this.#storeCall, this.repository, from, to, checked.value, options.signal);
  }

  /**
   * Replays diffs after `resumeToken` (exclusive) matching `filter`, then tails live changes until the signal
   * aborts (one final `error.canceled` "Shard watch canceled.") or the repository closes.
   *
   * Details: a transient store failure is retried by resuming from the last delivered position (no duplicate,
   * nothing missed); when retries are exhausted one `shards.control.stream.failure` (stage `shards.watch`) ends
   * the stream. A null filter gives one `shards.control.filter.required` item.
   */
  watch(
    resumeToken: number | null | undefined,
    filter: ShardFilter | null | undefined,
    options: ShardCallOptions = {},
  ): AsyncIterable<Result<ShardRecordDiff>> {
    if (filter !== undefined && filter !== null) requireShardFilter("watch", filter);
    return watchStream(this.repository, this.#policy, this.#time, resumeToken, filter, options.signal, true);
  }

  /**
   * Collects the replay of `watch` up to the current head (it does not tail): Ok(diffs), or the failure
   * (several failures: `error.aggregate` "One or more failures occurred while processing the stream.").
   */
  async collectWatch(
    resumeToken: number | null | undefined,
    filter: ShardFilter | null | undefined,
    options: ShardCallOptions = {},
  ): Promise<Result<readonly ShardRecordDiff[]>> {
    if (filter !== undefined && filter !== null) requireShardFilter("collectWatch", filter);
    return collectErrors(
      watchStream(this.repository, this.#policy, this.#time, resumeToken, filter, options.signal, false),
    );
  }

  /** Computes a what-if plan for a namespace over a node set (see the class Details for validation order). */
  simulate(
    request: ShardSimulationRequest | null | undefined,
    options: ShardCallOptions = {},
  ): Promise<Result<ShardSimulation>> {
    return simulate(
      this.#simulationDeps((ns, signal) =>
        this.#retry((s) => this.repository.list(ns, { signal: s }), signal),
      ),
      request,
      options.signal,
    );
  }

  #simulationDeps(listNamespace: SimulationDeps["listNamespace"]): SimulationDeps {
    return {
      registry: this.registry,
      time: this.#time,
      policy: this.#policy,
      workers: this.#workers,
      hook: this.#reconcile,
      listNamespace,
    };
  }

  /**
   * One page of a simulation: `simulate` over the namespace's next `pageSize` shards after `cursor` (see
   * {@link ShardSimulationPage}). Each page is computed on its own (rendezvous, ring and locality place every
   * shard independently), so a plan of any size comes back in pages of bounded cost, and an instance keeps
   * no state between pages.
   *
   * Errors: those of `simulate` (validated in the same order; an empty page is `shards.control.namespace.missing`),
   * `error.validation` (`pageSize` not an integer from 1 to `ShardLimits.maxSimulationPageSize`, path
   * `$.pageSize`; a cursor of another namespace, path `$.cursor`), `shards.control.cursor.invalid`.
   */
  simulatePage(
    request: ShardSimulationRequest | null | undefined,
    options: ShardSimulationPageOptions = {},
  ): Promise<Result<ShardSimulationPage>> {
    return simulateShardPage(
      this.#storeCall,
      this.repository,
      (list) => this.#simulationDeps(list),
      request,
      options,
    );
  }

  /**
   * Shards per owner in `namespace` and the balance (max/mean): counted by a {@link ShardReadView} without
   * reading the shards, else from the store's listing.
   *
   * Errors: `shards.control.namespace.required`, `error.validation` (ill-formed namespace),
   * `shards.control.namespace.missing` (no shard), the store's failures after retries, `error.canceled`.
   */
  async ownership(
    namespace: string | null | undefined,
    options: ShardCallOptions = {},
  ): Promise<Result<ShardOwnership>> {
    return countOwnership(this.#storeCall, this.repository, namespace, options.signal);
  }

  /**
   * Creates or updates one shard with governance metadata (decoded at the boundary: `error.validation` with
   * paths; ids must follow the identifier grammar of `ShardIdentifierLimits`; blank actor/reason use the
   * original's messages). Without `expectedVersion` it is an unconditional last-writer-wins write (concurrent
   * ones are serialised and all succeed); with it, a mismatch is `shards.control.version.conflict`.
   */
  async upsert(
    mutation: ShardMutationRequest,
    options: ShardCallOptions = {},
  ): Promise<Result<ShardMutationResult>> {
    const decoded = decodeShardMutationRequest(mutation);
    if (decoded.isErr) return err(decoded.error);
    return this.#retry((signal) => this.repository.upsert(decoded.value, { signal }), options.signal);
  }

  /**
   * Persists a simulation's changes in plan order, each with `expectedVersion` = the version it was simulated
   * against and one change ticket. The first failure (e.g. `shards.control.version.conflict`) rolls back the
   * changes already applied (newest first) and is returned with metadata `applied` / `rolledBack`. A rollback
   * restores each record as it was, its change ticket (hence its checksum) included: its history row carries
   * that restored ticket and the reason `rollback of <ticket>: <reason>`, never the failed plan's ticket.
   *
   * Errors (before anything is written): `shards.control.plan.invalid` for a malformed plan, a change whose
   * namespace is not the plan's or a second change of one shard; `error.validation` when a change's keys
   * are not lookup values or the strategy, a proposed owner or the governance text break the identifier
   * grammar (`ShardIdentifierLimits`).
   */
  apply(request: ShardApplyRequest, options: ShardCallOptions = {}): Promise<Result<ShardApplyResult>> {
    return applyPlan(
      (m, signal) => this.#retry((s) => this.repository.upsert(m, { signal: s }), signal),
      (k, signal) => this.#retry((s) => this.repository.get(k, { signal: s }), signal),
      request,
      options.signal,
    );
  }

  async #retry<T>(
    call: (signal: AbortSignal | undefined) => Promise<Result<T>>,
    signal: AbortSignal | undefined,
  ): Promise<Result<T>> {
    return ResultPipeline.retry((_ctx, s) => call(s), {
      policy: this.#policy,
      timeProvider: this.#time,
      ...(signal === undefined ? {} : { signal }),
    });
  }
}
