/**
 * Load benchmark of the shard control plane over real HTTP: the reference app (`apps/shard-control-plane`,
 * PGlite store, reads from its `ShardReadView`) on a generated fixture, driven by autocannon over loopback at 1, 16
 * and 64 connections; beside it, in the same run and with the same generator, a Hono hello-world route on the same
 * Node adapter. Reports p50/p99 latency and req/s per query, and req/s relative to hello-world (the ratio that
 * survives noise: both share the machine with the load generator).
 *
 * Queries: list page 100 and 500 (varying cursors), page 100 filtered by owner, by status, by search, and diff
 * over 1,000 positions (recent ones, and anywhere in history: the view holds the whole history in memory).
 *
 * Usage (from benchmarks/, after `pnpm build`):
 *   node --import tsx src/load/shards-load.ts [--fixtures=100k,1m] [--seconds=5] [--connections=1,16,64]
 *     [--queries=list] [--cpu-prof=<dir>] [--runtime=node|node22|node24|node26|deno|bun]
 *     [--out=results/shards-load.md]
 * `--runtime` runs the app (its entry point for that runtime: dist/node.js, deno.js or bun.js) and the hello-world
 * route (on the same server adapter) on that runtime; the default is the machine's Node.
 * `--queries` runs only the named queries (comma-separated names from the table, e.g. `list 100,list 500`; a name
 * ending in `*` is a prefix: `list*` runs every list query). `--cpu-prof` writes a V8 CPU profile of the app
 * process into `<dir>` when it exits.
 * `pnpm bench` runs it after the other benchmarks (`--load=100k|1m|100k,1m|none`).
 * Fixtures are built once under benchmarks/.data (the 1M one takes a few minutes the first time).
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { RUNTIME_IDS, runtime } from "../runtimes.ts";
import { closeFixtures, type FixtureSpec, fixture } from "../shards/fixture.ts";
import { collectCursors, shardQueries } from "./shard-queries.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SPECS: Record<string, FixtureSpec> = {
  "100k": { label: "100k×1000", shards: 100_000, nodes: 1000 },
  "1m": { label: "1M×1000", shards: 1_000_000, nodes: 1000 },
};
const fixtures = flag("fixtures", "100k,1m")
  .split(",")
  .map((f) => {
    const spec = SPECS[f];
    if (spec === undefined)
      throw new RangeError(`unknown fixture ${f} (expected ${Object.keys(SPECS).join(", ")})`);
    return spec;
  });
const seconds = Number(flag("seconds", "5"));
const outFile = flag("out", fileURLToPath(new URL("../../results/shards-load.md", import.meta.url)));
const connectionCounts = flag("connections", "1,16,64").split(",").map(Number);
const queryNames = flag("queries", "")
  .split(",")
  .map((q) => q.trim())
  .filter((q) => q.length > 0);
const cpuProfDir = flag("cpu-prof", "");
const TOKEN = "bench-operator-token-0123456789";
const appDist = fileURLToPath(new URL("../../../apps/shard-control-plane/dist/", import.meta.url));
const helloScript = fileURLToPath(new URL("./hello.ts", import.meta.url));
const helloWebScript = fileURLToPath(new URL("./hello-web.ts", import.meta.url));
// The runtime the app and the hello-world route run on (the load generator stays on this process's Node).
const runtimeId = flag("runtime", "node");
if (!(RUNTIME_IDS as readonly string[]).includes(runtimeId))
  throw new RangeError(`unknown --runtime=${runtimeId} (expected one of ${RUNTIME_IDS.join(", ")})`);
const runtimeSpec = runtime(runtimeId);
if (runtimeSpec.executable === undefined) throw new Error(`--runtime=${runtimeId}: ${runtimeSpec.missing}`);
const exe: string = runtimeSpec.executable;
const runtimeLabel = `${runtimeId} ${execFileSync(exe, ["--version"], { encoding: "utf8" }).split("\n")[0]?.trim()}`;
if (cpuProfDir !== "" && runtimeSpec.family !== "node")
  throw new RangeError("--cpu-prof needs a Node runtime");
/** The argv of the app on the chosen runtime: the same entry point a user starts there. */
const appCommand = (): string[] =>
  runtimeSpec.family === "deno"
    ? [exe, "run", "--allow-all", "--no-lock", `${appDist}deno.js`]
    : runtimeSpec.family === "bun"
      ? [exe, `${appDist}bun.js`]
      : [
          exe,
          ...(cpuProfDir === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`]),
          `${appDist}node.js`,
        ];
/** The hello-world route on the same server adapter as the app on that runtime. */
const helloCommand = (): string[] =>
  runtimeSpec.family === "deno"
    ? [exe, "run", "--allow-all", "--no-lock", helloWebScript]
    : runtimeSpec.family === "bun"
      ? [exe, helloWebScript]
      : [exe, "--import", "tsx", helloScript];
const benchDir = fileURLToPath(new URL("../../", import.meta.url));

/** Starts a server process and resolves with its URL once it prints `listening at <url>` and is ready. */
function start(command: string[], ready: RegExp): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: benchDir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no "${ready}" within 10 minutes:\n${out}`));
    }, 600_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m !== null && ready.test(out)) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

interface Point {
  readonly fixture: string;
  readonly query: string;
  readonly connections: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly ofHello: number;
}

/** Drives `paths()` (a fresh path per request) at `connections` for `seconds`. */
async function drive(
  url: string,
  connections: number,
  paths: () => string,
  duration = seconds,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
  });
}

async function main(): Promise<void> {
  const points: Point[] = [];
  const hello = await start(helloCommand(), /listening at/);
  const helloRps = new Map<number, number>();
  try {
    await drive(hello.url, 16, () => "/", Math.min(2, seconds));
    for (const c of connectionCounts) {
      const r = await drive(hello.url, c, () => "/");
      helloRps.set(c, r.requests.average);
      console.log(
        `hello-world c=${c}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
      );
    }
  } finally {
    await stop(hello.child);
  }
  for (const spec of fixtures) {
    // Build (or reuse) the fixture, then release its data directory for the app.
    const f = await fixture(spec, "pglite");
    const head = (await f.repository.highestPosition()).unwrap();
    await closeFixtures();
    const dir = fileURLToPath(new URL(`../../.data/shards-${spec.shards}x${spec.nodes}`, import.meta.url));
    const started = performance.now();
    const app = await start(
      [
        ...appCommand(),
        "--port",
        "0",
        "--data-dir",
        dir,
        "--no-seed",
        // Keep the whole history: "diff 1k anywhere" reads all of it (the default keeps the newest 1M changes).
        "--history-retention",
        "0",
        // ... and hold all of it in the view's memory (by default it holds the newest 1M changes).
        "--recent-diffs",
        "10000000",
        "--quiet",
        "--operator-token",
        TOKEN,
      ],
      /listening at[\s\S]*operator token/,
    );
    console.log(`${spec.label}: app ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    try {
      const queries = shardQueries(await collectCursors(app.url, TOKEN), head);
      const selected = Object.entries(queries).filter(
        ([query]) =>
          queryNames.length === 0 ||
          queryNames.some((q) => (q.endsWith("*") ? query.startsWith(q.slice(0, -1)) : query === q)),
      );
      for (const [query, paths] of selected) {
        // Warm-up, not reported: compiles the route's code and fills the view's caches for this query.
        await drive(app.url, 16, paths, Math.min(2, seconds));
        for (const c of connectionCounts) {
          const r = await drive(app.url, c, paths);
          const point: Point = {
            fixture: spec.label,
            query,
            connections: c,
            rps: r.requests.average,
            p50: r.latency.p50,
            p99: r.latency.p99,
            errors: r.errors + r.timeouts,
            non2xx: r.non2xx,
            ofHello: r.requests.average / (helloRps.get(c) ?? Number.NaN),
          };
          points.push(point);
          console.log(
            `${spec.label} ${query} c=${c}: ${point.rps.toFixed(0)} req/s (${(point.ofHello * 100).toFixed(1)}% of hello-world), p50 ${point.p50} ms, p99 ${point.p99} ms${point.errors + point.non2xx > 0 ? `, ${point.errors} errors, ${point.non2xx} non-2xx` : ""}`,
          );
        }
      }
    } finally {
      await stop(app.child);
    }
  }
  const lines = [
    `# Shard control plane under load (app and hello-world on ${runtimeLabel}, ${seconds} s per point, autocannon on Node ${process.versions.node} over loopback)`,
    "",
    "| fixture | query | connections | req/s | % of hello-world | p50 ms | p99 ms | errors |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...points.map(
      (p) =>
        `| ${p.fixture} | ${p.query} | ${p.connections} | ${p.rps.toFixed(0)} | ${(p.ofHello * 100).toFixed(1)} | ${p.p50} | ${p.p99} | ${p.errors + p.non2xx} |`,
    ),
    "",
    `Hello-world req/s: ${connectionCounts.map((c) => `c=${c} ${helloRps.get(c)?.toFixed(0)}`).join(", ")}`,
  ];
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${lines.join("\n")}\n`);
  console.log(lines.join("\n"));
  const failed = points.filter((p) => p.errors + p.non2xx > 0);
  if (failed.length > 0) {
    console.error(`${failed.length} points had errors or non-2xx answers`);
    process.exitCode = 1;
  }
}

await main();
