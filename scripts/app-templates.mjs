#!/usr/bin/env node
// The reference apps as templates (`pnpm templates`, in CI): packs the built packages with `pnpm pack`, copies
// each app in apps/ out of the monorepo into a temporary directory, points its @pipe dependencies at the packed
// tarballs (`catalog:` versions become the catalog's ranges), installs them all with npm (one workspace, npm's
// cache, so a second run needs no network), then per app builds it against the packed packages' types and runs
// a quick subset of its tests (with PIPE_TEMPLATE_TESTS=all: every test, after type-checking the tests too). What a user copying an app changes is
// what this does: the app's tsconfig drops the monorepo-only `@pipe/source` condition and its vitest config is
// a plain one. Every step is bounded in time; the temporary directory is removed at the end.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const started = Date.now();

/** Tests that need no service and start no child process, per app; PIPE_TEMPLATE_TESTS=all runs every test. */
const QUICK_TESTS = {
  "ingest-worker": ["test/handler.test.ts"],
  "shard-control-plane": ["test/server.test.ts"],
  "tenant-cluster": ["test/config.test.ts", "test/processor.test.ts"],
  "tenant-router": ["test/routing.test.ts"],
};

/** A directory as shown in the log: relative to the repo or to the temporary directory. */
const where = (dir) => (dir.startsWith(root) ? relative(root, dir) : relative(work, dir)) || ".";

function run(command, args, cwd, timeoutMs) {
  const shown = `${command} ${args.join(" ")}`;
  const t0 = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(
      `${where(cwd)}: ${shown} failed (${result.error?.message ?? `exit ${result.status}`}, ${seconds} s)`,
    );
    console.error(`${result.stdout}${result.stderr}`.slice(-8000));
    throw new Error(`${shown} failed`);
  }
  console.log(`${where(cwd)}: ${shown} (${seconds} s)`);
  return result.stdout;
}

/** The workspace catalog (pnpm-workspace.yaml's `catalog:` block of `name: range` lines). */
function catalog() {
  const lines = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8").split("\n");
  const start = lines.findIndex((l) => l.trim() === "catalog:");
  const entries = {};
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+"?([^":]+)"?:\s*(\S+)\s*$/.exec(line);
    if (match === null) break;
    entries[match[1]] = match[2];
  }
  return entries;
}

const work = mkdtempSync(join(tmpdir(), "pipe-templates-"));
try {
  // 1. Pack every package (its dist/ must be built: turbo runs the packages' build first).
  const tarballs = join(work, "tarballs");
  const pnpm = process.env.npm_execpath?.includes("pnpm")
    ? [process.execPath, process.env.npm_execpath]
    : ["npx", "--yes", "pnpm@10.34.9"];
  const packed = {};
  for (const dir of readdirSync(join(root, "packages"), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const pkgDir = join(root, "packages", dir.name);
    const name = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).name;
    const out = run(pnpm[0], [...pnpm.slice(1), "pack", "--pack-destination", tarballs], pkgDir, 120_000);
    const file = out
      .trim()
      .split("\n")
      .findLast((l) => l.endsWith(".tgz"));
    packed[name] = `file:${join(tarballs, basename(file.trim()))}`;
  }

  // 2. Copy the apps out, with what they take from the monorepo root beside them.
  const ranges = catalog();
  const apps = readdirSync(join(root, "apps"), { withFileTypes: true }).filter((d) => d.isDirectory());
  cpSync(join(root, "tsconfig.base.json"), join(work, "tsconfig.base.json"));
  writeFileSync(
    join(work, "vitest.shared.ts"),
    `import { defineConfig } from "vitest/config";\n\nexport default defineConfig({\n  test: { include: ["test/**/*.test.ts"], testTimeout: 90_000, hookTimeout: 90_000 },\n});\n`,
  );
  for (const app of apps) {
    const from = join(root, "apps", app.name);
    const to = join(work, "apps", app.name);
    const skipped = new Set(["node_modules", "dist", ".turbo", "artifacts", ".data"]);
    cpSync(from, to, { recursive: true, filter: (src) => !skipped.has(basename(src)) });
    const pkg = JSON.parse(readFileSync(join(to, "package.json"), "utf8"));
    for (const field of ["dependencies", "devDependencies"]) {
      for (const [dep, spec] of Object.entries(pkg[field] ?? {})) {
        if (spec.startsWith("workspace:")) {
          if (packed[dep] === undefined) throw new Error(`${app.name}: ${dep} is not a package in packages/`);
          pkg[field][dep] = packed[dep];
        } else if (spec === "catalog:") {
          pkg[field][dep] = ranges[dep];
        }
      }
    }
    // The monorepo's scripts call turbo; a copied app builds with tsc.
    pkg.scripts = {
      build: "tsc -p tsconfig.build.json",
      typecheck: "tsc -p tsconfig.json",
      test: "vitest run",
    };
    writeFileSync(join(to, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    const tsconfigPath = join(to, "tsconfig.json");
    const tsconfig = JSON.parse(readFileSync(tsconfigPath, "utf8"));
    delete tsconfig.compilerOptions.customConditions;
    writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
  }

  // 3. One npm install for all the apps; the packed tarballs stand in for the registry's @pipe packages.
  writeFileSync(
    join(work, "package.json"),
    `${JSON.stringify({ name: "pipe-templates", private: true, workspaces: ["apps/*"], overrides: packed }, null, 2)}\n`,
  );
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], work, 600_000);

  // 4. Per app: build, type-check (sources and tests), tests.
  const all = process.env.PIPE_TEMPLATE_TESTS === "all";
  for (const app of apps) {
    const dir = join(work, "apps", app.name);
    run("npx", ["tsc", "-p", "tsconfig.build.json"], dir, 300_000);
    if (all) run("npx", ["tsc", "-p", "tsconfig.json"], dir, 300_000);
    const files = all ? [] : (QUICK_TESTS[app.name] ?? []);
    const out = run("npx", ["vitest", "run", ...files], dir, 600_000);
    console.log(
      out
        .split("\n")
        .filter((l) => /^\s*(Test Files|Tests)\s/.test(l))
        .join("\n"),
    );
  }
  console.log(
    `templates: ${apps.length} apps built and tested from the packed packages in ${Math.round((Date.now() - started) / 1000)} s`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
