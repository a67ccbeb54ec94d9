/** run-all's reading of closing lines and its check that every runtime counts the same tests. */
import { describe, expect, it } from "vitest";
import { compareCounts, parseSummaryLine } from "../src/counts.mjs";

const run = (name: string, passed: number, notApplicable: number, extra: object = {}) => ({
  name,
  exit: 0,
  seconds: 1,
  summary: { passed, failed: 0, skipped: 0, notApplicable },
  ...extra,
});

describe("parseSummaryLine", () => {
  it("reads the runtime's own closing line only", () => {
    expect(parseSummaryLine("node24: 113 passed, 0 failed, 2 not applicable", "node24")).toEqual({
      passed: 113,
      failed: 0,
      skipped: 0,
      notApplicable: 2,
    });
    expect(parseSummaryLine("deno: 1 passed, 2 failed, 3 skipped, 4 not applicable", "deno")).toEqual({
      passed: 1,
      failed: 2,
      skipped: 3,
      notApplicable: 4,
    });
    expect(parseSummaryLine("node: 113 passed, 0 failed, 2 not applicable", "node24")).toBeUndefined();
    expect(
      parseSummaryLine("  ✓ node24: 1 passed, 0 failed, 0 not applicable (3 ms)", "node24"),
    ).toBeUndefined();
  });
});

describe("compareCounts", () => {
  it("accepts runtimes whose passed + not applicable agree", () => {
    const v = compareCounts([run("node", 115, 0), run("browser", 100, 15)]);
    expect(v).toMatchObject({ ok: true, ran: 2 });
  });

  it("fails when one runtime counts fewer tests", () => {
    const v = compareCounts([run("node", 115, 0), run("bun", 114, 0)]);
    expect(v.ok).toBe(false);
    expect(v.why).toContain("different numbers of tests (node 115, bun 114)");
  });

  it("fails on a failed test, a non-zero exit, or a missing closing line", () => {
    expect(compareCounts([run("node", 1, 0, { exit: 1 })]).ok).toBe(false);
    expect(compareCounts([{ name: "deno", exit: 1, seconds: 1, summary: undefined }]).why).toContain(
      "deno ended without a closing line",
    );
    const failed = run("node", 1, 0);
    failed.summary.failed = 1;
    expect(compareCounts([failed]).ok).toBe(false);
  });

  it("reports a runtime not installed on this platform, failing only when it was asked for", () => {
    const elsewhere = { name: "node24", notRun: "not installed on this platform", fails: false };
    expect(compareCounts([run("node", 1, 0), elsewhere])).toMatchObject({ ok: true, ran: 1 });
    expect(compareCounts([run("node", 1, 0), { ...elsewhere, fails: true }]).ok).toBe(false);
    expect(compareCounts([elsewhere]).why).toBe("no runtime ran");
  });
});
