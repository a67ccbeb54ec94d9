/**
 * One instance of each class the hot paths create and drop in bulk (contexts, scopes, logs, runs), held for the
 * life of the program.
 *
 * Why: a full garbage collection that finds no live instance of a class drops the class's object layout, and
 * with it the optimised code compiled for that layout, which then runs unoptimised until it is compiled again:
 * after every `gc()` (`node --trace-deopt` reports "embedded weak objects cleared" for the fan-out's and the
 * saga's functions). One live instance of each keeps the layout, so the code stays compiled.
 *
 * When it can go: once removing it no longer slows the forced-GC rounds of the fan-out (W3) and saga (W5)
 * benchmarks on Node 24 and Deno (it makes no difference on Bun). It costs one small object per class.
 *
 * @internal
 * @module
 */
const kept: object[] = [];

/** Holds `instance` for the life of the program and returns it. @internal */
export function keepLayout<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
