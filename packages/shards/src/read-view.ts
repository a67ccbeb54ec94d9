import { TimeProvider } from "@pipe/channels";
import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "./codes.ts";
import { keyTextError, queryTextError } from "./internal/lookup.ts";
import { registerRecordsJson } from "./internal/records-json.ts";
import { diffStream, guard, historyCompacted, STREAM_PAGE } from "./internal/store-common.ts";
import { loadView } from "./internal/view-load.ts";
import { ViewState } from "./internal/view-state.ts";
import { tailChangeLog } from "./internal/view-tail.ts";
import type {
  ShardKey,
  ShardMutationRequest,
  ShardMutationResult,
  ShardRecord,
  ShardRecordDiff,
} from "./model.ts";
import type { ShardPositionWaitOptions, ShardReadViewOptions } from "./read-view-options.ts";
import type {
  ShardCompaction,
  ShardDiffReadOptions,
  ShardQueryOptions,
  ShardQueryPage,
  ShardRepository,
  ShardRepositoryCallOptions,
} from "./repository.ts";

const DEFAULT_RECENT = 1_000_000;
const NO_DIFFS: readonly ShardRecordDiff[] = Object.freeze([]);
const DEFAULT_VISIBILITY_MS = 5_000;

const nonNegativeInteger = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`ShardReadView: ${name} must be a non-negative safe integer, got ${String(value)}.`);
  return value;
};

/**
 * A {@link ShardRepository} that serves reads from an indexed in-memory copy of a store, kept current from
 * the store's change log, and passes writes through.
 *
 * When to use: in front of the PGlite or PostgreSQL store of a control-plane instance, so `list`, `get`,
 * recent `diff`s and live `watch` streams cost no store round trip and many watchers share one tail.
 *
 * Details:
 * - `open` reads the head position, loads every record, then tails `store.watch` from that head and resolves
 *   once the view has applied everything up to the head read after the load. Applying a record is guarded
 *   by its version, so a record seen both in the load and in the tail is applied once.
 * - `position` (and the page `position` of `query`, so the HTTP `ETag`) is the highest change position
 *   applied: the view holds every change up to it.
 * - `upsert` writes to the store, then waits (up to `writeVisibilityMs`) until its own write has arrived
 *   through the tail (read your writes on the writing instance). Another instance's client can pass the position it last saw to
 *   {@link ShardReadView.waitForPosition}.
 * - `readDiffs`, `streamDiffs` and `watch` are served from the last `recentDiffs` changes (loaded at `open`,
 *   dropped by `compactHistory`) when they cover the range, from the store otherwise. One tail feeds every
 *   watcher; a watch resumed after the applied position waits for the view to apply it (no store read). The
 *   diffs are built per read: their `current` and `previous` are shared record objects.
 * - A tail failure (a dropped LISTEN connection, a store fault) is reported to `onTailError` and retried from
 *   the last applied position with back-off (25 ms doubling to 5 s); reads keep answering from the view. A
 *   tail that fell behind the store's compaction point (`shards.control.history.compacted`) reloads the view.
 *
 * Gotchas: memory grows with the records held (see the package README for the measured cost per 1M
 * shards). `close()` ends the tail, the live watches, and closes the store.
 *
 * Errors: `open` returns the store's failure, or `error.canceled` when `signal` aborts.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, ShardControlPlaneService, ShardReadView } from "@pipe/shards";
 * const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
 * const service = new ShardControlPlaneService({ repository: view });
 * await service.upsert({ namespace: "ns", shardId: "s1", strategyId: "rendezvous", ownerNodeId: "a" });
 * console.log(view.position, (await view.get({ namespace: "ns", shardId: "s1" })).unwrap()?.ownerNodeId); // 1 "a"
 * await view.close();
 * ```
 */
export class ShardReadView implements ShardRepository {
  /** The store the view reads from and writes through. */
  readonly store: ShardRepository;
  readonly #state: ViewState;
  readonly #recentDiffs: number;
  readonly #stop = new AbortController();
  readonly #time: TimeProvider;
  readonly #visibilityMs: number;
  readonly #onTailError: ((error: PipeError) => void) | undefined;
  #lastError: PipeError | undefined;
  #tail: Promise<void> | undefined;
  #closed = false;

  private constructor(store: ShardRepository, options: ShardReadViewOptions) {
    this.store = store;
    this.#time = options.timeProvider ?? TimeProvider.system;
    this.#recentDiffs = nonNegativeInteger("recentDiffs", options.recentDiffs, DEFAULT_RECENT);
    this.#state = new ViewState(this.#recentDiffs, this.#time);
    this.#visibilityMs = nonNegativeInteger(
      "writeVisibilityMs",
      options.writeVisibilityMs,
      DEFAULT_VISIBILITY_MS,
    );
    this.#onTailError = options.onTailError;
    registerRecordsJson(this, (records, before, after) =>
      this.#state.index.jsonArray(records, before, after),
    );
  }

  /** Loads `store` into a new view and starts tailing its change log (see the class Details). */
  static async open(
    store: ShardRepository,
    options: ShardReadViewOptions = {},
  ): Promise<Result<ShardReadView>> {
    if (store === null || typeof store !== "object" || typeof store.watch !== "function")
      throw new TypeError("ShardReadView.open: store must be a ShardRepository.");
    const view = new ShardReadView(store, options);
    const signal = options.signal;
    const loaded = await view.#load(signal);
    if (loaded.isErr) return err(loaded.error);
    view.#tail = tailChangeLog({
      store,
      signal: view.#stop.signal,
      time: view.#time,
      position: () => view.#state.position,
      apply: (diff) => {
        if (view.#state.apply(diff)) view.#lastError = undefined;
      },
      failed: (failure) => view.#tailFailed(failure),
      reload: () => view.#load(view.#stop.signal),
    }).catch((e: unknown) => {
      // A store whose watch throws broke its contract (failed Results, never throws): the tail stops, said once.
      view.#tailFailed(PipeError.fromException(e, ShardErrorCodes.repositoryFailure));
    });
    const caughtUp = await store.highestPosition({ signal });
    const ready = caughtUp.isErr
      ? caughtUp
      : await view.waitForPosition(caughtUp.value, { signal, timeoutMs: 2 ** 31 - 1 });
    if (ready.isErr) {
      await view.#shutdown();
      return err(ready.error);
    }
    return ok(view);
  }

  /** The highest change position applied: the view holds every change up to it. */
  get position(): number {
    return this.#state.position;
  }

  /** Records held. */
  get size(): number {
    return this.#state.index.size;
  }

  /** The last failure of the change-log tail since it last applied a change, or `undefined`. */
  get lastTailError(): PipeError | undefined {
    return this.#lastError;
  }

  /** Shard counts per owner in `namespace` (from the view, no store call). */
  ownerCounts(namespace: string): ReadonlyMap<string, number> {
    return this.#state.index.ownerCounts(namespace);
  }

  /**
   * Resolves once the view has applied `position` (Ok with the applied position), or, after `timeoutMs`,
   * fails with `shards.control.view.behind` (metadata `position`, `requested`).
   *
   * Errors: `shards.control.view.behind`, `error.canceled` (signal), `error.validation` (`position` not a
   * non-negative safe integer).
   */
  async waitForPosition(position: number, options: ShardPositionWaitOptions = {}): Promise<Result<number>> {
    if (!Number.isSafeInteger(position) || position < 0)
      return err(PipeError.from("position must be a non-negative safe integer.", ErrorCodes.validation));
    return this.#state.reach(position, options.timeoutMs ?? 0, options.signal);
  }

  get(key: ShardKey, options?: ShardRepositoryCallOptions): Promise<Result<ShardRecord | null>> {
    return guard("shards.view.get", options, () => {
      const invalid = keyTextError(key.namespace, key.shardId);
      return invalid === undefined ? ok(this.#state.index.get(key)) : err(invalid);
    });
  }

  list(namespace?: string, options?: ShardRepositoryCallOptions): Promise<Result<readonly ShardRecord[]>> {
    return guard("shards.view.list", options, () => {
      const invalid = keyTextError(namespace);
      return invalid === undefined ? ok(this.#state.index.list(namespace)) : err(invalid);
    });
  }

  query(q: ShardQueryOptions, call?: ShardRepositoryCallOptions): Promise<Result<ShardQueryPage>> {
    return guard("shards.view.query", call, () => {
      const invalid = queryTextError(q);
      if (invalid !== undefined) return err(invalid);
      const position = this.#state.position;
      const page = this.#state.index.query(q);
      const last = page.items[page.items.length - 1];
      return ok({
        items: page.items,
        nextCursor:
          page.more && last !== undefined ? { namespace: last.namespace, shardId: last.shardId } : null,
        position,
      });
    });
  }

  async upsert(
    mutation: ShardMutationRequest,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardMutationResult>> {
    const written = await this.store.upsert(mutation, options);
    if (written.isOk) await this.#state.holds(written.value.record, this.#visibilityMs, options?.signal);
    return written;
  }

  readDiffs(after: number, options: ShardDiffReadOptions): Promise<Result<readonly ShardRecordDiff[]>> {
    const from = Math.max(0, Math.floor(after));
    const state = this.#state;
    if (from < state.compacted) return Promise.resolve(err(historyCompacted(state.compacted, from)));
    if (from <= state.position && state.history.covers(from)) {
      return guard("shards.view.readDiffs", options, () => {
        let to = Math.min(state.position, from + Math.max(1, Math.floor(options.limit)));
        if (options.upTo !== undefined) to = Math.min(to, Math.max(from, Math.floor(options.upTo)));
        return ok(state.history.slice(from, to));
      });
    }
    return this.store.readDiffs(after, options);
  }

  highestPosition(options?: ShardRepositoryCallOptions): Promise<Result<number>> {
    return guard("shards.view.highestPosition", options, () => ok(this.#state.position));
  }

  streamDiffs(
    since?: number | null,
    options?: ShardRepositoryCallOptions,
  ): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, undefined);
  }

  watch(since?: number | null, options?: ShardRepositoryCallOptions): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#watchPage, since, options?.signal, this.#state.notifier);
  }

  /** Compacts the store's history (see `ShardRepository.compactHistory`); fails when the store cannot. */
  async compactHistory(
    throughPosition: number,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardCompaction>> {
    if (this.store.compactHistory === undefined)
      return err(PipeError.from("This store does not compact its history.", ErrorCodes.unspecified));
    const done = await this.store.compactHistory(throughPosition, options);
    if (done.isOk) this.#state.compact(done.value.compactedThrough);
    return done;
  }

  /** Ends the tail and every live watch, then closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#shutdown();
    await this.store.close();
  }

  readonly #page = (
    after: number,
    signal: AbortSignal | undefined,
  ): Promise<Result<readonly ShardRecordDiff[]>> => this.readDiffs(after, { limit: STREAM_PAGE, signal });

  /**
   * A live watch's page: nothing after the applied position until the view applies it (the tail then wakes
   * the watch), so a watch resumed ahead of the view costs no store read per change.
   */
  readonly #watchPage = (
    after: number,
    signal: AbortSignal | undefined,
  ): Promise<Result<readonly ShardRecordDiff[]>> =>
    after >= this.#state.position && after >= this.#state.compacted
      ? Promise.resolve(ok(NO_DIFFS))
      : this.readDiffs(after, { limit: STREAM_PAGE, signal });

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    this.#state.notifier.close();
    await this.#tail;
  }

  /** Loads the store (see `loadView`) and swaps the result in whole. */
  async #load(signal: AbortSignal | undefined): Promise<Result<void>> {
    const loaded = await loadView(this.store, this.#recentDiffs, this.#state.compacted, signal);
    return loaded.map((value) => this.#state.replace(value));
  }

  #tailFailed(failure: PipeError): void {
    this.#lastError = failure;
    this.#onTailError?.(failure);
  }
}
