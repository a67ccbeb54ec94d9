/**
 * `ShardListOptions.minPosition`: waiting until reads reflect a change position (read-your-writes). A store that
 * can wait for a position does; any other is asked once for its head.
 */
import { err, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardRepository } from "../repository.ts";
import { serviceErrors } from "./service-errors.ts";
import type { StoreCall } from "./store-call.ts";

/**
 * Ok(the position reached) once reads reflect `position`; `error.validation` (path `$.minPosition`) for a
 * position that is not a non-negative integer, `shards.control.view.behind` when the store is not there yet
 * (after at most `timeoutMs` for a store that waits). @internal
 */
export async function reachPosition(
  retry: StoreCall,
  repo: ShardRepository,
  position: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Result<number>> {
  if (!Number.isSafeInteger(position) || position < 0)
    return err(serviceErrors.validation("minPosition must be a non-negative integer.", "$.minPosition"));
  if (repo.waitForPosition !== undefined) return repo.waitForPosition(position, { timeoutMs, signal });
  const head = await retry((s) => repo.highestPosition({ signal: s }), signal);
  if (head.isErr || head.value >= position) return head;
  return err(
    PipeError.from(`The store has position ${head.value}, not yet ${position}.`, ShardErrorCodes.viewBehind, {
      metadata: { position: head.value, requested: position },
    }),
  );
}
