/**
 * Conformance entry point: discovers `tests/**\/*.test.ts`, runs them on whichever runtime executes this file,
 * and ends with `<runtime>: N passed, N failed[, N skipped], N not applicable`.
 *
 * Usage: `node --import tsx src/main.ts`, `deno run --allow-all src/main.ts`, `bun src/main.ts` (or
 * `node src/run-all.mjs --runtime=<name>`, which also checks the counts); an optional argument filters tests
 * by a substring of their full name.
 *
 * Environment: `PIPE_CONFORMANCE_RUNTIME` labels the run (`node24`; default: the detected runtime's name) and
 * the platform test checks the label against the runtime actually running; `PIPE_REQUIRE_SERVICES=1` turns
 * a skip for a missing server into a failure. Tests listed for the label in `not-applicable.json` are not
 * started and are counted as not applicable; every other test must run.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { registerFile, run } from "./harness.ts";
import { detectRuntime, runtimeLabelMismatch } from "./runtime.ts";

const runtime = detectRuntime();
const label = process.env.PIPE_CONFORMANCE_RUNTIME || runtime.name;
const mismatch = runtimeLabelMismatch(label, runtime);
if (mismatch !== undefined) {
  console.log(`${label}: ${mismatch}; failing`);
  process.exit(1);
}
const testsDir = fileURLToPath(new URL("../tests/", import.meta.url));
const filter = process.argv.slice(2).find((arg: string) => !arg.startsWith("-"));
const notApplicableList = JSON.parse(
  readFileSync(new URL("../not-applicable.json", import.meta.url), "utf8"),
) as Record<string, Record<string, string> | string>;
const notApplicable = notApplicableList[label];

const files = readdirSync(testsDir, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith(".test.ts"))
  .sort();

// An unhandled rejection is a bug in the code under test: record it and fail the run instead of crashing
// mid-suite (Node and Bun report through `process`, Deno through the web-standard event).
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
  console.log(
    `  ! unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
  );
};
if (runtime.name === "deno") {
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    onUnhandled(event.reason);
  });
} else {
  process.on("unhandledRejection", onUnhandled);
}

console.log(`conformance on ${label} (${runtime.name} ${runtime.version}, ${files.length} files)`);
for (const file of files) {
  await registerFile(file, () => import(pathToFileURL(`${testsDir}${file}`).href));
}
const summary = await run({
  ...(filter === undefined ? {} : { filter }),
  log: (line) => console.log(line),
  runtime: label,
  notApplicable: typeof notApplicable === "object" ? notApplicable : {},
  requireServices: process.env.PIPE_REQUIRE_SERVICES === "1",
});
for (const failure of summary.failures) console.log(`\nFAIL ${failure}`);
if (unhandled.length > 0) {
  summary.failed += unhandled.length;
  console.log(`\n${unhandled.length} unhandled rejection(s), counted as failures`);
}
const total = summary.passed + summary.failed;
const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : "";
console.log(
  `\n${label}: ${summary.passed} passed, ${summary.failed} failed${skipped}, ${summary.notApplicable} not applicable`,
);
if (total === 0) console.log(`${label}: no test ran; failing`);
process.exit(summary.failed > 0 || total === 0 ? 1 : 0);
