/**
 * The suite's entry point inside a browser page (bundled by `browser.ts` with the `@pipe/*` packages left as
 * ES module imports of their built `dist/`). Mirrors `main.ts`: registers the test files it is handed, runs
 * them with the browser's not-applicable list, and prints the same closing line through `console.log`,
 * which the driver echoes.
 *
 * @module
 */
import { registerFile, run } from "./harness.ts";
import { detectRuntime } from "./runtime.ts";

/** What the driver hands the page. */
export interface BrowserRunConfig {
  /** The run's label, `browser`. */
  readonly label: string;
  readonly filter?: string;
  /** Not-applicable entries for the tests in the loaded files. */
  readonly notApplicable: Readonly<Record<string, string>>;
  /** Tests of files not loaded at all, every one of them listed as not applicable (counted by the driver). */
  readonly unloadedNotApplicable: number;
  /** A missing server fails instead of skipping. */
  readonly requireServices: boolean;
}

/** What the page leaves on `globalThis.__pipeConformanceDone` for the driver. */
export interface BrowserRunOutcome {
  readonly failed: number;
  readonly ran: number;
}

/** Runs the given test files in this page. */
export async function start(
  config: BrowserRunConfig,
  files: Readonly<Record<string, () => Promise<unknown>>>,
): Promise<BrowserRunOutcome> {
  const runtime = detectRuntime();
  const unhandled: unknown[] = [];
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    unhandled.push(event.reason);
    const reason = event.reason;
    console.log(
      `  ! unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  const names = Object.keys(files).sort();
  console.log(`conformance on ${config.label} (${runtime.name} ${runtime.version}, ${names.length} files)`);
  for (const name of names) await registerFile(name, files[name]!);
  const summary = await run({
    ...(config.filter === undefined ? {} : { filter: config.filter }),
    log: (line) => console.log(line),
    runtime: config.label,
    notApplicable: config.notApplicable,
    requireServices: config.requireServices,
  });
  for (const failure of summary.failures) console.log(`\nFAIL ${failure}`);
  summary.failed += unhandled.length;
  if (unhandled.length > 0) console.log(`\n${unhandled.length} unhandled rejection(s), counted as failures`);
  const notApplicable =
    summary.notApplicable + (config.filter === undefined ? config.unloadedNotApplicable : 0);
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : "";
  console.log(
    `\n${config.label}: ${summary.passed} passed, ${summary.failed} failed${skipped}, ${notApplicable} not applicable`,
  );
  return { failed: summary.failed, ran: summary.passed + summary.failed };
}
