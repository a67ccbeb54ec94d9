import { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import { keyTextError, mutationTextError, queryTextError } from "../internal/lookup.ts";
import { ChangeNotifier } from "../internal/notifier.ts";
import { compareKeys } from "../internal/ordinal.ts";
import { foldSearch } from "../internal/search-fold.ts";
import {
  diffStream,
  guard,
  historyCompacted,
  prepareMutation,
  STREAM_PAGE,
} from "../internal/store-common.ts";
import type {
  ShardKey,
  ShardMutationRequest,
  ShardMutationResult,
  ShardRecord,
  ShardRecordDiff,
} from "../model.ts";
import type {
  ShardCompaction,
  ShardDiffReadOptions,
  ShardQueryOptions,
  ShardQueryPage,
  ShardRepository,
  ShardRepositoryCallOptions,
} from "../repository.ts";

/**
 * Options of an {@link InMemoryShardRepository}.
 *
 * @example
 * ```ts
 * import type { InMemoryShardRepositoryOptions } from "@pipe/shards";
 * const o: InMemoryShardRepositoryOptions = {};
 * console.log(o);
 * ```
 */
export interface InMemoryShardRepositoryOptions {
  /** Clock for `updatedAt`/`createdAt` (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
}

const key = (k: ShardKey): string => `${k.namespace}\u0000${k.shardId}`;

/**
 * A process-local {@link ShardRepository}: records in a map, history and change log in arrays.
 *
 * When to use: tests, simulations and embedding where durability is not needed.
 *
 * Details: mutations are atomic (synchronous inside), so concurrent writers never lose an update; positions
 * start at 1 and are dense. `watch` tails through an in-process notifier. Ordering, filtering and conflict
 * codes are the SQL stores' (one contract suite). Records are kept in a key-sorted array that is re-sorted
 * lazily after creates.
 *
 * Gotchas: nothing survives the process. `close()` ends live watches; later calls still work on the data.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository } from "@pipe/shards";
 * const repo = new InMemoryShardRepository();
 * await repo.upsert({ namespace: "ns", shardId: "s1", strategyId: "ring", ownerNodeId: "a" });
 * console.log((await repo.list("ns")).unwrap().length); // 1
 * ```
 */
export class InMemoryShardRepository implements ShardRepository {
  readonly #records = new Map<string, ShardRecord>();
  #ordered: ShardRecord[] = [];
  #orderedKeys: string[] = [];
  #dirty = false;
  readonly #diffs: ShardRecordDiff[] = [];
  /** Positions removed from the front of `#diffs` by compaction. */
  #compacted = 0;
  readonly #notifier = new ChangeNotifier();
  readonly #time: TimeProvider;

  constructor(options: InMemoryShardRepositoryOptions = {}) {
    this.#time = options.timeProvider ?? TimeProvider.system;
  }

  get(k: ShardKey, options?: ShardRepositoryCallOptions): Promise<Result<ShardRecord | null>> {
    return guard("shards.repository.get", options, () => {
      const invalid = keyTextError(k.namespace, k.shardId);
      return invalid === undefined ? ok(this.#records.get(key(k)) ?? null) : err(invalid);
    });
  }

  list(namespace?: string, options?: ShardRepositoryCallOptions): Promise<Result<readonly ShardRecord[]>> {
    return guard("shards.repository.list", options, () => {
      const invalid = keyTextError(namespace);
      if (invalid !== undefined) return err(invalid);
      const all = this.#sorted();
      return ok(namespace === undefined ? [...all] : all.filter((r) => r.namespace === namespace));
    });
  }

  query(q: ShardQueryOptions, call?: ShardRepositoryCallOptions): Promise<Result<ShardQueryPage>> {
    return guard("shards.repository.query", call, () => {
      const invalid = queryTextError(q);
      if (invalid !== undefined) return err(invalid);
      const all = this.#sorted();
      const lowerBound = (probe: ShardKey, inclusive: boolean): number => {
        let lo = 0;
        let hi = all.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const c = compareKeys(all[mid], probe);
          if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      let i = q.cursor === undefined ? 0 : lowerBound(q.cursor, false);
      if (q.namespace !== undefined)
        i = Math.max(i, lowerBound({ namespace: q.namespace, shardId: "" }, true));
      const search = q.search === undefined ? undefined : foldSearch(q.search);
      const statuses = q.statuses !== undefined && q.statuses.length > 0 ? q.statuses : undefined;
      const items: ShardRecord[] = [];
      let more = false;
      for (; i < all.length; i++) {
        const r = all[i];
        if (q.namespace !== undefined && r.namespace !== q.namespace) break;
        if (q.ownerNodeId !== undefined && r.ownerNodeId !== q.ownerNodeId) continue;
        if (statuses !== undefined && !statuses.includes(r.status)) continue;
        if (search !== undefined && !foldSearch(r.shardId).includes(search)) continue;
        if (items.length === q.pageSize) {
          more = true;
          break;
        }
        items.push(r);
      }
      const last = items[items.length - 1];
      return ok({
        items,
        nextCursor: more && last !== undefined ? { namespace: last.namespace, shardId: last.shardId } : null,
        position: this.#head(),
      });
    });
  }

  upsert(
    mutation: ShardMutationRequest,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardMutationResult>> {
    return guard("shards.repository.upsert", options, () => {
      const invalid = mutationTextError(mutation);
      if (invalid !== undefined) return err(invalid);
      const k = key(mutation);
      const existing = this.#records.get(k) ?? null;
      const prepared = prepareMutation(mutation, existing, this.#time.now());
      if (prepared.isErr) return err(prepared.error);
      const { record, history, created } = prepared.value;
      this.#records.set(k, record);
      if (created) {
        this.#ordered.push(record);
        this.#orderedKeys.push(k);
        this.#dirty = true;
      } else {
        this.#replaceOrdered(k, record);
      }
      this.#diffs.push({ position: this.#head() + 1, current: record, previous: existing, history });
      this.#notifier.notify();
      return ok({ record, history, created });
    });
  }

  readDiffs(after: number, options: ShardDiffReadOptions): Promise<Result<readonly ShardRecordDiff[]>> {
    return guard("shards.repository.readDiffs", options, () => {
      const start = Math.max(0, Math.floor(after));
      if (start < this.#compacted) return err(historyCompacted(this.#compacted, start));
      let end = Math.min(this.#head(), start + Math.max(1, options.limit));
      if (options.upTo !== undefined) end = Math.min(end, Math.max(start, Math.floor(options.upTo)));
      return ok(this.#diffs.slice(start - this.#compacted, end - this.#compacted));
    });
  }

  highestPosition(options?: ShardRepositoryCallOptions): Promise<Result<number>> {
    return guard("shards.repository.highestPosition", options, () => ok(this.#head()));
  }

  compactHistory(
    throughPosition: number,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardCompaction>> {
    return guard("shards.repository.compactHistory", options, () => {
      const through = Math.min(this.#head(), Math.max(this.#compacted, Math.floor(throughPosition)));
      const removed = through - this.#compacted;
      this.#diffs.splice(0, removed);
      this.#compacted = through;
      return ok({ compactedThrough: through, removed });
    });
  }

  #head(): number {
    return this.#compacted + this.#diffs.length;
  }

  streamDiffs(
    since?: number | null,
    options?: ShardRepositoryCallOptions,
  ): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, undefined);
  }

  watch(since?: number | null, options?: ShardRepositoryCallOptions): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, this.#notifier);
  }

  close(): Promise<void> {
    this.#notifier.close();
    return Promise.resolve();
  }

  readonly #page = (
    after: number,
    signal: AbortSignal | undefined,
  ): Promise<Result<readonly ShardRecordDiff[]>> => this.readDiffs(after, { limit: STREAM_PAGE, signal });

  #sorted(): readonly ShardRecord[] {
    if (this.#dirty) {
      const idx = this.#ordered
        .map((_, i) => i)
        .sort((a, b) => compareKeys(this.#ordered[a], this.#ordered[b]));
      this.#ordered = idx.map((i) => this.#ordered[i]);
      this.#orderedKeys = idx.map((i) => this.#orderedKeys[i]);
      this.#positions = undefined;
      this.#dirty = false;
    }
    return this.#ordered;
  }

  #positions: Map<string, number> | undefined;

  #replaceOrdered(k: string, record: ShardRecord): void {
    if (this.#dirty) {
      const i = this.#orderedKeys.lastIndexOf(k);
      if (i >= 0) this.#ordered[i] = record;
      return;
    }
    if (this.#positions === undefined) {
      this.#positions = new Map();
      for (let i = 0; i < this.#orderedKeys.length; i++) this.#positions.set(this.#orderedKeys[i], i);
    }
    const i = this.#positions.get(k);
    if (i !== undefined) this.#ordered[i] = record;
  }
}
