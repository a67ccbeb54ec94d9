/**
 * Runs the conformance suite in Cloudflare's workerd (the `workerd` npm package): the test files and the
 * built packages they import are bundled by esbuild into one Worker module, served by `workerd serve` on
 * 127.0.0.1; one request runs the suite and streams its output back, which is echoed here. The Worker prints
 * the same closing line as `main.ts`.
 *
 * A test file listed as a whole in `not-applicable.json` is not bundled (it imports what a Worker cannot
 * load); its tests, counted here in Node, are reported as not applicable.
 *
 * Usage: `node --import tsx src/workerd.ts [filter]` (run-all.mjs does this for `--runtime=workerd`).
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { build } from "esbuild";
import { conformanceDir, describeRunFailure, loaderLines, planEmbeddedRun } from "./embedded-plan.ts";
import { DONE_MARKER } from "./worker.ts";

const label = "workerd";
/** A bound on the whole run, so a hang ends the run instead of CI. */
const RUN_TIMEOUT_MS = 15 * 60_000;

/** The workerd binary from the platform package that `workerd` depends on. */
export function workerdBinary(): string {
  const require = createRequire(join(conformanceDir, "package.json"));
  const main = createRequire(require.resolve("workerd/package.json"));
  const platform = `@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}`;
  return join(dirname(main.resolve(`${platform}/package.json`)), "bin", "workerd");
}

/** A free loopback port (asked of the kernel, then released for workerd to bind). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

const filter = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const plan = await planEmbeddedRun(label, filter);
const binary = process.env.PIPE_WORKERD || workerdBinary();
const version = /(\d{4})-(\d{2})-(\d{2})/.exec(spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout);
const work = await mkdtemp(join(tmpdir(), "pipe-conformance-workerd-"));
let exitCode = 1;
let server: ReturnType<typeof spawn> | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    server?.kill("SIGTERM");
    process.exit(1);
  });
try {
  const entry = join(work, "entry.ts");
  await writeFile(
    entry,
    [
      `globalThis.__pipeWorkerdVersion = ${JSON.stringify(version === null ? "0.0.0" : `${Number(version[1])}.${Number(version[2])}.${Number(version[3])}`)};`,
      `import { conformanceWorker } from ${JSON.stringify(join(conformanceDir, "src", "worker.ts"))};`,
      "export default conformanceWorker({",
      ...loaderLines(plan),
      "});",
      "",
    ].join("\n"),
  );
  await build({
    entryPoints: [entry],
    outfile: join(work, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // The store drivers' entry points are imported only by test files listed as not applicable here.
    external: ["@pipe/shards/pglite", "@pipe/shards/postgres"],
    logLevel: "warning",
  });
  const port = await freePort();
  await writeFile(
    join(work, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2026-11-01",
);
`,
  );
  server = spawn(binary, ["serve", join(work, "config.capnp")], { stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let response: Response | undefined;
  // workerd binds its socket shortly after starting: retry the connection (bounded) until it answers.
  for (let attempt = 0; attempt < 100 && response === undefined; attempt++) {
    try {
      response = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        body: JSON.stringify(plan.config),
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
    } catch (error) {
      if (server.exitCode !== null) throw new Error(`workerd exited with ${server.exitCode}`);
      if (attempt === 99) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (response?.body == null) throw new Error("workerd gave no response body");
  const decoder = new TextDecoder();
  let pending = "";
  let done: { failed: number; ran: number } | undefined;
  let closingLine = false;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    pending += decoder.decode(read.value, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith(DONE_MARKER)) done = JSON.parse(line.slice(DONE_MARKER.length));
      else {
        if (line.startsWith(`${label}: `) && line.endsWith(" not applicable")) closingLine = true;
        console.log(line);
      }
    }
  }
  exitCode = done === undefined || done.failed > 0 || done.ran === 0 || !closingLine ? 1 : 0;
} catch (error) {
  console.log(`  ! workerd run failed: ${describeRunFailure(error, label)}`);
  console.log(`\n${label}: 0 passed, 1 failed, 0 not applicable`);
} finally {
  server?.kill("SIGTERM");
  await rm(work, { recursive: true, force: true }).catch(() => undefined);
}
process.exit(exitCode);
