/**
 * One instance of each class the hot paths create and drop in bulk (contexts, scopes, logs, runs), held for the
 * life of the program.
 *
 * Why: when a full garbage collection finds no live instance of a class, the engine may discard what it compiled
 * for objects of that shape, so the fan-out and saga code runs slowly again after every full collection. One live
 * instance of each keeps it.
 *
 * When it can go: once removing it no longer slows the forced-GC rounds of the fan-out and saga benchmarks (see
 * benchmarks/README.md). It costs one small object per class.
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
