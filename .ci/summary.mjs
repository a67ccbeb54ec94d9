// Counts the tests a CI log ran: vitest "Tests" summaries (one per package), the copied apps' lines
// `template apps/<app>: N passed, N failed, N skipped` (scripts/app-templates.mjs), the conformance lines
// `<runtime>: N passed, N failed[, N skipped], N not applicable` (runtime: node, node22, deno, ...) and the
// benchmark guard line `bench: N passed, N failed (guards on node24)`. Prints a breakdown, then one plain
// closing line, where tests not applicable on a runtime count as skipped (they did not run there).
// Usage: node .ci/summary.mjs <log> <test exit status> <seconds> [<bench:guard exit status>]
import { readFileSync } from "node:fs";

const [logPath, statusArg = "0", seconds = "?", benchStatusArg] = process.argv.slice(2);
const status = Number(statusArg);
const benchStatus = benchStatusArg === undefined ? undefined : Number(benchStatusArg);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const text = readFileSync(logPath, "utf8").replace(/\u001b\[[0-9;]*m/g, "");

const totals = { passed: 0, failed: 0, skipped: 0 };
const runtime = "node\\d*|deno|bun|browser|workerd";
const rows = [];
const notRunLines = [];
const count = (line, word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);

for (const raw of text.split("\n")) {
  const vitest = raw.match(/^(?:(\S+):test:)?\s*Tests\s+(.*\(\d+\))\s*$/);
  const conformance = raw.match(
    new RegExp(
      `^(?:\\S+:\\s+)?(${runtime}): (\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?(?:, (\\d+) not applicable)?\\s*$`,
    ),
  );
  const notRun = raw.match(new RegExp(`^(?:\\S+:\\s+)?(${runtime}): not run \\((.*)\\)`));
  const bench = raw.match(/^bench: (\d+) passed, (\d+) failed \(guards on (\S+)\)\s*$/);
  const template = raw.match(/^(?:\S+:\s+)?template (\S+): (\d+) passed, (\d+) failed, (\d+) skipped\s*$/);
  let row;
  if (template) {
    row = {
      source: `${template[1]} copied out as a template`,
      passed: Number(template[2]),
      failed: Number(template[3]),
      skipped: Number(template[4]),
    };
  } else if (bench) {
    row = {
      source: `benchmark guards on ${bench[3]}`,
      passed: Number(bench[1]),
      failed: Number(bench[2]),
      skipped: 0,
    };
  } else if (vitest) {
    const line = vitest[2];
    row = {
      source: `${vitest[1] ?? "vitest"} (unit)`,
      passed: count(line, "passed"),
      failed: count(line, "failed"),
      skipped: count(line, "skipped"),
    };
  } else if (conformance) {
    const notApplicable = Number(conformance[5] ?? 0);
    row = {
      source: `conformance on ${conformance[1]}`,
      passed: Number(conformance[2]),
      failed: Number(conformance[3]),
      skipped: Number(conformance[4] ?? 0) + notApplicable,
      note: notApplicable > 0 ? ` (${notApplicable} of them not applicable there)` : "",
    };
  } else if (notRun) {
    notRunLines.push(`conformance on ${notRun[1]} did not run: ${notRun[2]}`);
  }
  if (!row) continue;
  rows.push(row);
  totals.passed += row.passed;
  totals.failed += row.failed;
  totals.skipped += row.skipped;
}

console.log("\n=== CI summary ===");
for (const r of rows)
  console.log(`${r.source}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.note ?? ""}`);
for (const line of notRunLines) console.log(line);
console.log(`wall time: ${seconds} s; test command exit status: ${status}`);
const benchRows = rows.filter((r) => r.source.startsWith("benchmark guards"));
const benchFailed = benchRows.reduce((n, r) => n + r.failed, 0);
if (status !== 0 && totals.failed - benchFailed === 0) {
  console.log(
    "the test command failed outside any counted test (install, lint, build, typecheck or export checks)",
  );
  totals.failed += 1;
}
if (benchStatus !== undefined) {
  if (benchStatus !== 0 && benchFailed === 0) {
    console.log(
      `the benchmark guard set failed outside a ratio (exit status ${benchStatus}: a checksum, an error or a missing runtime; see its "problems")`,
    );
    totals.failed += 1;
  }
}
if (rows.length === 0) console.log("no test summary found in the log");
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(status !== 0 || (benchStatus ?? 0) !== 0 || totals.failed > 0 || rows.length === 0 ? 1 : 0);
