/**
 * Runs the conformance suite in a real browser: headless Chromium (Debian's `/usr/bin/chromium`, or the one at
 * `PIPE_CHROMIUM`) driven by playwright-core. The test files are bundled with esbuild, leaving every
 * `@pipe/*` import as an ES module import that an import map points at the package's built `dist/`, served
 * with the bundle from a static server on 127.0.0.1; the modules those import by name are mapped too (Effect's
 * Schema and Hono bundled into one module each, PGlite's built files as they are). The page prints the same
 * closing line as `main.ts`.
 *
 * A test file listed as a whole in `not-applicable.json` is not loaded in the page (it imports what a
 * browser cannot load); its tests, counted here in Node, are reported as not applicable.
 *
 * Usage: `node --import tsx src/browser.ts [filter]` (run-all.mjs does this for `--runtime=browser`).
 *
 * @module
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import process from "node:process";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import type { BrowserRunOutcome } from "./browser-page.ts";
import { conformanceDir, describeRunFailure, loaderLines, planEmbeddedRun } from "./embedded-plan.ts";

const label = "browser";
/** The packages the page maps by name, each to its built `dist/index.js`. */
const browserPackages = ["result", "channels", "pipeline", "shards", "tenants"];
/** The entry points of `@pipe/shards` the page maps: all but the store drivers'. */
const shardsEntries = {
  "@pipe/shards": "index.js",
  "@pipe/shards/hashing": "hashing/index.js",
  "@pipe/shards/http": "http/index.js",
  "@pipe/shards/pglite": "pglite/index.js",
  // The package's import condition for runtimes without a file system (a browser): a lock that refuses.
  "#data-dir-lock": "internal/data-dir-lock-none.js",
};
/** PGlite's built files (ES modules that fetch their WebAssembly and data files beside them), served as is. */
const pgliteDir = join(conformanceDir, "node_modules", "@electric-sql", "pglite", "dist");
/**
 * The third-party modules the mapped packages import by name, each bundled by esbuild into one ES module under
 * `/bundle/vendor/` (a page has no package resolution; their own files import each other relatively).
 */
const vendorModules = { "effect/Schema": "effect-schema", hono: "hono" };
const chromiumPath = process.env.PIPE_CHROMIUM || "/usr/bin/chromium";
/** A bound on the whole page run, so a hang ends the run instead of CI. */
const PAGE_TIMEOUT_MS = 15 * 60_000;

const filter = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const plan = await planEmbeddedRun(label, filter);
const config = plan.config;
const repoDir = join(conformanceDir, "..");

const work = await mkdtemp(join(tmpdir(), "pipe-conformance-browser-"));
const close: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
let exitCode = 1;
try {
  const entry = join(work, "entry.ts");
  await writeFile(
    entry,
    [
      `import { start } from ${JSON.stringify(join(conformanceDir, "src", "browser-page.ts"))};`,
      "const g = globalThis;",
      "start(g.__pipeConformanceConfig, {",
      ...loaderLines(plan),
      "}).then((done) => { g.__pipeConformanceDone = done; }, (error) => {",
      "  g.__pipeConformanceDone = { failed: 1, ran: 0, error: String(error?.stack ?? error) };",
      "});",
      "",
    ].join("\n"),
  );
  const out = join(work, "out");
  await build({
    entryPoints: [entry],
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["@pipe/*"],
    logLevel: "warning",
  });

  await build({
    entryPoints: Object.fromEntries(
      Object.entries(vendorModules).map(([specifier, name]) => [name, specifier]),
    ),
    absWorkingDir: join(repoDir, "packages", "shards"),
    outdir: join(out, "vendor"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  });
  const importMap = {
    imports: {
      ...Object.fromEntries(browserPackages.map((p) => [`@pipe/${p}`, `/packages/${p}/dist/index.js`])),
      ...Object.fromEntries(
        Object.entries(shardsEntries).map(([s, file]) => [s, `/packages/shards/dist/${file}`]),
      ),
      ...Object.fromEntries(
        Object.entries(vendorModules).map(([specifier, name]) => [specifier, `/bundle/vendor/${name}.js`]),
      ),
      "@electric-sql/pglite": "/pglite/index.js",
    },
  };
  const page = `<!doctype html><meta charset="utf-8"><title>@pipe conformance</title>
<script type="importmap">${JSON.stringify(importMap)}</script>
<script>globalThis.__pipeConformanceConfig = ${JSON.stringify(config)};</script>
<script type="module" src="/bundle/entry.js"></script>`;
  const types: Record<string, string> = {
    ".js": "text/javascript",
    ".map": "application/json",
    ".wasm": "application/wasm",
  };
  /** Resolves a request path under a base directory, refusing anything that escapes it. */
  const under = (base: string, rest: string): string | undefined => {
    const path = normalize(join(base, decodeURIComponent(rest)));
    return path.startsWith(base + sep) ? path : undefined;
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const pkg = /^\/packages\/([a-z]+)\/dist\/(.+)$/.exec(url.pathname);
    const path =
      url.pathname === "/"
        ? undefined
        : url.pathname.startsWith("/bundle/")
          ? under(out, url.pathname.slice("/bundle/".length))
          : url.pathname.startsWith("/pglite/")
            ? under(pgliteDir, url.pathname.slice("/pglite/".length))
            : pkg !== null && browserPackages.includes(pkg[1]!)
              ? under(join(repoDir, "packages", pkg[1]!, "dist"), pkg[2]!)
              : undefined;
    if (url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    try {
      if (path === undefined) throw new Error("not served");
      const body = await readFile(path);
      response
        .writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;

  // Flags as this machine needs them: no sandbox as root, and no background connections to the outside.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  close.unshift(() => browser.close());
  const tab = await browser.newPage();
  let closingLine = false;
  tab.on("console", (message) => {
    const text = message.text();
    if (text.includes(`${label}: `) && /\d+ not applicable$/.test(text)) closingLine = true;
    console.log(message.type() === "error" ? `  ! console error: ${text}` : text);
  });
  const pageError = new Promise<never>((_, reject) => tab.on("pageerror", reject));
  await tab.goto(`http://127.0.0.1:${port}/`);
  const done = await Promise.race([
    tab
      .waitForFunction(
        () => (globalThis as { __pipeConformanceDone?: unknown }).__pipeConformanceDone,
        null,
        {
          timeout: PAGE_TIMEOUT_MS,
          polling: 250,
        },
      )
      .then((handle) => handle.jsonValue() as Promise<BrowserRunOutcome & { error?: string }>),
    pageError,
  ]);
  // Console events arrive asynchronously: wait (bounded) until the closing line has been echoed.
  for (let i = 0; i < 40 && !closingLine; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (done.error !== undefined) console.log(`  ! the page's run failed: ${done.error}`);
  exitCode = done.failed > 0 || done.ran === 0 || !closingLine ? 1 : 0;
} catch (error) {
  console.log(`  ! browser run failed: ${describeRunFailure(error, label)}`);
  console.log(`\n${label}: 0 passed, 1 failed, 0 not applicable`);
} finally {
  for (const step of close) await step().catch(() => undefined);
}
process.exit(exitCode);
