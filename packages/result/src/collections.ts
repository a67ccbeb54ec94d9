import type { Compensation } from "./compensation.ts";
import { concatCompensations, EMPTY_COMPENSATIONS } from "./internal/compensations.ts";
import { okWith } from "./internal/construct.ts";
import type { PipeError } from "./pipe-error.ts";
import { Err, isResult, type Result } from "./result.ts";

/** The value types of a tuple of results. */
export type ResultValues<R extends readonly Result<unknown>[]> = {
  -readonly [K in keyof R]: R[K] extends Result<infer U> ? U : never;
};

/** The outcome of {@link partition}: every value, every error, and every compensation (in input order). */
export interface Partitioned<T> {
  /** Values of the successes, in input order. */
  readonly successes: T[];
  /** Errors of the failures, in input order. */
  readonly failures: PipeError[];
  /** The compensations of all inputs, oldest first. */
  readonly compensations: readonly Compensation[];
}

function checked(item: unknown, fn: string): Result<unknown> {
  if (!isResult(item)) throw new TypeError(`Result.${fn}: every item must be a Result.`);
  return item;
}

/** Propagates `failure` with the compensations gathered so far (the same error; not counted again). */
function propagate<T>(failure: Err<unknown>, comps: readonly Compensation[]): Result<T> {
  return comps === failure.compensations ? (failure as unknown as Err<T>) : new Err<T>(failure.error, comps);
}

/**
 * Sequences results into one result of all values (a tuple keeps its element types).
 *
 * Details: stops at the first failure and returns that same error (later items are not read); the
 * compensations of every item read so far are kept, oldest first.
 *
 * @example
 * ```ts
 * import { Result, ok } from "@pipe/result";
 * const r = Result.all([ok(1), ok("a")]); // Result<[number, string]>
 * ```
 */
export function all<const R extends readonly Result<unknown>[]>(results: R): Result<ResultValues<R>>;
export function all<T>(results: Iterable<Result<T>>): Result<T[]>;
export function all(results: Iterable<Result<unknown>>): Result<unknown[]> {
  const values: unknown[] = [];
  let comps: readonly Compensation[] = EMPTY_COMPENSATIONS;
  for (const item of results) {
    const r = checked(item, "all");
    comps = concatCompensations(comps, r.compensations);
    if (r.isErr) return propagate(r, comps);
    values.push(r.value);
  }
  return okWith(values, comps);
}

/**
 * Maps every item through a step that can fail and collects the values.
 *
 * Details: stops at the first failure (later items are not evaluated) and returns that same error, keeping the
 * compensations gathered so far.
 *
 * @example
 * ```ts
 * import { Result, ok } from "@pipe/result";
 * Result.traverse(["1", "2"], (s) => ok(Number(s))); // Ok([1, 2])
 * ```
 */
export function traverse<A, B>(items: Iterable<A>, fn: (item: A, index: number) => Result<B>): Result<B[]> {
  const values: B[] = [];
  let comps: readonly Compensation[] = EMPTY_COMPENSATIONS;
  let index = 0;
  for (const item of items) {
    const r = checked(fn(item, index++), "traverse") as Result<B>;
    comps = concatCompensations(comps, r.compensations);
    if (r.isErr) return propagate(r, comps);
    values.push(r.value);
  }
  return okWith(values, comps);
}

/**
 * Splits results into their values and their errors (walks everything; never fails).
 *
 * @example
 * ```ts
 * import { Result, err, ok, PipeError } from "@pipe/result";
 * const { successes, failures } = Result.partition([ok(1), err(PipeError.from("x")), ok(2)]);
 * // successes = [1, 2], failures.length = 1
 * ```
 */
export function partition<T>(results: Iterable<Result<T>>): Partitioned<T> {
  const successes: T[] = [];
  const failures: PipeError[] = [];
  let compensations: readonly Compensation[] = EMPTY_COMPENSATIONS;
  for (const item of results) {
    const r = checked(item, "partition") as Result<T>;
    compensations = concatCompensations(compensations, r.compensations);
    if (r.isOk) successes.push(r.value);
    else failures.push(r.error);
  }
  return { successes, failures, compensations };
}

/**
 * Groups the values by key (insertion order of first appearance) into a `Map`.
 *
 * Details: stops at the first failure and returns that same error, keeping the compensations gathered so far.
 *
 * @example
 * ```ts
 * import { Result, ok } from "@pipe/result";
 * Result.group([ok(1), ok(2), ok(3)], (n) => (n % 2 ? "odd" : "even")); // Ok(Map { odd => [1, 3], even => [2] })
 * ```
 */
export function group<T, K>(results: Iterable<Result<T>>, keyOf: (value: T) => K): Result<Map<K, T[]>> {
  const groups = new Map<K, T[]>();
  let comps: readonly Compensation[] = EMPTY_COMPENSATIONS;
  for (const item of results) {
    const r = checked(item, "group") as Result<T>;
    comps = concatCompensations(comps, r.compensations);
    if (r.isErr) return propagate(r, comps);
    const key = keyOf(r.value);
    const bucket = groups.get(key);
    if (bucket === undefined) groups.set(key, [r.value]);
    else bucket.push(r.value);
  }
  return okWith(groups, comps);
}

/**
 * Batches the values into windows of `size` (the last one may be shorter).
 *
 * Details: stops at the first failure and returns that same error, keeping the compensations gathered so far.
 *
 * Gotchas: `size` must be a positive integer; anything else is a usage error (`RangeError`).
 *
 * @example
 * ```ts
 * import { Result, ok } from "@pipe/result";
 * Result.window([ok(1), ok(2), ok(3)], 2); // Ok([[1, 2], [3]])
 * ```
 */
export function window<T>(results: Iterable<Result<T>>, size: number): Result<T[][]> {
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError("Result.window: size must be a positive integer.");
  }
  const windows: T[][] = [];
  let current: T[] = [];
  let comps: readonly Compensation[] = EMPTY_COMPENSATIONS;
  for (const item of results) {
    const r = checked(item, "window") as Result<T>;
    comps = concatCompensations(comps, r.compensations);
    if (r.isErr) return propagate(r, comps);
    current.push(r.value);
    if (current.length === size) {
      windows.push(current);
      current = [];
    }
  }
  if (current.length > 0) windows.push(current);
  return okWith(windows, comps);
}
