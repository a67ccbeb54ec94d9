import type { Result } from "@pipe/result";
import type {
  ShardKey,
  ShardMutationRequest,
  ShardMutationResult,
  ShardRecord,
  ShardRecordDiff,
  ShardStatus,
} from "./model.ts";

/**
 * A filtered, cursor-paged listing request to a store.
 *
 * Details: identifiers (`namespace`, `ownerNodeId`) match ordinally; `search` is a case-insensitive substring
 * of the shard id under one context-free full case folding (`ß` = `ss`, `Σ` = `σ` = `ς`; the same in every
 * store), with no wildcard characters (`%`, `_` match themselves); an empty `statuses`
 * means any. Items are ordered by (namespace, shardId) in Unicode code-point order (PostgreSQL `"C"`
 * collation); `cursor` is exclusive.
 *
 * @example
 * ```ts
 * import type { ShardQueryOptions } from "@pipe/shards";
 * const q: ShardQueryOptions = { namespace: "ns", statuses: ["active"], pageSize: 100 };
 * console.log(q.pageSize);
 * ```
 */
export interface ShardQueryOptions {
  readonly namespace?: string | undefined;
  readonly ownerNodeId?: string | undefined;
  readonly search?: string | undefined;
  readonly statuses?: readonly ShardStatus[] | undefined;
  /** 1..500 (the service clamps). */
  readonly pageSize: number;
  readonly cursor?: ShardKey | undefined;
}

/**
 * One page of a listing.
 *
 * Details: `nextCursor` is the last item's key when more items remain (never a trailing empty page; the
 * original's relational store returned one when the page was exactly full). `position` is the store's highest
 * change position when the page was read: a strong validator (any mutation anywhere raises it).
 *
 * @example
 * ```ts
 * import type { ShardQueryPage } from "@pipe/shards";
 * const more = (p: ShardQueryPage) => p.nextCursor !== null;
 * console.log(typeof more);
 * ```
 */
export interface ShardQueryPage {
  readonly items: readonly ShardRecord[];
  readonly nextCursor: ShardKey | null;
  readonly position: number;
}

/**
 * Per-call options of a repository operation.
 *
 * @example
 * ```ts
 * import type { ShardRepositoryCallOptions } from "@pipe/shards";
 * const o: ShardRepositoryCallOptions = { signal: AbortSignal.timeout(1000) };
 * console.log(o.signal !== undefined);
 * ```
 */
export interface ShardRepositoryCallOptions {
  /** Checked before the call starts (an aborted signal gives `error.canceled`); an in-flight SQL statement is not interrupted. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of a diff page read.
 *
 * @example
 * ```ts
 * import type { ShardDiffReadOptions } from "@pipe/shards";
 * const o: ShardDiffReadOptions = { limit: 1000, upTo: 5000 };
 * console.log(o.limit);
 * ```
 */
export interface ShardDiffReadOptions extends ShardRepositoryCallOptions {
  /** Maximum diffs returned (≥ 1). */
  readonly limit: number;
  /** Inclusive upper bound on positions. */
  readonly upTo?: number | undefined;
}

/**
 * The outcome of a history compaction.
 *
 * @example
 * ```ts
 * import type { ShardCompaction } from "@pipe/shards";
 * const c: ShardCompaction = { compactedThrough: 1000, removed: 1000 };
 * console.log(c.removed);
 * ```
 */
export interface ShardCompaction {
  /** Every position up to this one is compacted away (0: none). */
  readonly compactedThrough: number;
  /** History rows removed by this call. */
  readonly removed: number;
}

/**
 * The storage contract of the control plane: records, their history, and the global change stream.
 *
 * When to use: pick an implementation (`InMemoryShardRepository`, `PGliteShardRepository`,
 * `PostgresShardRepository`) and hand it to `ShardControlPlaneService`; all three pass one contract suite.
 *
 * Details:
 * - `upsert` is a create/update plus one history row, atomically. Without `expectedVersion` it is an
 *   unconditional last-writer-wins write: concurrent writers of one shard are serialised and all succeed,
 *   each with its own version and history row. With it, the version is compared with the current one (0 when
 *   the shard does not exist): a mismatch fails with `shards.control.version.conflict` and writes nothing.
 * - Every mutation gets the next global position; positions become visible in order (a reader never sees
 *   position n+1 before n), so `readDiffs(after)` never skips a position that commits later.
 * - `streamDiffs(since)` is a finite replay of positions > `since`; `watch(since)` replays, then tails live
 *   changes until its signal aborts (then yields one `error.canceled` and ends) or the repository closes.
 * - Store faults are failed Results with `shards.control.repository.failure` (retryable); nothing throws.
 *
 * Gotchas: abort is checked before each call and between pages; a running SQL statement completes.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository } from "@pipe/shards";
 * const repo = new InMemoryShardRepository();
 * const r = await repo.upsert({ namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a" });
 * console.log(r.isOk && r.value.created); // true
 * ```
 */
export interface ShardRepository {
  /** Point read: the record, or `null`. */
  get(key: ShardKey, options?: ShardRepositoryCallOptions): Promise<Result<ShardRecord | null>>;
  /** Every record (or one namespace's), ordered by (namespace, shardId). */
  list(namespace?: string, options?: ShardRepositoryCallOptions): Promise<Result<readonly ShardRecord[]>>;
  /** One filtered page. */
  query(options: ShardQueryOptions, call?: ShardRepositoryCallOptions): Promise<Result<ShardQueryPage>>;
  /** Optimistic create/update plus a history row. */
  upsert(
    mutation: ShardMutationRequest,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardMutationResult>>;
  /** Up to `limit` diffs with position > `after` (and ≤ `upTo`), ascending. */
  readDiffs(after: number, options: ShardDiffReadOptions): Promise<Result<readonly ShardRecordDiff[]>>;
  /** The highest position written so far (0 when empty). */
  highestPosition(options?: ShardRepositoryCallOptions): Promise<Result<number>>;
  /** Finite replay of positions > `since` (from the start when omitted). */
  streamDiffs(
    since?: number | null,
    options?: ShardRepositoryCallOptions,
  ): AsyncIterable<Result<ShardRecordDiff>>;
  /** Replay of positions > `since`, then live changes until the signal aborts or the repository closes. */
  watch(since?: number | null, options?: ShardRepositoryCallOptions): AsyncIterable<Result<ShardRecordDiff>>;
  /**
   * Optional: removes the history (diffs) at positions <= `throughPosition` (capped at the head), keeping every
   * record. Reads of compacted positions (`readDiffs`/`streamDiffs`/`watch` with an `after`/`since` below the
   * compaction point) then fail with `shards.control.history.compacted` (metadata `compactedThrough`).
   * Idempotent; never moves the compaction point back.
   */
  compactHistory?(
    throughPosition: number,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardCompaction>>;
  /**
   * Optional: resolves once reads reflect every change up to `position`, or fails with
   * `shards.control.view.behind` after `timeoutMs` (see `ShardReadView`). Stores that read the latest
   * committed state need not implement it: the service then compares `position` with `highestPosition`.
   */
  waitForPosition?(
    position: number,
    options?: { readonly timeoutMs?: number | undefined; readonly signal?: AbortSignal | undefined },
  ): Promise<Result<number>>;
  /** Releases connections and ends live watches. Idempotent. */
  close(): Promise<void>;
}
