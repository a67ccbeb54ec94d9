import { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import type {
  ShardAssignment,
  ShardHashOptions,
  ShardHashRequest,
  ShardHashStrategy,
  ShardPlacement,
} from "../hashing/types.ts";

/** Node scores (hashes) computed between two yields to the event loop: a few milliseconds of work. @internal */
const SLICE_WORK = 131_072;

/** The runtime's `setImmediate` (Node, Bun, Deno), absent elsewhere (browsers, workerd). */
const setImmediateOf = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const immediate =
  typeof setImmediateOf === "function" ? (callback: () => void) => setImmediateOf(callback) : undefined;

/**
 * Resolves on a later macrotask of the real clock (whatever clock the caller injected: a virtual clock would
 * never advance), so I/O, timers and other requests queued meanwhile run first. It uses `setImmediate` where the
 * runtime has it: a zero-delay timer waits at least 1 ms on Node (4 ms when nested in browsers), which a
 * simulation of hundreds of slices would spend idle. @internal
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    if (immediate !== undefined) immediate(resolve);
    else TimeProvider.system.setTimeout(resolve, 0);
  });

/** Yields to the event loop, then tells whether `signal` aborted meanwhile. @internal */
export async function yieldAborted(signal: AbortSignal | undefined): Promise<boolean> {
  await yieldToEventLoop();
  return signal?.aborted === true;
}

const placementOf = (
  strategy: ShardHashStrategy,
  request: ShardHashRequest,
  options: ShardHashOptions,
): Result<ShardPlacement> =>
  strategy.prepare !== undefined
    ? strategy.prepare(request)
    : ok({
        place: (shards) =>
          strategy
            .compute({ namespace: request.namespace, shards, nodes: request.nodes }, options)
            .map((plan) => plan.assignments),
      });

/**
 * Places every shard of `request` with `strategy`, one slice of about {@link SLICE_WORK} node scores at a time
 * with a macrotask yield between slices; stops with `canceled()` when `signal` aborts. Shards are placed
 * independently, so the result equals one `compute`. @internal
 */
export async function placeInSlices(
  strategy: ShardHashStrategy,
  request: ShardHashRequest,
  options: ShardHashOptions,
  signal: AbortSignal | undefined,
  canceled: () => Result<never>,
): Promise<Result<readonly ShardAssignment[]>> {
  const prepared = placementOf(strategy, request, options);
  if (prepared.isErr) return err(prepared.error);
  const placement = prepared.value;
  const cost = Math.max(1, placement.costPerShard ?? request.nodes.length);
  const size = Math.max(1, Math.floor(SLICE_WORK / cost));
  const shards = request.shards;
  if (shards.length <= size) return placement.place(shards);
  const out: ShardAssignment[] = [];
  for (let start = 0; start < shards.length; start += size) {
    if (start > 0) await yieldToEventLoop();
    if (signal?.aborted) return canceled();
    const placed = placement.place(shards.slice(start, start + size));
    if (placed.isErr) return err(placed.error);
    for (const a of placed.value) out.push(a);
  }
  return ok(out);
}
