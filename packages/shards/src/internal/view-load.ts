import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardRecord, ShardRecordDiff } from "../model.ts";
import type { ShardRepository } from "../repository.ts";
import { DiffHistory, sameRecord } from "./diff-history.ts";
import { STREAM_PAGE } from "./store-common.ts";
import { ViewIndex } from "./view-index.ts";

/**
 * Appends `diff` to `history` with shared records: `current` is the index's record when it is that version,
 * `previous` is `before` (the key's newest record held so far) when it is the same snapshot; other records are
 * kept as copies whose texts the index shares. Returns the record held as `current`. @internal
 */
export function remember(
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

/** A store loaded into memory by {@link loadView}. @internal */
export interface LoadedView {
  readonly index: ViewIndex;
  readonly history: DiffHistory;
  /** The store's head position read before the records: the view holds every change up to it. */
  readonly head: number;
  /** The compaction point met while reading the history (at least the one passed in). */
  readonly compacted: number;
}

/**
 * Loads `store`: head position, every record, then the most recent `recentDiffs` diffs up to the head (from the
 * compaction point on when the store compacted later than `head - recentDiffs`), so recent `diff`s and watch
 * resumes are served from memory at once. Fails with the store's failure. @internal
 */
export async function loadView(
  store: ShardRepository,
  recentDiffs: number,
  compactedThrough: number,
  signal: AbortSignal | undefined,
): Promise<Result<LoadedView>> {
  let compacted = compactedThrough;
  const head = await store.highestPosition({ signal });
  if (head.isErr) return err(head.error);
  const records = await store.list(undefined, { signal });
  if (records.isErr) return err(records.error);
  const index = new ViewIndex();
  for (const r of records.value) index.apply(r);
  const history = new DiffHistory(recentDiffs);
  // The newest record of each key met in the history so far: the next change of that key shares it as `previous`.
  const latest = new Map<string, Map<string, ShardRecord>>();
  let after = Math.max(0, head.value - recentDiffs, compacted);
  while (after < head.value) {
    const page = await store.readDiffs(after, { limit: STREAM_PAGE * 4, upTo: head.value, signal });
    if (page.isErr) {
      const through = page.error.metadata.compactedThrough;
      if (
        page.error.code !== ShardErrorCodes.historyCompacted ||
        typeof through !== "number" ||
        through <= after
      )
        return err(page.error);
      compacted = Math.max(compacted, through);
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
  return ok({ index, history, head: head.value, compacted });
}
