/**
 * A tiny describe/it/expect harness that runs unchanged on Node, Deno and Bun.
 *
 * Why not each runtime's own runner: Deno's `expect` lives on JSR (out of reach here) and the three
 * runners report differently. One harness means one set of files, one reporting format
 * (`<runtime>: N passed, N failed`) and no runtime-specific test code.
 *
 * @module
 */
import { formatValue } from "./equality.ts";

export { AssertionError, type AsyncMatchers, type Expectation, expect } from "./expect.ts";

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
 * Skips the running test with a printed reason. Use only for tests that need a server a machine may lack
 * (PostgreSQL); never to hide a failure. When the run requires services (`PIPE_REQUIRE_SERVICES=1`, as CI
 * sets), the skip counts as a failure instead.
 */
export function skip(reason: string): never {
  throw new SkipSignal(reason);
}

/** Thrown by {@link notApplicable}. */
export class NotApplicableSignal extends Error {
  override readonly name = "NotApplicableSignal";
}

/**
 * Declares that the running test cannot run on this runtime (it lacks a capability the test needs). A test
 * that does so fails unless `not-applicable.json` lists it for the runtime; a listed test is never started.
 */
export function notApplicable(reason: string): never {
  throw new NotApplicableSignal(reason);
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

/** The full name (`file > describe > test`) of every registered test, in run order, without running any. */
export function testNames(): string[] {
  const names: string[] = [];
  const visit = (suite: Suite, path: string[]): void => {
    const here = suite.name === "" ? path : [...path, suite.name];
    for (const t of suite.tests) names.push([...here, t.name].join(" > "));
    for (const child of suite.suites) visit(child, here);
  };
  visit(root, []);
  return names;
}

/** Totals of one run. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Tests listed as not applicable on this runtime (never started). */
  notApplicable: number;
  failures: string[];
}

/** How {@link run} treats tests that do not run. */
export interface RunOptions {
  /** Runs only tests whose full name contains this text. */
  readonly filter?: string;
  readonly log: (line: string) => void;
  /** The runtime's label (`node24`, `deno`), used in messages. */
  readonly runtime?: string;
  /**
   * Not-applicable entries for this runtime: a test's full name, or a suite's (every test under it), mapped
   * to the reason. Each entry must match a registered test, or the run fails (a stale list hides nothing).
   */
  readonly notApplicable?: Readonly<Record<string, string>>;
  /** A {@link skip} (a missing server) fails the test instead of skipping it. */
  readonly requireServices?: boolean;
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
export async function run(options: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, notApplicable: 0, failures: [] };
  const runtime = options.runtime ?? "this runtime";
  const listed = Object.entries(options.notApplicable ?? {});
  const used = new Set<string>();
  const listedReason = (label: string): string | undefined => {
    for (const [entry, reason] of listed)
      if (label === entry || label.startsWith(`${entry} > `)) {
        used.add(entry);
        return reason;
      }
    return undefined;
  };
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
      const reason = listedReason(label);
      if (reason !== undefined) {
        summary.notApplicable += 1;
        options.log(`  ~ ${label} (not applicable on ${runtime}: ${reason})`);
        continue;
      }
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
        if (error instanceof SkipSignal && options.requireServices !== true) {
          summary.skipped += 1;
          options.log(`  - ${label} (skipped: ${error.message})`);
          continue;
        }
        const why =
          error instanceof SkipSignal
            ? new Error(`PIPE_REQUIRE_SERVICES is set, so a missing server fails the test: ${error.message}`)
            : error instanceof NotApplicableSignal
              ? new Error(
                  `not applicable on ${runtime} (${error.message}) but not listed for it in not-applicable.json`,
                )
              : error;
        summary.failed += 1;
        summary.failures.push(`${label}\n${describeError(why)}`);
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
  if (options.filter === undefined)
    for (const [entry] of listed)
      if (!used.has(entry)) {
        summary.failed += 1;
        summary.failures.push(
          `not-applicable.json lists "${entry}" for ${runtime}, but no test has that name: remove or rename it`,
        );
      }
  return summary;
}
