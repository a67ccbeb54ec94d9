#!/usr/bin/env node
// Checks (or with --update, rewrites) the API report of every entry point of the packages given as arguments
// (default: every package under packages/). A report is API Extractor's `.api.md` of the entry point's built
// `.d.ts`: the exported declarations without their docs, so a change of signature shows up as a diff in review.
// API Extractor's `(undocumented)` notes are left out, so documenting a declaration does not change its report.
//
//   node scripts/api-report.mjs [--update] [packages/<name> ...]
//
// Reports live in `packages/<name>/api/<name>[-<subpath>].api.md`. The check fails when a report differs and
// prints the diff; `pnpm api:update` rewrites them (name the API change in a changeset).
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const update = args.includes("--update");
const dirs = args.filter((a) => a !== "--update").map((a) => resolve(a));
const packages =
  dirs.length > 0 ? dirs : readdirSync(join(root, "packages")).map((d) => join(root, "packages", d));

/** The `types` file of each public subpath of a package's `exports` (`.` is the package itself). */
function entryPoints(pkg) {
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === "./package.json" || typeof target !== "object" || typeof target.types !== "string")
      continue;
    out.push({ subpath, types: target.types });
  }
  return out;
}

const reportName = (pkgName, subpath) => {
  const base = pkgName.replace(/^@[^/]+\//, "");
  return subpath === "." ? base : `${base}-${subpath.slice(2).replaceAll("/", "-")}`;
};

/** The report without API Extractor's `(undocumented)` notes (and the blank comment line before a lone one). */
const withoutDocNotes = (report) =>
  report
    .replace(/^([ \t]*)\/\/\n\1\/\/ \(undocumented\)\n/gm, "")
    .replace(/^[ \t]*\/\/ \(undocumented\)\n/gm, "")
    .replace(/ \(undocumented\)$/gm, "");

const temp = mkdtempSync(join(tmpdir(), "api-report-"));
let failed = 0;
let checked = 0;
try {
  for (const dir of packages) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    for (const { subpath, types } of entryPoints(pkg)) {
      const entry = join(dir, types);
      if (!existsSync(entry)) {
        console.error(`${pkg.name} ${subpath}: ${types} is missing; build the package first.`);
        failed++;
        continue;
      }
      const name = reportName(pkg.name, subpath);
      const report = join(dir, "api", `${name}.api.md`);
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: dir,
          mainEntryPointFilePath: entry,
          compiler: {
            overrideTsconfig: {
              extends: join(root, "tsconfig.base.json"),
              // The built `.d.ts` files keep the sources' `.ts` specifiers.
              compilerOptions: { allowImportingTsExtensions: true, noEmit: true, types: ["node"] },
              files: [entry],
            },
          },
          apiReport: {
            enabled: true,
            reportFileName: name,
            // API Extractor writes into the temporary folder; this script compares and copies (without notes).
            reportFolder: join(temp, name),
            reportTempFolder: join(temp, name, "temp"),
          },
          newlineKind: "lf",
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            // TSDoc is checked by the docs build; release tags are not used in this repository.
            tsdocMessageReporting: { default: { logLevel: "none" } },
            extractorMessageReporting: {
              default: { logLevel: "warning" },
              "ae-missing-release-tag": { logLevel: "none" },
              "ae-undocumented": { logLevel: "none" },
              "ae-forgotten-export": { logLevel: "none", addToApiReportFile: true },
              "ae-unresolved-link": { logLevel: "none" },
            },
            compilerMessageReporting: { default: { logLevel: "warning" } },
          },
        },
        configObjectFullPath: join(dir, "api-extractor.json"),
        packageJsonFullPath: manifest,
      });
      const result = Extractor.invoke(config, {
        localBuild: true,
        showVerboseMessages: false,
        // Its notes about writing the (temporary) report file are noise here.
        messageCallback: (message) => {
          if (message.messageId.startsWith("console-api-report-")) message.handled = true;
        },
      });
      checked++;
      if (result.errorCount > 0) {
        failed++;
        console.error(`${pkg.name} ${subpath}: API Extractor reported errors (see above).`);
        continue;
      }
      const actual = withoutDocNotes(readFileSync(config.reportFilePath, "utf8"));
      const expected = existsSync(report) ? readFileSync(report, "utf8") : undefined;
      if (actual === expected) continue;
      if (update) {
        mkdirSync(join(dir, "api"), { recursive: true });
        writeFileSync(report, actual);
        console.log(`${pkg.name} ${subpath}: api/${name}.api.md updated`);
        continue;
      }
      failed++;
      const fresh = join(temp, `${name}.api.md`);
      writeFileSync(fresh, actual);
      spawnSync(
        "git",
        ["diff", "--no-index", "--no-color", "--", existsSync(report) ? report : "/dev/null", fresh],
        {
          stdio: "inherit",
        },
      );
      console.error(
        `${pkg.name} ${subpath}: the public API differs from api/${name}.api.md. If the change is meant, ` +
          "run `pnpm api:update`, commit the report and name the change in a changeset.",
      );
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
console.log(`API reports: ${checked} checked, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
