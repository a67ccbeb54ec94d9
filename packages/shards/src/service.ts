import { TimeProvider } from "@pipe/channels";
import { ResultExecutionPolicy, ResultPipeline, ResultRetryPolicy } from "@pipe/pipeline";
import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "./codes.ts";
import { decodeShardCursor, encodeShardCursor } from "./cursor.ts";
import { ShardFilter } from "./filter.ts";
import { ShardHashStrategyRegistry } from "./hashing/registry.ts";
import { shardLookupProblem } from "./identifier.ts";
import { applyPlan } from "./internal/apply.ts";
import { filterError } from "./internal/lookup.ts";
import { isCanceled, serviceErrors } from "./internal/service-errors.ts";
import { type SimulationDeps, simulate } from "./internal/simulate.ts";
import { watchStream } from "./internal/watch.ts";
import { ShardLimits } from "./limits.ts";
import type { ShardKey, ShardMutationRequest, ShardMutationResult, ShardRecordDiff } from "./model.ts";
import { ShardReadView } from "./read-view.ts";
import type { ShardQueryPage, ShardRepository } from "./repository.ts";
import { decodeShardMutationRequest } from "./schemas.ts";
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

/**
 * Options of a {@link ShardControlPlaneService}.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, type ShardControlPlaneServiceOptions } from "@pipe/shards";
 * const o: ShardControlPlaneServiceOptions = { repository: new InMemoryShardRepository(), workers: 4 };
 * console.log(o.workers);
 * ```
 */
export interface ShardControlPlaneServiceOptions {
  readonly repository: ShardRepository;
  /** Strategy registry (default: a new registry with the built-ins). */
  readonly registry?: ShardHashStrategyRegistry | undefined;
  /** Clock for retry back-off, `generatedAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
  /**
   * The repository policy: retries and compensation for store calls and simulation workers (default
   * {@link ShardControlPlaneService.repositoryPolicy}). Only `shards.control.repository.failure` is retried.
   */
  readonly policy?: ResultExecutionPolicy | undefined;
  /** Simulation worker partitions (default `navigator.hardwareConcurrency`, else 4). */
  readonly workers?: number | undefined;
  /** Per-assignment hook of simulation workers (fault injection, custom checks). */
  readonly reconcile?: ShardReconcileHook | undefined;
  /** Longest wait of a `list` for its `minPosition`, in ms (default 2,000). */
  readonly positionWaitMs?: number | undefined;
}

/**
 * Signal-only options.
 *
 * @example
 * ```ts
 * import type { ShardCallOptions } from "@pipe/shards";
 * const o: ShardCallOptions = { signal: AbortSignal.timeout(5000) };
 * console.log(o.signal !== undefined);
 * ```
 */
export interface ShardCallOptions {
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_PAGE = ShardLimits.defaultPageSize;
const MIN_PAGE = ShardLimits.minPageSize;
const MAX_PAGE = ShardLimits.maxPageSize;
const DIFF_PAGE = 1000;

const defaultWorkers = (): number => {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n > 0 ? n : 4;
};

const retryable = (e: PipeError): boolean => e.code === ShardErrorCodes.repositoryFailure;

/** Throws a `TypeError` naming `method` unless `filter` is a {@link ShardFilter} (a programming error). */
function requireShardFilter(method: string, filter: unknown): void {
  if (!(filter instanceof ShardFilter))
    throw new TypeError(
      `ShardControlPlaneService.${method}: filter must be a ShardFilter (ShardFilter.create({ ... })), got ${typeof filter}.`,
    );
}

/**
 * The cursor a caller passed, or `undefined` for none (absent, null or blank). A cursor that is not a string is
 * a programming error: a `TypeError` naming the method, rather than a failure deep inside the decoder.
 */
function cursorOption(method: string, cursor: unknown): string | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  if (typeof cursor !== "string")
    throw new TypeError(
      `ShardControlPlaneService.${method}: options.cursor must be a string, got ${typeof cursor}.`,
    );
  return cursor.trim().length > 0 ? cursor : undefined;
}

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
    if (filter === undefined || filter === null) return err(serviceErrors.filterRequired());
    requireShardFilter("list", filter);
    const invalid = filterError(filter);
    if (invalid !== undefined) return err(invalid);
    let cursor: ReturnType<typeof decodeShardCursor> | undefined;
    const listCursor = cursorOption("list", options.cursor);
    if (listCursor !== undefined) {
      cursor = decodeShardCursor(listCursor);
      if (cursor.isErr) return err(cursor.error);
    }
    const raw = options.pageSize;
    if (raw !== undefined && raw !== null && (!Number.isInteger(raw) || raw < MIN_PAGE || raw > MAX_PAGE))
      return err(
        serviceErrors
          .validation(`Page size must be an integer from ${MIN_PAGE} to ${MAX_PAGE}.`, "$.pageSize")
          .withMetadata("pageSize", raw),
      );
    const pageSize = raw ?? DEFAULT_PAGE;
    if (options.minPosition !== undefined && options.minPosition !== null) {
      const reached = await this.#reach(options.minPosition, options.signal);
      if (reached.isErr) return err(reached.error);
    }
    const query = filter.toQueryOptions(pageSize, cursor?.value);
    // A read view answers from memory: its failures (validation, cancellation) are never retryable.
    const repo = this.repository;
    const page =
      repo instanceof ShardReadView
        ? await repo.query(query, { signal: options.signal })
        : await this.#retry((signal) => repo.query(query, { signal }), options.signal);
    return page.map((p) => ({
      items: p.items,
      nextCursor: p.nextCursor === null ? null : encodeShardCursor(p.nextCursor),
      version: p.position,
    }));
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
    if (filter === undefined || filter === null) return err(serviceErrors.filterRequired());
    requireShardFilter("diff", filter);
    const invalid = filterError(filter);
    if (invalid !== undefined) return err(invalid);
    if (from !== undefined && from !== null && (!Number.isSafeInteger(from) || from < 0))
      return err(serviceErrors.validation("fromPosition must be an integer from 0 to 2^53 - 1.", "$.from"));
    if (to !== undefined && to !== null && (!Number.isSafeInteger(to) || to < 0))
      return err(serviceErrors.validation("toPosition must be an integer from 0 to 2^53 - 1.", "$.to"));
    const signal = options.signal;
    let after = from === undefined || from === null ? 0 : Math.max(0, from - 1);
    const items: ShardRecordDiff[] = [];
    for (;;) {
      if (to !== undefined && to !== null && after >= to) break;
      const page = await this.#retry(
        (s) => this.repository.readDiffs(after, { limit: DIFF_PAGE, upTo: to ?? undefined, signal: s }),
        signal,
      );
      if (page.isErr) {
        if (isCanceled(page.error))
          return err(serviceErrors.canceled("Shard diff canceled.", "shards.diff", signal?.reason));
        if (page.error.code === ShardErrorCodes.historyCompacted) {
          // Without a lower bound the diff starts at the oldest retained change; a compaction that lands
          // between two pages starts it again there (the diffs read so far are no longer retained).
          const through = page.error.metadata.compactedThrough;
          if ((from === undefined || from === null) && typeof through === "number" && through > after) {
            items.length = 0;
            after = through;
            continue;
          }
          return err(page.error);
        }
        return err(serviceErrors.streamFailure(page.error, "shards.diff"));
      }
      for (const d of page.value) if (filter.matches(d.current)) items.push(d);
      if (page.value.length < DIFF_PAGE) break;
      after = page.value[page.value.length - 1].position;
    }
    return ok({ items, lastPosition: items.length === 0 ? null : items[items.length - 1].position });
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
    const items: ShardRecordDiff[] = [];
    const errors: PipeError[] = [];
    for await (const r of watchStream(
      this.repository,
      this.#policy,
      this.#time,
      resumeToken,
      filter,
      options.signal,
      false,
    )) {
      if (r.isOk) items.push(r.value);
      else errors.push(r.error);
    }
    if (errors.length === 1) return err(errors[0]);
    if (errors.length > 1)
      return err(PipeError.aggregate("One or more failures occurred while processing the stream.", errors));
    return ok(items);
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
  async simulatePage(
    request: ShardSimulationRequest | null | undefined,
    options: ShardSimulationPageOptions = {},
  ): Promise<Result<ShardSimulationPage>> {
    const raw = options.pageSize;
    if (
      raw !== undefined &&
      raw !== null &&
      (!Number.isInteger(raw) || raw < 1 || raw > ShardLimits.maxSimulationPageSize)
    )
      return err(
        serviceErrors
          .validation(
            `Page size must be an integer from 1 to ${ShardLimits.maxSimulationPageSize}.`,
            "$.pageSize",
          )
          .withMetadata("pageSize", raw),
      );
    const pageSize = raw ?? ShardLimits.defaultSimulationPageSize;
    let cursor: ShardKey | undefined;
    const pageCursor = cursorOption("simulatePage", options.cursor);
    if (pageCursor !== undefined) {
      const decoded = decodeShardCursor(pageCursor);
      if (decoded.isErr) return err(decoded.error);
      cursor = decoded.value;
    }
    let page: ShardQueryPage | undefined;
    const simulated = await simulate(
      this.#simulationDeps(async (namespace, signal) => {
        if (cursor !== undefined && cursor.namespace !== namespace)
          return err(serviceErrors.validation("The cursor belongs to another namespace.", "$.cursor"));
        const queried = await this.#retry(
          (s) => this.repository.query({ namespace, pageSize, cursor }, { signal: s }),
          signal,
        );
        if (queried.isOk) page = queried.value;
        return queried.map((p) => p.items);
      }),
      request,
      options.signal,
    );
    return simulated.map((simulation) => ({
      ...simulation,
      nextCursor:
        page?.nextCursor === undefined || page?.nextCursor === null
          ? null
          : encodeShardCursor(page.nextCursor),
      version: page?.position ?? 0,
    }));
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
    if (namespace === undefined || namespace === null || namespace.trim().length === 0)
      return err(serviceErrors.namespaceRequired());
    const problem = shardLookupProblem(namespace);
    if (problem !== undefined) return err(serviceErrors.validation(`namespace ${problem}`, "$.namespace"));
    const repo = this.repository;
    let counts: ReadonlyMap<string, number>;
    let version: number;
    if (repo instanceof ShardReadView) {
      if (options.signal?.aborted) return err(PipeError.canceled(undefined, options.signal.reason));
      version = repo.position;
      counts = repo.ownerCounts(namespace);
    } else {
      const head = await this.#retry((s) => repo.highestPosition({ signal: s }), options.signal);
      if (head.isErr) return err(head.error);
      const listed = await this.#retry((s) => repo.list(namespace, { signal: s }), options.signal);
      if (listed.isErr) return err(listed.error);
      const byOwner = new Map<string, number>();
      for (const r of listed.value) byOwner.set(r.ownerNodeId, (byOwner.get(r.ownerNodeId) ?? 0) + 1);
      counts = byOwner;
      version = head.value;
    }
    let shards = 0;
    let max = 0;
    const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, n] of sorted) {
      shards += n;
      max = Math.max(max, n);
    }
    // Own properties for every owner id, `__proto__` included (an assignment would set the prototype).
    const perNode: Record<string, number> = Object.fromEntries(sorted);
    if (shards === 0) return err(serviceErrors.namespaceMissing(namespace));
    const mean = shards / counts.size;
    return ok({ namespace, shards, balance: { perNode, max, mean, ratio: max / mean }, version });
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
   * changes already applied (newest first) and is returned with metadata `applied` / `rolledBack`.
   *
   * Errors (before anything is written): `shards.control.plan.invalid` for a malformed plan or a change whose
   * namespace is not the plan's; `error.validation` when a change's keys are not lookup values or the strategy,
   * a proposed owner or the governance text break the identifier grammar (`ShardIdentifierLimits`).
   */
  apply(request: ShardApplyRequest, options: ShardCallOptions = {}): Promise<Result<ShardApplyResult>> {
    return applyPlan(
      (m, signal) => this.#retry((s) => this.repository.upsert(m, { signal: s }), signal),
      (k, signal) => this.#retry((s) => this.repository.get(k, { signal: s }), signal),
      request,
      options.signal,
    );
  }

  /** Ok once reads reflect `position` (see `ShardListOptions.minPosition`). */
  async #reach(position: number, signal: AbortSignal | undefined): Promise<Result<number>> {
    if (!Number.isSafeInteger(position) || position < 0)
      return err(serviceErrors.validation("minPosition must be a non-negative integer.", "$.minPosition"));
    const repo = this.repository;
    if (repo.waitForPosition !== undefined)
      return repo.waitForPosition(position, { timeoutMs: this.#positionWaitMs, signal });
    const head = await this.#retry((s) => repo.highestPosition({ signal: s }), signal);
    if (head.isErr || head.value >= position) return head;
    return err(
      PipeError.from(
        `The store has position ${head.value}, not yet ${position}.`,
        ShardErrorCodes.viewBehind,
        {
          metadata: { position: head.value, requested: position },
        },
      ),
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
