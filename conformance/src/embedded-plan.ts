/**
 * What a runtime driven from Node (a browser page, a Worker) loads: every test file except those listed as a
 * whole in `not-applicable.json` for it, whose tests are counted here in Node (registered, never run) and
 * reported as not applicable. Shared by `browser.ts` and `workerd.ts`.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BrowserRunConfig } from "./browser-page.ts";
import { registerFile, testNames } from "./harness.ts";

/** The conformance package's directory. */
export const conformanceDir = fileURLToPath(new URL("..", import.meta.url));

/** The plan of one embedded run. */
export interface EmbeddedPlan {
  /** Test files to load, relative to `tests/` with `/` separators. */
  readonly files: readonly string[];
  /** Absolute path of each file to load. */
  readonly paths: Readonly<Record<string, string>>;
  /** What the in-runtime entry (`browser-page.ts`) is handed. */
  readonly config: BrowserRunConfig;
}

/** Plans a run for `label` with an optional name filter; throws when a whole-file entry is stale. */
export async function planEmbeddedRun(label: string, filter: string | undefined): Promise<EmbeddedPlan> {
  const testsDir = join(conformanceDir, "tests");
  const files = readdirSync(testsDir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => name.split(sep).join("/"))
    .sort();
  const list = JSON.parse(readFileSync(join(conformanceDir, "not-applicable.json"), "utf8")) as Record<
    string,
    Record<string, string> | string
  >;
  const entries = Object.entries((list[label] ?? {}) as Record<string, string>);
  const unloaded = new Set(entries.map(([entry]) => entry).filter((entry) => files.includes(entry)));
  for (const file of unloaded)
    await registerFile(file, () => import(pathToFileURL(join(testsDir, file)).href));
  const unloadedTests = testNames();
  for (const file of unloaded)
    if (!unloadedTests.some((name) => name.startsWith(`${file} > `)))
      throw new Error(`not-applicable.json lists ${file} for ${label}, but it registers no test`);
  const loaded = files.filter((file) => !unloaded.has(file));
  return {
    files: loaded,
    paths: Object.fromEntries(loaded.map((file) => [file, join(testsDir, file)])),
    config: {
      label,
      ...(filter === undefined ? {} : { filter }),
      notApplicable: Object.fromEntries(entries.filter(([entry]) => !unloaded.has(entry))),
      unloadedNotApplicable: unloadedTests.length,
      requireServices: process.env.PIPE_REQUIRE_SERVICES === "1",
    },
  };
}

/** The lines of a generated entry's `files` object: each test file's name and a lazy import of it. */
export function loaderLines(plan: EmbeddedPlan): string[] {
  return plan.files.map(
    (file) => `  ${JSON.stringify(file)}: () => import(${JSON.stringify(plan.paths[file])}),`,
  );
}

/** An error's text, with a hint when bundling failed (a test file imports what this runtime cannot load). */
export function describeRunFailure(error: unknown, label: string): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return /Build failed|Could not resolve/.test(text)
    ? `${text}\n  A test file imports what ${label} cannot load: if it cannot run there, list it (or its tests) for ${label} in not-applicable.json with the reason.`
    : text;
}
