/**
 * Heap measurements for the memory tests of the workspace's packages (Node only: they run under vitest).
 *
 * When to use: a test that asserts some work releases what it held (listeners on a long-lived signal, a view's
 * dropped entries) by comparing the heap before and after rounds of that work.
 *
 * Details: importing this module turns on `--expose-gc` for the running isolate (`v8.setFlagsFromString`) and
 * takes `gc()` from a fresh context, so no vitest setting is needed.
 *
 * Gotchas: the figures are bytes of `heapUsed`; a bound must leave room for what the runtime keeps on its own
 * (compiled code, caches), which is why {@link heapGrowthOverRounds} measures from the end of a first round.
 *
 * @example
 * ```ts
 * import { heapGrowthOverRounds } from "../../../test-support/heap.ts";
 * const kept: object[] = [];
 * const grown = await heapGrowthOverRounds(() => {
 *   for (let i = 0; i < 10_000; i++) kept.push({ i });
 * });
 * console.log(grown > 0); // true: every round keeps 10,000 more objects
 * ```
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * The heap in use after four full collections with a 10 ms turn before each, so that finalization callbacks
 * (a `FinalizationRegistry`'s, a `WeakRef` target's) run and what they release is collected too.
 */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * How much the settled heap grows over three rounds of `round` after a first one (which fills caches and
 * compiles the code); `round` gets the round's number, 0 to 3.
 */
export async function heapGrowthOverRounds(round: (r: number) => void): Promise<number> {
  round(0);
  const before = await settledHeap();
  for (let r = 1; r <= 3; r++) {
    round(r);
    await settledHeap();
  }
  return (await settledHeap()) - before;
}
