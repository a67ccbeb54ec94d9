/**
 * A tiny describe/it/expect harness that runs unchanged on Node, Deno and Bun.
 *
 * Why not each runtime's own runner: Deno's `expect` lives on JSR (out of reach here) and the three
 * runners report differently. One harness means one set of files, one reporting format
 * (`<runtime>: N passed, N failed`) and no runtime-specific test code.
 *
 * @module
 */
import { deepEqual, formatValue, matchesObject } from "./equality.ts";

/** A test body; it may return a promise. */
export type TestFn = () => void | Promise<void>;

interface TestCase {
  readonly name: string;
  readonly fn: TestFn;
  readonly timeoutMs: number;
}

interface Suite {
  readonly name: string;
  readonly tests: TestCase[];
  readonly suites: Suite[];
  readonly beforeEach: TestFn[];
  readonly afterEach: TestFn[];
  readonly beforeAll: TestFn[];
  readonly afterAll: TestFn[];
}

const newSuite = (name: string): Suite => ({
  name,
  tests: [],
  suites: [],
  beforeEach: [],
  afterEach: [],
  beforeAll: [],
  afterAll: [],
});

const root: Suite = newSuite("");
let current: Suite = root;

/** Default per-test timeout (a real-time guard against hangs; behaviour under test uses virtual time). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Groups tests; nesting is allowed. */
export function describe(name: string, body: () => void): void {
  const suite = newSuite(name);
  current.suites.push(suite);
  const previous = current;
  current = suite;
  try {
    body();
  } finally {
    current = previous;
  }
}

/** Registers a test. */
export function it(name: string, fn: TestFn, timeoutMs: number = DEFAULT_TIMEOUT_MS): void {
  current.tests.push({ name, fn, timeoutMs });
}

/** Alias of {@link it}. */
export const test: typeof it = it;

/** Runs before each test of the enclosing suite (and its children). */
export function beforeEach(fn: TestFn): void {
  current.beforeEach.push(fn);
}
/** Runs after each test of the enclosing suite (and its children). */
export function afterEach(fn: TestFn): void {
  current.afterEach.push(fn);
}
/** Runs once before the enclosing suite's tests. */
export function beforeAll(fn: TestFn): void {
  current.beforeAll.push(fn);
}
/** Runs once after the enclosing suite's tests. */
export function afterAll(fn: TestFn): void {
  current.afterAll.push(fn);
}

/** Thrown by {@link skip}: the test is counted as skipped and the reason printed. */
export class SkipSignal extends Error {
  override readonly name = "SkipSignal";
}

/**
 * Skips the running test with a printed reason. Use only for tests that need infrastructure a machine may
 * lack (a database server); never to hide a failure.
 */
export function skip(reason: string): never {
  throw new SkipSignal(reason);
}

/** Registers the tests of one file under a suite named after it. */
export async function registerFile(name: string, load: () => Promise<unknown>): Promise<void> {
  const suite = newSuite(name);
  root.suites.push(suite);
  const previous = current;
  current = suite;
  try {
    await load();
  } finally {
    current = previous;
  }
}

/** Totals of one run. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

function withTimeout(fn: TestFn, timeoutMs: number, label: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
    Promise.resolve()
      .then(fn)
      .then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}

const describeError = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : formatValue(error);

/** Runs every registered test, printing one line per test. */
export async function run(options: { filter?: string; log: (line: string) => void }): Promise<RunSummary> {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const visit = async (suite: Suite, path: string[], before: TestFn[], after: TestFn[]): Promise<void> => {
    const here = suite.name === "" ? path : [...path, suite.name];
    const beforeChain = [...before, ...suite.beforeEach];
    const afterChain = [...suite.afterEach, ...after];
    const selected = suite.tests.filter(
      (t) => options.filter === undefined || [...here, t.name].join(" > ").includes(options.filter),
    );
    const hasWork = (s: Suite): boolean =>
      s.tests.some(
        (t) => options.filter === undefined || [...here, s.name, t.name].join(" > ").includes(options.filter),
      ) || s.suites.some(hasWork);
    if (selected.length === 0 && !suite.suites.some(hasWork)) return;
    try {
      for (const hook of suite.beforeAll) await withTimeout(hook, DEFAULT_TIMEOUT_MS, "beforeAll");
    } catch (error) {
      const label = here.join(" > ");
      summary.failed += 1;
      summary.failures.push(`${label} (beforeAll)\n${describeError(error)}`);
      options.log(`  ✗ ${label} (beforeAll failed)`);
      return;
    }
    for (const t of selected) {
      const label = [...here, t.name].join(" > ");
      const started = performance.now();
      try {
        for (const hook of beforeChain) await withTimeout(hook, t.timeoutMs, "beforeEach");
        try {
          await withTimeout(t.fn, t.timeoutMs, "test");
        } finally {
          for (const hook of afterChain) await withTimeout(hook, t.timeoutMs, "afterEach");
        }
        summary.passed += 1;
        options.log(`  ✓ ${label} (${(performance.now() - started).toFixed(0)} ms)`);
      } catch (error) {
        if (error instanceof SkipSignal) {
          summary.skipped += 1;
          options.log(`  - ${label} (skipped: ${error.message})`);
          continue;
        }
        summary.failed += 1;
        summary.failures.push(`${label}\n${describeError(error)}`);
        options.log(`  ✗ ${label}`);
      }
    }
    for (const child of suite.suites) await visit(child, here, beforeChain, afterChain);
    for (const hook of suite.afterAll) {
      try {
        await withTimeout(hook, DEFAULT_TIMEOUT_MS, "afterAll");
      } catch (error) {
        summary.failed += 1;
        summary.failures.push(`${here.join(" > ")} (afterAll)\n${describeError(error)}`);
      }
    }
  };
  await visit(root, [], [], []);
  return summary;
}

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
