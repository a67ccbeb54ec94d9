/**
 * One instance of each class the orchestrators create and drop in bulk (contexts, scopes, run logs, fan-out and
 * saga runs), held for the life of the program: when a full garbage collection finds no live instance of a
 * class, the engine may drop the code compiled for that shape, and fan-out and saga run slowly again after each
 * full collection. (The `Ok` and `Err` instances are held by `@pipe/result` itself.) It can go once the A/B of
 * this module no longer slows the forced-GC fan-out and saga rounds (benchmarks/README.md, "Kept instances").
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
