/**
 * The `expect` assertions of the conformance harness: the subset of vitest's matchers the suite uses, with the
 * same names and meaning, so a shared suite runs under both.
 *
 * @module
 */
import { deepEqual, formatValue, matchesObject } from "./equality.ts";

/** An assertion failure. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

type Matchers = {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toStrictEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeNull(): void;
  toBeInstanceOf(ctor: abstract new (...args: never[]) => unknown): void;
  toBeGreaterThan(n: number | bigint): void;
  toBeGreaterThanOrEqual(n: number | bigint): void;
  toBeLessThan(n: number | bigint): void;
  toBeLessThanOrEqual(n: number | bigint): void;
  toBeCloseTo(n: number, digits?: number): void;
  toContain(item: unknown): void;
  toContainEqual(item: unknown): void;
  toHaveLength(n: number): void;
  toHaveProperty(path: string, value?: unknown): void;
  toMatch(pattern: RegExp | string): void;
  toSatisfy(predicate: (value: unknown) => boolean): void;
  toThrow(expected?: string | RegExp | (abstract new (...args: never[]) => unknown)): void;
};

/** Async matchers from `expect(promise).resolves` / `.rejects`. */
export type AsyncMatchers = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> };

/** The object `expect(value)` returns. */
export type Expectation = Matchers & {
  readonly not: Matchers;
  readonly resolves: AsyncMatchers;
  readonly rejects: AsyncMatchers;
};

function getPath(value: unknown, path: string): { found: boolean; value: unknown } {
  let cursor: unknown = value;
  for (const key of path.split(".")) {
    if (cursor === null || cursor === undefined || !(key in Object(cursor)))
      return { found: false, value: undefined };
    cursor = (cursor as Record<string, unknown>)[key];
  }
  return { found: true, value: cursor };
}

function check(actual: unknown, negate: boolean): Matchers {
  const assert = (pass: boolean, message: () => string): void => {
    if (pass === negate) throw new AssertionError(negate ? `not: ${message()}` : message());
  };
  const show = formatValue;
  return {
    toBe: (e) => assert(Object.is(actual, e), () => `expected ${show(actual)} to be ${show(e)}`),
    toEqual: (e) => assert(deepEqual(actual, e, false), () => `expected ${show(actual)} to equal ${show(e)}`),
    toStrictEqual: (e) =>
      assert(deepEqual(actual, e, true), () => `expected ${show(actual)} to strictly equal ${show(e)}`),
    toMatchObject: (e) =>
      assert(matchesObject(actual, e), () => `expected ${show(actual)} to match ${show(e)}`),
    toBeTruthy: () => assert(Boolean(actual), () => `expected ${show(actual)} to be truthy`),
    toBeFalsy: () => assert(!actual, () => `expected ${show(actual)} to be falsy`),
    toBeUndefined: () => assert(actual === undefined, () => `expected ${show(actual)} to be undefined`),
    toBeDefined: () => assert(actual !== undefined, () => `expected a defined value`),
    toBeNull: () => assert(actual === null, () => `expected ${show(actual)} to be null`),
    toBeInstanceOf: (ctor) =>
      assert(actual instanceof ctor, () => `expected ${show(actual)} to be an instance of ${ctor.name}`),
    toBeGreaterThan: (n) => assert((actual as number) > n, () => `expected ${show(actual)} > ${show(n)}`),
    toBeGreaterThanOrEqual: (n) =>
      assert((actual as number) >= n, () => `expected ${show(actual)} >= ${show(n)}`),
    toBeLessThan: (n) => assert((actual as number) < n, () => `expected ${show(actual)} < ${show(n)}`),
    toBeLessThanOrEqual: (n) =>
      assert((actual as number) <= n, () => `expected ${show(actual)} <= ${show(n)}`),
    toBeCloseTo: (n, digits = 2) =>
      assert(
        Math.abs((actual as number) - n) < 10 ** -digits / 2,
        () => `expected ${show(actual)} to be close to ${n}`,
      ),
    toContain: (item) =>
      assert(
        typeof actual === "string"
          ? actual.includes(item as string)
          : Array.from(actual as Iterable<unknown>).some((x) => Object.is(x, item)),
        () => `expected ${show(actual)} to contain ${show(item)}`,
      ),
    toContainEqual: (item) =>
      assert(
        Array.from(actual as Iterable<unknown>).some((x) => deepEqual(x, item, false)),
        () => `expected ${show(actual)} to contain an item equal to ${show(item)}`,
      ),
    toHaveLength: (n) =>
      assert(
        (actual as { length?: unknown } | null)?.length === n,
        () => `expected length ${n}, got ${show((actual as { length?: unknown } | null)?.length)}`,
      ),
    toHaveProperty: (path, ...rest) => {
      const got = getPath(actual, path);
      assert(
        got.found && (rest.length === 0 || deepEqual(got.value, rest[0], false)),
        () => `expected ${show(actual)} to have property ${path}${rest.length ? ` = ${show(rest[0])}` : ""}`,
      );
    },
    toMatch: (pattern) =>
      assert(
        typeof actual === "string" &&
          (typeof pattern === "string" ? actual.includes(pattern) : pattern.test(actual)),
        () => `expected ${show(actual)} to match ${String(pattern)}`,
      ),
    toSatisfy: (predicate) =>
      assert(predicate(actual), () => `expected ${show(actual)} to satisfy the predicate`),
    toThrow: (expected) => {
      if (typeof actual !== "function") throw new AssertionError("toThrow needs a function");
      let thrown: unknown;
      let didThrow = false;
      try {
        (actual as () => unknown)();
      } catch (error) {
        didThrow = true;
        thrown = error;
      }
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      const matches =
        didThrow &&
        (expected === undefined ||
          (typeof expected === "string" && message.includes(expected)) ||
          (expected instanceof RegExp && expected.test(message)) ||
          (typeof expected === "function" && thrown instanceof expected));
      assert(
        matches,
        () => `expected a throw matching ${show(expected)}, got ${didThrow ? show(thrown) : "none"}`,
      );
    },
  };
}

function asyncMatchers(promise: unknown, mode: "resolves" | "rejects"): AsyncMatchers {
  const settle = async (): Promise<unknown> => {
    try {
      const value = await (promise as Promise<unknown>);
      if (mode === "rejects") throw new AssertionError(`expected a rejection, got ${formatValue(value)}`);
      return value;
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      if (mode === "resolves")
        throw new AssertionError(`expected a resolution, got rejection ${formatValue(error)}`);
      return error;
    }
  };
  return new Proxy({} as AsyncMatchers, {
    get:
      (_target, key: string) =>
      async (...args: unknown[]) => {
        const value = await settle();
        const matchers = check(
          mode === "rejects" && key === "toThrow"
            ? () => {
                throw value;
              }
            : value,
          false,
        );
        (matchers[key as keyof Matchers] as (...a: unknown[]) => void)(...args);
      },
  });
}

/** Starts an assertion. */
export function expect(actual: unknown): Expectation {
  return Object.assign(check(actual, false), {
    not: check(actual, true),
    get resolves() {
      return asyncMatchers(actual, "resolves");
    },
    get rejects() {
      return asyncMatchers(actual, "rejects");
    },
  });
}
