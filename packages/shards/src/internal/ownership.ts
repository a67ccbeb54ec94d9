/**
 * `ShardControlPlaneService.ownership`: shards per owner in a namespace and the balance (max/mean), counted by a
 * read view without reading the shards, else from the store's listing.
 */
import { err, ok, PipeError, type Result } from "@pipe/result";
import { shardLookupProblem } from "../identifier.ts";
import { ShardReadView } from "../read-view.ts";
import type { ShardRepository } from "../repository.ts";
import type { ShardOwnership } from "../service-types.ts";
import { serviceErrors } from "./service-errors.ts";
import type { StoreCall } from "./store-call.ts";

/**
 * The ownership of `namespace`: `shards.control.namespace.required`, `error.validation` (ill-formed namespace),
 * `shards.control.namespace.missing` (no shard), the store's failures, `error.canceled`. @internal
 */
export async function countOwnership(
  retry: StoreCall,
  repo: ShardRepository,
  namespace: string | null | undefined,
  signal: AbortSignal | undefined,
): Promise<Result<ShardOwnership>> {
  if (namespace === undefined || namespace === null || namespace.trim().length === 0)
    return err(serviceErrors.namespaceRequired());
  const problem = shardLookupProblem(namespace);
  if (problem !== undefined) return err(serviceErrors.validation(`namespace ${problem}`, "$.namespace"));
  let counts: ReadonlyMap<string, number>;
  let version: number;
  if (repo instanceof ShardReadView) {
    if (signal?.aborted) return err(PipeError.canceled(undefined, signal.reason));
    version = repo.position;
    counts = repo.ownerCounts(namespace);
  } else {
    const head = await retry((s) => repo.highestPosition({ signal: s }), signal);
    if (head.isErr) return err(head.error);
    const listed = await retry((s) => repo.list(namespace, { signal: s }), signal);
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
