#!/usr/bin/env node
// The reference apps as templates (`pnpm templates`, in CI): packs the built packages with `pnpm pack`, copies
// each app in apps/ out of the monorepo into a temporary directory, points its @pipe dependencies at the packed
// tarballs (`catalog:` versions become the catalog's ranges), installs them all with npm (one workspace, npm's
// cache, so a second run needs no network), builds every app against the packed packages' types, then per app
// type-checks its tests and runs every one of them, two apps side by side (their tests mostly wait on child
// processes, servers and a browser). `PIPE_TEMPLATE_TESTS=quick` runs only a quick subset without services.
// What a user copying an app changes is what this does: the app's tsconfig drops the monorepo-only
// `@pipe/source` condition and its vitest config is a plain one.
//
// The copied apps' tests use a PostgreSQL database and a Redis logical database of their own (DATABASE_URL's
// database with `_templates` appended, created when missing; REDIS_URL's database number plus one), so they
// cannot meet the in-repo app tests that turbo may run at the same time. Each app prints one line
// `template apps/<app>: N passed, N failed, N skipped` that the CI summary counts. Every step is bounded in
// time (a step that overruns is killed with its child processes); the temporary directory is removed at the end.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const started = Date.now();

/** Tests that need no service and start no child process, per app (PIPE_TEMPLATE_TESTS=quick). */
const QUICK_TESTS = {
  "ingest-worker": ["test/handler.test.ts"],
  "shard-control-plane": ["test/server.test.ts"],
  "tenant-cluster": ["test/config.test.ts", "test/processor.test.ts"],
  "tenant-router": ["test/routing.test.ts"],
};
const mode = process.env.PIPE_TEMPLATE_TESTS || "all";
if (mode !== "all" && mode !== "quick") {
  console.error(`PIPE_TEMPLATE_TESTS must be "all" (the default) or "quick", got "${mode}"`);
  process.exit(2);
}

/** The apps whose suites take longest, longest first; they start first. */
const LONGEST = ["shard-control-plane", "ingest-worker"];
const rank = (name) => (LONGEST.includes(name) ? LONGEST.indexOf(name) : LONGEST.length);

/** A directory as shown in the log: relative to the repo or to the temporary directory. */
const where = (dir) => (dir.startsWith(root) ? relative(root, dir) : relative(work, dir)) || ".";

/**
 * Runs `command` in `cwd` in a process group of its own, killed with everything it started after `timeoutMs`
 * (and whatever it left running once it exits). Resolves to whether it succeeded, its log line and its output.
 */
function run(command, args, cwd, timeoutMs, env = {}) {
  const shown = `${command} ${args.join(" ")}`;
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      detached: true,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const done = (status, error) => {
      clearTimeout(timer);
      // Whatever the step left running (a server, a browser) goes with it.
      killGroup(child.pid);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      const why = timedOut ? `timed out after ${timeoutMs / 1000} s` : (error?.message ?? `exit ${status}`);
      const line = `${where(cwd)}: ${shown} (${seconds} s${status === 0 ? "" : `, failed: ${why}`})`;
      resolve({ ok: status === 0 && !timedOut, line, output });
    };
    child.on("error", (error) => done(null, error));
    child.on("close", (status) => done(status));
  });
}

function killGroup(pid) {
  try {
    if (pid !== undefined) process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Runs a step that must succeed: prints its line, or its line and output and throws. */
async function must(command, args, cwd, timeoutMs) {
  const r = await run(command, args, cwd, timeoutMs);
  console.log(r.line);
  if (!r.ok) {
    console.error(r.output.slice(-8000));
    throw new Error(`${command} ${args.join(" ")} failed`);
  }
  return r.output;
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

/**
 * The environment of the copied apps' tests: DATABASE_URL names `<database>_templates` (created when missing,
 * with the `postgres` driver the apps installed) and REDIS_URL the next logical database. Unset variables stay
 * unset (the tests then skip with a reason, or fail under PIPE_REQUIRE_SERVICES=1).
 */
async function servicesEnv(work) {
  const env = {};
  if (process.env.REDIS_URL) {
    const url = new URL(process.env.REDIS_URL);
    url.pathname = `/${(Number(url.pathname.slice(1)) || 0) + 1}`;
    env.REDIS_URL = url.href;
  }
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = `${decodeURIComponent(url.pathname.slice(1)) || "postgres"}_templates`;
    if (!/^[A-Za-z0-9_]+$/.test(name))
      throw new Error(`DATABASE_URL: cannot derive a database name from ${name}`);
    const postgres = createRequire(join(work, "package.json"))("postgres");
    const sql = postgres(process.env.DATABASE_URL, {
      max: 1,
      connect_timeout: 10,
      onnotice: () => undefined,
    });
    try {
      const found = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      // 42P04: created by a run beside this one in the meantime.
      if (found.length === 0)
        await sql.unsafe(`CREATE DATABASE "${name}"`).catch((e) => {
          if (e.code !== "42P04") throw e;
        });
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.href;
    } catch (e) {
      // Without a server the tests say why themselves; without the right to create a database, they share it.
      if (process.env.PIPE_REQUIRE_SERVICES === "1") throw e;
      console.log(`templates: no database of their own (${e.message}); the tests use DATABASE_URL as it is`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return env;
}

/** Type-checks an app's tests and runs them; resolves to its counts (or undefined) and its log lines. */
async function testApp(dir, name, env) {
  const lines = [];
  let failed = false;
  if (mode === "all") {
    const check = await run("npx", ["tsc", "-p", "tsconfig.json"], dir, 600_000);
    lines.push(check.line);
    if (!check.ok) {
      lines.push(check.output.slice(-8000));
      failed = true;
    }
  }
  const report = join(dir, "vitest-report.json");
  const files = mode === "all" ? [] : (QUICK_TESTS[name] ?? []);
  const args = [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...files,
  ];
  const tests = await run("npx", args, dir, 1_500_000, env);
  lines.push(tests.line);
  let counts;
  try {
    const json = JSON.parse(readFileSync(report, "utf8"));
    counts = {
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + json.numTodoTests,
    };
  } catch {
    counts = undefined;
  }
  if (!tests.ok) {
    lines.push(tests.output.slice(-12000));
    failed = true;
  }
  // A run that ended without a report (killed, crashed) counts as one failed test.
  const c = counts ?? { passed: 0, failed: 1, skipped: 0 };
  lines.push(`template apps/${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  return { failed: failed || c.failed > 0, lines };
}

const work = mkdtempSync(join(tmpdir(), "pipe-templates-"));
let failed = false;
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
    const out = await must(
      pnpm[0],
      [...pnpm.slice(1), "pack", "--pack-destination", tarballs],
      pkgDir,
      120_000,
    );
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
  await must(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    work,
    600_000,
  );

  // 4. Build every app first (an app's tests may start a sibling's build: tenant-cluster's start the control
  // plane), two at a time; then each app's tests, each app's log printed when it ends.
  const dirs = apps.map((app) => join(work, "apps", app.name));
  for (let i = 0; i < dirs.length; i += 2) {
    await Promise.all(
      dirs.slice(i, i + 2).map((dir) => must("npx", ["tsc", "-p", "tsconfig.build.json"], dir, 600_000)),
    );
  }
  const env = mode === "all" ? await servicesEnv(work) : {};
  if (env.DATABASE_URL !== undefined || env.REDIS_URL !== undefined)
    console.log(
      `templates: the tests use ${[env.DATABASE_URL, env.REDIS_URL].filter(Boolean).join(" and ")}`,
    );
  // Two apps at a time, the longest suites first: beside the other task turbo runs, more would make the apps'
  // timing-bound tests (leases, browser pages) slow enough to fail on two cores.
  const order = apps
    .map((app, i) => ({ name: app.name, dir: dirs[i] }))
    .sort((a, b) => rank(a.name) - rank(b.name));
  const results = [];
  const lane = async () => {
    for (let next = order.shift(); next !== undefined; next = order.shift()) {
      const r = await testApp(next.dir, next.name, env);
      console.log(r.lines.join("\n"));
      results.push(r);
    }
  };
  await Promise.all([lane(), lane()]);
  failed = results.some((r) => r.failed);
  console.log(
    `templates: ${apps.length} apps built and tested (${mode} tests) from the packed packages in ${Math.round((Date.now() - started) / 1000)} s${failed ? "; some failed" : ""}`,
  );
} catch (e) {
  console.error(`templates: ${e.message}`);
  failed = true;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
