// Reading and comparing the runtimes' closing lines, for run-all.mjs (and its unit test).

/**
 * Parses a closing line `<label>: N passed, N failed[, N skipped], N not applicable` printed for `label`;
 * anything else gives undefined.
 */
export function parseSummaryLine(line, label) {
  const m = /^(\S+): (\d+) passed, (\d+) failed(?:, (\d+) skipped)?, (\d+) not applicable\s*$/.exec(line);
  if (m === null || m[1] !== label) return undefined;
  return {
    passed: Number(m[2]),
    failed: Number(m[3]),
    skipped: Number(m[4] ?? 0),
    notApplicable: Number(m[5]),
  };
}

/**
 * Judges a set of runs: each `{ name, exit, summary, seconds }` (or `{ name, notRun, fails }`). Every run must
 * exit 0 with a closing line and no failure, and all runs must count the same number of tests (passed + not
 * applicable + skipped), so no runtime silently runs fewer. Returns the verdict and one line per runtime.
 */
export function compareCounts(results) {
  const problems = [];
  const lines = [];
  const totals = new Map();
  let ran = 0;
  for (const r of results) {
    if (r.notRun !== undefined) {
      lines.push(`${r.name.padEnd(7)} not run: ${r.notRun}`);
      if (r.fails) problems.push(`${r.name} not run`);
      continue;
    }
    ran += 1;
    const s = r.summary;
    if (s === undefined) {
      lines.push(`${r.name.padEnd(7)} no closing line (exit ${r.exit})`);
      problems.push(`${r.name} ended without a closing line (exit ${r.exit})`);
      continue;
    }
    const total = s.passed + s.notApplicable + s.skipped + s.failed;
    const skipped = s.skipped > 0 ? ` + ${s.skipped} skipped` : "";
    const failed = s.failed > 0 ? ` + ${s.failed} failed` : "";
    lines.push(
      `${r.name.padEnd(7)} ${s.passed} passed + ${s.notApplicable} not applicable${skipped}${failed} = ${total} (${r.seconds?.toFixed(0) ?? "?"} s)`,
    );
    if (r.exit !== 0 || s.failed > 0) problems.push(`${r.name} failed (exit ${r.exit})`);
    totals.set(r.name, total);
  }
  const distinct = new Set(totals.values());
  if (distinct.size > 1)
    problems.push(
      `the runtimes count different numbers of tests (${[...totals].map(([n, t]) => `${n} ${t}`).join(", ")}); list a test that cannot run somewhere in not-applicable.json`,
    );
  if (ran === 0) problems.push("no runtime ran");
  return { ok: problems.length === 0, why: problems.join("; "), lines, ran };
}
