/**
 * Conformance entry point: discovers `tests/**\/*.test.ts`, runs them on whichever runtime executes this file,
 * and ends with `<runtime>: N passed, N failed` (plus `, N skipped` when any were skipped).
 *
 * Usage: `tsx src/main.ts`, `deno run --allow-all src/main.ts`, `bun src/main.ts`; an optional argument filters
 * tests by a substring of their full name.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { registerFile, run } from "./harness.ts";
import { detectRuntime } from "./runtime.ts";

const runtime = detectRuntime();
const testsDir = fileURLToPath(new URL("../tests/", import.meta.url));
const filter = process.argv.slice(2).find((arg: string) => !arg.startsWith("-"));

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

console.log(`conformance on ${runtime.name} ${runtime.version} (${files.length} files)`);
for (const file of files) {
  await registerFile(file, () => import(pathToFileURL(`${testsDir}${file}`).href));
}
const summary = await run({ ...(filter === undefined ? {} : { filter }), log: (line) => console.log(line) });
for (const failure of summary.failures) console.log(`\nFAIL ${failure}`);
if (unhandled.length > 0) {
  summary.failed += unhandled.length;
  console.log(`\n${unhandled.length} unhandled rejection(s), counted as failures`);
}
const total = summary.passed + summary.failed;
const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : "";
console.log(`\n${runtime.name}: ${summary.passed} passed, ${summary.failed} failed${skipped}`);
if (total === 0) console.log(`${runtime.name}: no test ran; failing`);
process.exit(summary.failed > 0 || total === 0 ? 1 : 0);
