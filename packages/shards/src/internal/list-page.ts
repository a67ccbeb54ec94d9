/**
 * `ShardControlPlaneService.list` past its filter check: one page of the shards a filter matches, after the
 * cursor, the page size and `minPosition` are checked (in that order), answered from memory by a read view.
 */
import { err, type Result } from "@pipe/result";
import { encodeShardCursor } from "../cursor.ts";
import type { ShardFilter } from "../filter.ts";
import { ShardLimits } from "../limits.ts";
import { ShardReadView } from "../read-view.ts";
import type { ShardRepository } from "../repository.ts";
import type { ShardListOptions, ShardListPage } from "../service-types.ts";
import { reachPosition } from "./reach-position.ts";
import { cursorArgument, pageSizeError } from "./service-input.ts";
import type { StoreCall } from "./store-call.ts";

/**
 * One page of shards matching `filter`, ordered by (namespace, shardId); `positionWaitMs` bounds the wait for
 * `options.minPosition`. @internal
 */
export async function readListPage(
  retry: StoreCall,
  repository: ShardRepository,
  filter: ShardFilter,
  options: ShardListOptions,
  positionWaitMs: number,
): Promise<Result<ShardListPage>> {
  const cursor = cursorArgument("list", options.cursor);
  if (cursor.isErr) return err(cursor.error);
  const badSize = pageSizeError(options.pageSize, ShardLimits.minPageSize, ShardLimits.maxPageSize);
  if (badSize !== undefined) return err(badSize);
  const pageSize = options.pageSize ?? ShardLimits.defaultPageSize;
  if (options.minPosition !== undefined && options.minPosition !== null) {
    const reached = await reachPosition(
      retry,
      repository,
      options.minPosition,
      positionWaitMs,
      options.signal,
    );
    if (reached.isErr) return err(reached.error);
  }
  const query = filter.toQueryOptions(pageSize, cursor.value);
  // A read view answers from memory: its failures (validation, cancellation) are never retryable.
  const page =
    repository instanceof ShardReadView
      ? await repository.query(query, { signal: options.signal })
      : await retry((signal) => repository.query(query, { signal }), options.signal);
  return page.map((p) => ({
    items: p.items,
    nextCursor: p.nextCursor === null ? null : encodeShardCursor(p.nextCursor),
    version: p.position,
  }));
}
