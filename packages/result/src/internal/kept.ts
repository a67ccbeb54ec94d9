/**
 * One success and one failure held for the life of the program.
 *
 * Why: a full garbage collection that finds no live instance of a class drops its object layout, and with it the
 * optimised code compiled for that layout, which then runs unoptimised until compiled again (V8: Node and Deno).
 * Chains that create and drop results in bulk would pay that after every full collection. One live instance of
 * each keeps the layout. It can go once removing it no longer slows the W4 chain benchmark's forced-GC rounds on
 * Node 24 and Deno; it costs two small objects.
 *
 * @internal
 * @module
 */
export const keptResults: object[] = [];
