/**
 * What each entry point loads: every entry is imported by name in a fresh Node process whose resolve hook
 * records each module URL (test/fixtures/loaded-modules.mjs), so a driver pulled in by a stray import shows up
 * here, not in a user's bundle. The source is loaded (the `@pipe/source` condition); dist has the same graph.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** The module URLs resolved while a fresh process imports `specifier`. */
function loadedBy(specifier: string): Promise<readonly string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=@pipe/source", "--import", "tsx", "test/fixtures/loaded-modules.mjs", specifier],
      { cwd: packageDir, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`importing ${specifier} failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as string[]);
      },
    );
  });
}

/** The installed packages among `urls`, by name (`effect`, `@electric-sql/pglite`, ...). */
function packagesIn(urls: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(url);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return names;
}

const drivers = ["@electric-sql/pglite", "postgres", "proper-lockfile"];

describe("entry points", () => {
  const loads = {
    main: loadedBy("@pipe/shards"),
    hashing: loadedBy("@pipe/shards/hashing"),
    pglite: loadedBy("@pipe/shards/pglite"),
    postgres: loadedBy("@pipe/shards/postgres"),
    http: loadedBy("@pipe/shards/http"),
  };
  // Rejections are awaited by the tests; mark them handled so one failing import fails its test only.
  for (const load of Object.values(loads)) load.catch(() => undefined);

  it("@pipe/shards loads no database driver, no file-system lock and no node:net", async () => {
    const urls = await loads.main;
    const packages = packagesIn(urls);
    for (const driver of [...drivers, "hono"]) expect(packages, driver).not.toContain(driver);
    expect(urls).not.toContain("node:net");
    expect(urls.some((url) => url.includes("data-dir-lock"))).toBe(false);
    expect(urls.some((url) => url.includes("/stores/in-memory."))).toBe(true);
  });

  it("@pipe/shards/hashing loads neither Effect nor a driver: @pipe/result is its only dependency", async () => {
    const urls = await loads.hashing;
    expect([...packagesIn(urls)]).toEqual([]);
    expect(urls.every((url) => /\/packages\/(shards|result)\//.test(url))).toBe(true);
  });

  it("@pipe/shards/pglite loads PGlite and the data-directory lock, not the PostgreSQL driver", async () => {
    const urls = await loads.pglite;
    const packages = packagesIn(urls);
    expect(packages).toContain("@electric-sql/pglite");
    expect(packages).not.toContain("postgres");
    expect(urls.some((url) => url.includes("data-dir-lock.node."))).toBe(true);
  });

  it("@pipe/shards/postgres loads the PostgreSQL driver, not PGlite", async () => {
    const packages = packagesIn(await loads.postgres);
    expect(packages).toContain("postgres");
    expect(packages).not.toContain("@electric-sql/pglite");
  });

  it("@pipe/shards/http loads Hono and no database driver", async () => {
    const packages = packagesIn(await loads.http);
    expect(packages).toContain("hono");
    for (const driver of drivers) expect(packages, driver).not.toContain(driver);
  });
});
