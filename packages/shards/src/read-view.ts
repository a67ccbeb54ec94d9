import { delay, TimeProvider } from "@pipe/channels";
import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "./codes.ts";
import { DiffHistory, sameRecord } from "./internal/diff-history.ts";
import { keyTextError, queryTextError } from "./internal/lookup.ts";
import { ChangeNotifier } from "./internal/notifier.ts";
import { registerRecordsJson } from "./internal/records-json.ts";
import { canceled, diffStream, guard, historyCompacted, STREAM_PAGE } from "./internal/store-common.ts";
import { ViewIndex } from "./internal/view-index.ts";
import type {
  ShardKey,
  ShardMutationRequest,
  ShardMutationResult,
  ShardRecord,
  ShardRecordDiff,
} from "./model.ts";
import type {
  ShardCompaction,
  ShardDiffReadOptions,
  ShardQueryOptions,
  ShardQueryPage,
  ShardRepository,
  ShardRepositoryCallOptions,
} from "./repository.ts";

/**
 * Options of {@link ShardReadView.open}.
 *
 * @example
 * ```ts
 * import type { ShardReadViewOptions } from "@pipe/shards";
 * const o: ShardReadViewOptions = { recentDiffs: 100_000, writeVisibilityMs: 2_000 };
 * console.log(o.recentDiffs);
 * ```
 */
export interface ShardReadViewOptions {
  /** Clock of the tail's back-off and of the waits (default `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider | undefined;
  /**
   * Most recent diffs kept in memory for `readDiffs`/`watch` (default 1,000,000, the reference app's history
   * retention; 0 keeps none). Held in columns that share the records (see the package README for the cost).
   */
  readonly recentDiffs?: number | undefined;
  /** How long `upsert` waits for its own write to reach the view (default 5,000 ms; 0 does not wait). */
  readonly writeVisibilityMs?: number | undefined;
  /** Called with each failure of the change-log tail (it is retried from the last applied position). */
  readonly onTailError?: ((error: PipeError) => void) | undefined;
  /** Aborting it before `open` finishes cancels the load (`error.canceled`). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of {@link ShardReadView.waitForPosition}.
 *
 * @example
 * ```ts
 * import type { ShardPositionWaitOptions } from "@pipe/shards";
 * const o: ShardPositionWaitOptions = { timeoutMs: 1_000 };
 * console.log(o.timeoutMs);
 * ```
 */
export interface ShardPositionWaitOptions {
  /** Longest wait in ms (default 0: answer at once). */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_RECENT = 1_000_000;
const NO_DIFFS: readonly ShardRecordDiff[] = Object.freeze([]);
const DEFAULT_VISIBILITY_MS = 5_000;
const BACKOFF_MS = [25, 100, 250, 500, 1_000, 2_000, 5_000] as const;
/** The longest delay timers accept (about 24.8 days); longer waits are capped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const nonNegativeInteger = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`ShardReadView: ${name} must be a non-negative safe integer, got ${String(value)}.`);
  return value;
};

/**
 * Appends `diff` to `history` with shared records: `current` is the index's record when it is that version,
 * `previous` is `before` (the key's newest record held so far) when it is the same snapshot; other records are
 * kept as copies whose texts the index shares. Returns the record held as `current`.
 */
function remember(
  history: DiffHistory,
  index: ViewIndex,
  diff: ShardRecordDiff,
  before: ShardRecord | null,
): ShardRecord {
  if (history.capacity === 0) return diff.current;
  const held = index.get(diff.current);
  const current = held !== null && sameRecord(held, diff.current) ? held : index.share(diff.current);
  const previous =
    diff.previous === null
      ? null
      : before !== null && sameRecord(before, diff.previous)
        ? before
        : index.share(diff.previous);
  history.push(diff.position, current, previous, diff.history);
  return current;
}

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
  #index = new ViewIndex();
  #history: DiffHistory;
  readonly #recentDiffs: number;
  readonly #notifier = new ChangeNotifier();
  readonly #stop = new AbortController();
  readonly #time: TimeProvider;
  readonly #visibilityMs: number;
  readonly #onTailError: ((error: PipeError) => void) | undefined;
  #position = 0;
  /** The compaction point this view knows of (from its own `compactHistory` calls). */
  #compacted = 0;
  #lastError: PipeError | undefined;
  #tail: Promise<void> | undefined;
  #closed = false;

  private constructor(store: ShardRepository, options: ShardReadViewOptions) {
    this.store = store;
    this.#time = options.timeProvider ?? TimeProvider.system;
    this.#recentDiffs = nonNegativeInteger("recentDiffs", options.recentDiffs, DEFAULT_RECENT);
    this.#history = new DiffHistory(this.#recentDiffs);
    this.#visibilityMs = nonNegativeInteger(
      "writeVisibilityMs",
      options.writeVisibilityMs,
      DEFAULT_VISIBILITY_MS,
    );
    this.#onTailError = options.onTailError;
    registerRecordsJson(this, (records, before, after) => this.#index.jsonArray(records, before, after));
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
    view.#tail = view.#run().catch((e: unknown) => {
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
    return this.#position;
  }

  /** Records held. */
  get size(): number {
    return this.#index.size;
  }

  /** The last failure of the change-log tail since it last applied a change, or `undefined`. */
  get lastTailError(): PipeError | undefined {
    return this.#lastError;
  }

  /** Shard counts per owner in `namespace` (from the view, no store call). */
  ownerCounts(namespace: string): ReadonlyMap<string, number> {
    return this.#index.ownerCounts(namespace);
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
    const timeout = options.timeoutMs ?? 0;
    if (this.#position >= position) return ok(this.#position);
    if (timeout > 0) await this.#waitUntil(() => this.#position >= position, timeout, options.signal);
    if (this.#position >= position) return ok(this.#position);
    if (options.signal?.aborted) return err(canceled(options.signal));
    return err(
      PipeError.from(
        `The view has applied position ${this.#position}, not yet ${position}.`,
        ShardErrorCodes.viewBehind,
        { metadata: { position: this.#position, requested: position } },
      ),
    );
  }

  /** Waits until `done()` holds, `ms` pass, `signal` aborts or the view closes. */
  async #waitUntil(done: () => boolean, ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = this.#time.setTimeout(() => stop.abort(), Math.min(ms, MAX_TIMER_MS));
    try {
      while (!done() && !stop.signal.aborted && !this.#closed)
        await this.#notifier.wait(this.#notifier.generation, stop.signal);
    } finally {
      this.#time.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  get(key: ShardKey, options?: ShardRepositoryCallOptions): Promise<Result<ShardRecord | null>> {
    return guard("shards.view.get", options, () => {
      const invalid = keyTextError(key.namespace, key.shardId);
      return invalid === undefined ? ok(this.#index.get(key)) : err(invalid);
    });
  }

  list(namespace?: string, options?: ShardRepositoryCallOptions): Promise<Result<readonly ShardRecord[]>> {
    return guard("shards.view.list", options, () => {
      const invalid = keyTextError(namespace);
      return invalid === undefined ? ok(this.#index.list(namespace)) : err(invalid);
    });
  }

  query(q: ShardQueryOptions, call?: ShardRepositoryCallOptions): Promise<Result<ShardQueryPage>> {
    return guard("shards.view.query", call, () => {
      const invalid = queryTextError(q);
      if (invalid !== undefined) return err(invalid);
      const position = this.#position;
      const page = this.#index.query(q);
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
    if (written.isOk) await this.#visible(written.value.record, options?.signal);
    return written;
  }

  readDiffs(after: number, options: ShardDiffReadOptions): Promise<Result<readonly ShardRecordDiff[]>> {
    const from = Math.max(0, Math.floor(after));
    if (from < this.#compacted) return Promise.resolve(err(historyCompacted(this.#compacted, from)));
    if (from <= this.#position && this.#history.covers(from)) {
      return guard("shards.view.readDiffs", options, () => {
        let to = Math.min(this.#position, from + Math.max(1, Math.floor(options.limit)));
        if (options.upTo !== undefined) to = Math.min(to, Math.max(from, Math.floor(options.upTo)));
        return ok(this.#history.slice(from, to));
      });
    }
    return this.store.readDiffs(after, options);
  }

  highestPosition(options?: ShardRepositoryCallOptions): Promise<Result<number>> {
    return guard("shards.view.highestPosition", options, () => ok(this.#position));
  }

  streamDiffs(
    since?: number | null,
    options?: ShardRepositoryCallOptions,
  ): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, undefined);
  }

  watch(since?: number | null, options?: ShardRepositoryCallOptions): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#watchPage, since, options?.signal, this.#notifier);
  }

  /** Compacts the store's history (see `ShardRepository.compactHistory`); fails when the store cannot. */
  async compactHistory(
    throughPosition: number,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardCompaction>> {
    if (this.store.compactHistory === undefined)
      return err(PipeError.from("This store does not compact its history.", ErrorCodes.unspecified));
    const done = await this.store.compactHistory(throughPosition, options);
    if (done.isOk) {
      this.#compacted = Math.max(this.#compacted, done.value.compactedThrough);
      this.#history.dropThrough(this.#compacted);
    }
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
    after >= this.#position && after >= this.#compacted
      ? Promise.resolve(ok(NO_DIFFS))
      : this.readDiffs(after, { limit: STREAM_PAGE, signal });

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    this.#notifier.close();
    await this.#tail;
  }

  /**
   * Loads the store: head position, every record, then the most recent diffs up to the head (from the
   * compaction point on when the store compacted later than `head - recentDiffs`), so recent `diff`s and watch
   * resumes are served from memory at once. Swaps the result in whole.
   */
  async #load(signal: AbortSignal | undefined): Promise<Result<void>> {
    const head = await this.store.highestPosition({ signal });
    if (head.isErr) return err(head.error);
    const records = await this.store.list(undefined, { signal });
    if (records.isErr) return err(records.error);
    const index = new ViewIndex();
    for (const r of records.value) index.apply(r);
    const history = new DiffHistory(this.#recentDiffs);
    // The newest record of each key met in the history so far: the next change of that key shares it as `previous`.
    const latest = new Map<string, Map<string, ShardRecord>>();
    let after = Math.max(0, head.value - this.#recentDiffs, this.#compacted);
    while (after < head.value) {
      const page = await this.store.readDiffs(after, { limit: STREAM_PAGE * 4, upTo: head.value, signal });
      if (page.isErr) {
        const through = page.error.metadata.compactedThrough;
        if (
          page.error.code !== ShardErrorCodes.historyCompacted ||
          typeof through !== "number" ||
          through <= after
        )
          return err(page.error);
        this.#compacted = Math.max(this.#compacted, through);
        after = through;
        continue;
      }
      if (page.value.length === 0) break;
      for (const d of page.value) {
        let byId = latest.get(d.current.namespace);
        if (byId === undefined) latest.set(d.current.namespace, (byId = new Map()));
        const current = remember(history, index, d, byId.get(d.current.shardId) ?? null);
        byId.set(current.shardId, current);
      }
      after = page.value[page.value.length - 1].position;
    }
    this.#index = index;
    this.#history = history;
    this.#position = Math.max(this.#position, head.value);
    this.#notifier.notify();
    return ok(undefined);
  }

  #tailFailed(failure: PipeError): void {
    this.#lastError = failure;
    this.#onTailError?.(failure);
  }

  /**
   * Tails the store's change log from the applied position until closed, retrying failures with back-off. A
   * tail that fell behind the store's compaction point reloads the whole view, then tails on.
   */
  async #run(): Promise<void> {
    let attempt = 0;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let failure: PipeError | undefined;
      for await (const r of this.store.watch(this.#position, { signal })) {
        if (r.isErr) {
          if (!signal.aborted) failure = r.error;
          break;
        }
        attempt = 0;
        this.#apply(r.value);
      }
      if (signal.aborted) return;
      if (failure === undefined) {
        // A watch that ends without a failure means the store closed: nothing more will arrive.
        this.#tailFailed(
          PipeError.from("The store's change log ended (the store closed).", ShardErrorCodes.streamFailure),
        );
        return;
      }
      this.#tailFailed(failure);
      if (failure.code === ShardErrorCodes.historyCompacted) {
        const reloaded = await this.#load(signal);
        if (reloaded.isOk) {
          attempt = 0;
          continue;
        }
        if (signal.aborted) return;
        this.#tailFailed(reloaded.error);
      }
      const pause = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
      await delay(pause, { signal, timeProvider: this.#time });
    }
  }

  #apply(diff: ShardRecordDiff): void {
    if (diff.position <= this.#position) return;
    const before = this.#index.get(diff.current);
    this.#index.apply(diff.current);
    remember(this.#history, this.#index, diff, before);
    this.#position = diff.position;
    this.#lastError = undefined;
    this.#notifier.notify();
  }

  /**
   * Waits (up to the visibility timeout, or until `signal` aborts) until the tail has brought `record`'s
   * version into the view. The record is never applied out of order: the page position (the ETag) always
   * names the content.
   */
  async #visible(record: ShardRecord, signal: AbortSignal | undefined): Promise<void> {
    const holds = (): boolean => (this.#index.get(record)?.version ?? 0) >= record.version;
    if (holds() || this.#visibilityMs === 0) return;
    await this.#waitUntil(holds, this.#visibilityMs, signal);
  }
}
