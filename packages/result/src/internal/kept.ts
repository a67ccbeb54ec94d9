/**
 * One success and one failure held for the life of the program: when a full garbage collection finds no live
 * `Ok` or `Err`, the engine may drop the code compiled for that shape, and code that creates and drops results in
 * bulk runs slowly again after each full collection. It can go once removing it no longer slows the W4 chain's
 * forced-GC rounds (benchmarks/README.md, "Kept instances"; `benchmarks/src/result/kept-results.ts`).
 *
 * @internal
 * @module
 */
export const keptResults: object[] = [];
