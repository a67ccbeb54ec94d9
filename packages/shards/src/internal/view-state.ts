import type { TimeProvider } from "@pipe/channels";
import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardRecord, ShardRecordDiff } from "../model.ts";
import { DiffHistory } from "./diff-history.ts";
import { ChangeNotifier } from "./notifier.ts";
import { canceled } from "./store-common.ts";
import { ViewIndex } from "./view-index.ts";
import type { LoadedView } from "./view-load.ts";
import { remember } from "./view-load.ts";

/**
 * What a read view has applied of its store's change log: the records (`index`), the most recent diffs
 * (`history`), the highest applied `position` and the compaction point it knows of, and the notifier that
 * wakes waiters (live watches, position waits) on each change. @internal
 */
export class ViewState {
  index: ViewIndex = new ViewIndex();
  history: DiffHistory;
  position = 0;
  /** The compaction point this view knows of (from its loads and its own `compactHistory` calls). */
  compacted = 0;
  readonly notifier: ChangeNotifier = new ChangeNotifier();
  readonly #time: TimeProvider;

  constructor(recentDiffs: number, time: TimeProvider) {
    this.history = new DiffHistory(recentDiffs);
    this.#time = time;
  }

  /** Swaps in a whole loaded view (never moving the position back). */
  replace(loaded: LoadedView): void {
    this.index = loaded.index;
    this.history = loaded.history;
    this.compacted = Math.max(this.compacted, loaded.compacted);
    this.position = Math.max(this.position, loaded.head);
    this.notifier.notify();
  }

  /** Applies one change of the log (a position already applied is ignored); true when applied. */
  apply(diff: ShardRecordDiff): boolean {
    if (diff.position <= this.position) return false;
    const before = this.index.get(diff.current);
    this.index.apply(diff.current);
    remember(this.history, this.index, diff, before);
    this.position = diff.position;
    this.notifier.notify();
    return true;
  }

  /** Records the store's compaction through `position`: diffs up to it are dropped from memory. */
  compact(position: number): void {
    this.compacted = Math.max(this.compacted, position);
    this.history.dropThrough(this.compacted);
  }

  /**
   * Resolves once `position` is applied (Ok with the applied position), or, after `timeoutMs`, fails with
   * `shards.control.view.behind`; `error.canceled` when `signal` aborts first.
   */
  async reach(position: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<Result<number>> {
    if (this.position >= position) return ok(this.position);
    if (timeoutMs > 0)
      await this.notifier.waitUntil(() => this.position >= position, timeoutMs, signal, this.#time);
    if (this.position >= position) return ok(this.position);
    if (signal?.aborted) return err(canceled(signal));
    return err(
      PipeError.from(
        `The view has applied position ${this.position}, not yet ${position}.`,
        ShardErrorCodes.viewBehind,
        { metadata: { position: this.position, requested: position } },
      ),
    );
  }

  /** Waits up to `ms` (or until `signal` aborts) until `record`'s version (or a newer one) is applied. */
  async holds(record: ShardRecord, ms: number, signal: AbortSignal | undefined): Promise<void> {
    const holds = (): boolean => (this.index.get(record)?.version ?? 0) >= record.version;
    if (holds() || ms === 0) return;
    await this.notifier.waitUntil(holds, ms, signal, this.#time);
  }
}
