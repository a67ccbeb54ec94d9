#!/usr/bin/env node
// The JSR configuration: packages/<name>/deno.json per package (name, version, license, exports and imports
// mirroring package.json, pointing at the .ts sources) in the Deno workspace packages/deno.json.
//   node scripts/jsr.mjs --write  rewrites each deno.json from its package.json
//   node scripts/jsr.mjs          (`pnpm jsr:check`, in CI) fails when a deno.json differs from what its
//                                 package.json implies, then runs `deno publish --dry-run` on the workspace
// The dry run needs no network: it resolves every import (relative, `#` imports, the workspace's @pipe
// packages, npm packages from node_modules), lists the files each package would publish and runs JSR's
// slow-types check. It runs with --no-check: the sources are type-checked by tsc in the typecheck task, and
// Deno's own type check cannot resolve `/// <reference types="node" />` from a pnpm layout.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const packagesDir = join(root, "packages");
const workspace = JSON.parse(readFileSync(join(packagesDir, "deno.json"), "utf8"));

/** The source an export or import resolves to on Deno: the `@pipe/source` target, its `deno` branch if any. */
const sourceOf = (target) => {
  const source = target["@pipe/source"];
  return typeof source === "string" ? source : (source.deno ?? source.default);
};

/** The deno.json a package.json implies (compared as JSON, so formatting is Biome's). */
function jsrConfig(pkg) {
  const config = { name: pkg.name, version: pkg.version, license: pkg.license, exports: {} };
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath !== "./package.json") config.exports[subpath] = sourceOf(target);
  }
  if (pkg.imports !== undefined) {
    config.imports = {};
    for (const [name, target] of Object.entries(pkg.imports)) config.imports[name] = sourceOf(target);
  }
  config.publish = { include: ["src/**/*.ts", "README.md", "LICENSE"], exclude: ["src/**/*.test.ts"] };
  return config;
}

const write = process.argv.includes("--write");
let stale = 0;
for (const member of workspace.workspace) {
  const dir = join(packagesDir, member);
  const expected = jsrConfig(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
  const path = join(dir, "deno.json");
  let actual;
  try {
    actual = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    actual = undefined;
  }
  if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
  if (write) {
    writeFileSync(path, `${JSON.stringify(expected, null, 2)}\n`);
    spawnSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", path], { stdio: "ignore" });
    console.log(`wrote packages/${member.slice(2)}/deno.json`);
  } else {
    console.error(
      `packages/${member.slice(2)}/deno.json differs from its package.json: run node scripts/jsr.mjs --write`,
    );
    stale++;
  }
}
if (stale > 0) process.exit(1);
if (write) process.exit(0);

const deno = join(root, "node_modules", ".bin", "deno");
const run = spawnSync(deno, ["publish", "--dry-run", "--allow-dirty", "--no-check"], {
  cwd: packagesDir,
  encoding: "utf8",
  env: { ...process.env, NO_COLOR: "1" },
  timeout: 300_000,
});
const output = `${run.stdout}${run.stderr}`;
// The file lists are long; print what is checked and any error.
console.log(
  output
    .split("\n")
    .filter((line) => !line.startsWith("   file://"))
    .join("\n"),
);
if (run.error !== undefined) throw run.error;
process.exitCode = run.status === 0 ? 0 : 1;
