/**
 * One success and one failure held for the life of the program.
 *
 * Why: when a full garbage collection finds no live instance of a class, the engine may discard what it compiled
 * for objects of that shape, so code that creates and drops results in bulk runs slowly again after every full
 * collection. One live instance of each keeps it. It can go once removing it no longer slows the result-chain
 * benchmark's forced-GC rounds (see benchmarks/README.md); it costs two small objects.
 *
 * @internal
 * @module
 */
export const keptResults: object[] = [];
