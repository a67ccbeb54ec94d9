/**
 * The install size of each `@pipe` package alone, as a user gets it: every package is packed (`pnpm pack`, so
 * `workspace:` ranges become versions), then installed with npm into an empty directory together with the
 * tarballs of the `@pipe` packages it depends on (they are not on a registry); the rest comes from the npm
 * registry. The size is the apparent size of the resulting `node_modules` (what `du -sb` counts). Optional
 * peer dependencies are not installed; `@pipe/shards` is measured again with each of its store drivers.
 *
 * Usage: `node --import tsx src/platform/install-size.ts` (from benchmarks/, online; takes a minute or two).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR } from "../runtimes.ts";

const PACKAGES = ["result", "channels", "pipeline", "shards", "tenants"] as const;
const packagesDir = join(BENCH_DIR, "..", "packages");

/** The installs measured: a package alone, or with extra registry packages (a store driver). */
const INSTALLS: readonly { readonly label: string; readonly pkg: string; readonly extra?: string[] }[] = [
  ...PACKAGES.map((pkg) => ({ label: `@pipe/${pkg}`, pkg })),
  { label: "@pipe/shards + @electric-sql/pglite", pkg: "shards", extra: ["@electric-sql/pglite"] },
  { label: "@pipe/shards + postgres", pkg: "shards", extra: ["postgres"] },
];

/** The apparent size of every file under `dir`, symlinks not followed. */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The `@pipe` packages `pkg` needs, itself included. */
function pipeClosure(pkg: string, seen = new Set<string>()): Set<string> {
  if (seen.has(pkg)) return seen;
  seen.add(pkg);
  const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (name.startsWith("@pipe/")) pipeClosure(name.slice("@pipe/".length), seen);
  }
  return seen;
}

const work = mkdtempSync(join(tmpdir(), "pipe-install-size-"));
try {
  const tarballs = new Map<string, string>();
  const packed = join(work, "packed");
  mkdirSync(packed);
  for (const pkg of PACKAGES) {
    const before = new Set(readdirSync(packed));
    execFileSync("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", packed], {
      cwd: join(packagesDir, pkg),
      stdio: "ignore",
    });
    const tarball = readdirSync(packed).find((file) => !before.has(file));
    if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for @pipe/${pkg}`);
    tarballs.set(pkg, join(packed, tarball));
  }
  console.log("| install | node_modules (MB) | packages |");
  console.log("|---|---:|---:|");
  for (const install of INSTALLS) {
    const dir = join(work, install.label.replace(/[^a-z0-9]+/gi, "-"));
    mkdirSync(dir);
    const pipe = [...pipeClosure(install.pkg)].map((p) => [`@pipe/${p}`, `file:${tarballs.get(p)}`]);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "install-size",
        private: true,
        dependencies: Object.fromEntries(pipe),
        overrides: Object.fromEntries(pipe),
      }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
      cwd: dir,
      stdio: "ignore",
    });
    if (install.extra !== undefined) {
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...install.extra], {
        cwd: dir,
        stdio: "ignore",
      });
    }
    const modules = join(dir, "node_modules");
    const count =
      execFileSync("npm", ["ls", "--all", "--parseable"], { cwd: dir, encoding: "utf8" }).trim().split("\n")
        .length - 1;
    console.log(`| \`${install.label}\` | ${(sizeOf(modules) / 1e6).toFixed(1)} | ${count} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
