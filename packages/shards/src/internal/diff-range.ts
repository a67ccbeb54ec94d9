/**
 * `ShardControlPlaneService.diff` past its filter checks: the diffs of a position range that match a filter,
 * read from the store's history in pages. An unbounded start begins at the oldest retained change, and again
 * there when a compaction passes it between two pages.
 */
import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardFilter } from "../filter.ts";
import type { ShardRecordDiff } from "../model.ts";
import type { ShardRepository } from "../repository.ts";
import type { ShardDiffPage } from "../service-types.ts";
import { isCanceled, serviceErrors } from "./service-errors.ts";
import type { StoreCall } from "./store-call.ts";

/** History rows read per store call. */
const DIFF_PAGE = 1000;

/**
 * The diffs with `from` ≤ position ≤ `to` (both inclusive, each optional) whose `current` matches `filter`;
 * `error.validation` for a bound that is not an integer from 0 to 2^53 − 1. @internal
 */
export async function readDiffRange(
  retry: StoreCall,
  repository: ShardRepository,
  from: number | null | undefined,
  to: number | null | undefined,
  filter: ShardFilter,
  signal: AbortSignal | undefined,
): Promise<Result<ShardDiffPage>> {
  if (from !== undefined && from !== null && (!Number.isSafeInteger(from) || from < 0))
    return err(serviceErrors.validation("fromPosition must be an integer from 0 to 2^53 - 1.", "$.from"));
  if (to !== undefined && to !== null && (!Number.isSafeInteger(to) || to < 0))
    return err(serviceErrors.validation("toPosition must be an integer from 0 to 2^53 - 1.", "$.to"));
  let after = from === undefined || from === null ? 0 : Math.max(0, from - 1);
  const items: ShardRecordDiff[] = [];
  for (;;) {
    if (to !== undefined && to !== null && after >= to) break;
    const page = await retry(
      (s) => repository.readDiffs(after, { limit: DIFF_PAGE, upTo: to ?? undefined, signal: s }),
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
