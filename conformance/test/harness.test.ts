/**
 * The harness's accounting of tests that do not run: a listed test is not started and counts as not
 * applicable; a stale list entry, an unlisted `notApplicable`, and (when services are required) a skip fail.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

type Harness = typeof import("../src/harness.ts");
let h: Harness;

beforeEach(async () => {
  // The harness keeps its registered suites in module state: a fresh module per test.
  vi.resetModules();
  h = await import("../src/harness.ts");
});

async function register(body: (harness: Harness) => void): Promise<void> {
  await h.registerFile("file.test.ts", async () => body(h));
}

const quiet = { log: () => undefined, runtime: "browser" };

describe("conformance harness", () => {
  it("does not start a listed test and counts it as not applicable, by full name or by suite", async () => {
    const started: string[] = [];
    await register(({ describe: d, it: t }) => {
      d("store", () => {
        t("files", () => void started.push("files"));
        t("memory", () => void started.push("memory"));
      });
      d("pglite", () => {
        t("a", () => void started.push("a"));
        t("b", () => void started.push("b"));
      });
    });
    const summary = await h.run({
      ...quiet,
      notApplicable: { "file.test.ts > store > files": "no file system", "file.test.ts > pglite": "no wasm" },
    });
    expect(started).toEqual(["memory"]);
    expect(summary).toMatchObject({ passed: 1, failed: 0, skipped: 0, notApplicable: 3 });
  });

  it("fails the run for a list entry that matches no test", async () => {
    await register(({ it: t }) => t("x", () => undefined));
    const summary = await h.run({ ...quiet, notApplicable: { "file.test.ts > gone": "renamed" } });
    expect(summary.passed).toBe(1);
    expect(summary.failed).toBe(1);
    expect(summary.failures[0]).toContain(
      'lists "file.test.ts > gone" for browser, but no test has that name',
    );
  });

  it("ignores stale entries when a filter selects a subset", async () => {
    await register(({ it: t }) => t("x", () => undefined));
    const summary = await h.run({ ...quiet, filter: "x", notApplicable: { "file.test.ts > gone": "r" } });
    expect(summary).toMatchObject({ passed: 1, failed: 0 });
  });

  it("fails a test that declares itself not applicable without being listed", async () => {
    await register(({ it: t, notApplicable }) => t("needs files", () => notApplicable("no file system")));
    const summary = await h.run(quiet);
    expect(summary).toMatchObject({ passed: 0, failed: 1, notApplicable: 0 });
    expect(summary.failures[0]).toContain("not applicable on browser (no file system) but not listed");
  });

  it("skips for a missing server, unless services are required, then fails", async () => {
    await register(({ it: t, skip }) => t("db", () => skip("no PostgreSQL server")));
    expect(await h.run(quiet)).toMatchObject({ passed: 0, failed: 0, skipped: 1 });
    const required = await h.run({ ...quiet, requireServices: true });
    expect(required).toMatchObject({ passed: 0, failed: 1, skipped: 0 });
    expect(required.failures[0]).toContain("PIPE_REQUIRE_SERVICES is set");
  });
});
