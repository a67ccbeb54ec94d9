/**
 * A/B of two or more builds of the shard control plane over real HTTP, in one run, alternating: each side is an
 * app `dist/` directory (e.g. a copy of the repository at another revision, built) serving its own copy of the
 * same generated fixture; the load generator drives the same query on each side in turn, round after round (the
 * order flips each round), beside a Hono hello-world route. Reports per side the median req/s, p50 and p99 over
 * the rounds, and each round's req/s relative to the first side's in the same round (the ratio that survives a
 * shared machine).
 *
 * Usage (from benchmarks/, after `pnpm build` in each copy):
 *   node --import tsx src/load/shards-ab.ts --side=before=<app dist dir>,<data dir>[,<node flags>] --side=after=...
 *     [--queries="list 100,diff 1k recent"] [--connections=1,64] [--seconds=5] [--rounds=3] [--runtime=node24]
 *     [--cpu-prof=<dir>]
 * Data directories must be distinct copies of one fixture (each app locks its own); build one with
 * `src/load/shards-load.ts --fixtures=1m` first.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { RUNTIME_IDS, runtime } from "../runtimes.ts";
import { collectCursors, shardQueries } from "./shard-queries.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const sides = args
  .filter((a) => a.startsWith("--side="))
  .map((a) => {
    const [name, rest] = a.slice("--side=".length).split(/=(.*)/s, 2) as [string, string];
    const [dist, data, flags = ""] = rest.split(",") as [string, string, string?];
    const own = flags.split(" ").filter((f) => f.length > 0);
    return { name, dist: dist.endsWith("/") ? dist : `${dist}/`, data, flags: own };
  });
if (sides.length < 1) throw new RangeError("give at least one --side=<name>=<app dist>,<data dir>");
const seconds = Number(flag("seconds", "5"));
const rounds = Number(flag("rounds", "3"));
const connectionCounts = flag("connections", "1,64").split(",").map(Number);
const queryNames = flag("queries", "list 100")
  .split(",")
  .map((q) => q.trim())
  .filter((q) => q.length > 0);
const cpuProfDir = flag("cpu-prof", "");
/** Extra Node flags for the apps (e.g. `--trace-gc`), separated by spaces; their output goes to `--log-dir`. */
const nodeFlags = flag("node-flags", "")
  .split(" ")
  .filter((f) => f.length > 0);
const logDir = flag("log-dir", "");
const runtimeId = flag("runtime", "node");
if (!(RUNTIME_IDS as readonly string[]).includes(runtimeId))
  throw new RangeError(`unknown --runtime=${runtimeId} (expected one of ${RUNTIME_IDS.join(", ")})`);
const runtimeSpec = runtime(runtimeId);
if (runtimeSpec.executable === undefined || runtimeSpec.family !== "node")
  throw new Error(`--runtime=${runtimeId}: a Node runtime is needed`);
const exe: string = runtimeSpec.executable;
const TOKEN = "bench-operator-token-0123456789";
const helloScript = fileURLToPath(new URL("./hello.ts", import.meta.url));
const benchDir = fileURLToPath(new URL("../../", import.meta.url));

function start(
  command: string[],
  ready: RegExp,
  log?: string,
): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: benchDir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let url: string | undefined;
    const onData = (chunk: Buffer): void => {
      if (log !== undefined) appendFileSync(log, chunk);
      // Keep the tail only: GC traces are long.
      out = (out + chunk.toString()).slice(-100_000);
      url ??= /listening at (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined && ready.test(out)) resolve({ url, child });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const drive = (url: string, connections: number, paths: () => string, duration = seconds) =>
  autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
  });

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const hello = await start([exe, "--import", "tsx", helloScript], /listening at/);
  const apps: { name: string; url: string; child: ChildProcess }[] = [];
  try {
    for (const side of sides) {
      const t0 = performance.now();
      const app = await start(
        [
          exe,
          ...nodeFlags,
          ...side.flags,
          ...(cpuProfDir === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}/${side.name}`]),
          `${side.dist}node.js`,
          ...["--port", "0", "--data-dir", side.data, "--no-seed", "--history-retention", "0"],
          ...["--recent-diffs", "10000000", "--quiet", "--operator-token", TOKEN],
        ],
        /operator token/,
        logDir === "" ? undefined : `${logDir}/${side.name}.log`,
      );
      apps.push({ name: side.name, ...app });
      console.log(`${side.name}: ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const first = apps[0]!.url;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const head = Number(
      (await fetch(`${first}/control/shards?namespace=ns-3&pageSize=1`, { headers: auth })).headers.get(
        "x-pipe-shards-position",
      ),
    );
    const queries = shardQueries(await collectCursors(first, TOKEN), head);
    for (const query of queryNames) {
      const paths = queries[query];
      if (paths === undefined) throw new RangeError(`unknown query ${query}`);
      for (const app of apps) await drive(app.url, 16, paths, Math.min(2, seconds));
      for (const c of connectionCounts) {
        const byName = new Map<string, { rps: number[]; p50: number[]; p99: number[]; ratio: number[] }>();
        const hellos: number[] = [];
        for (const app of apps) byName.set(app.name, { rps: [], p50: [], p99: [], ratio: [] });
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? apps : [...apps].reverse();
          const rps = new Map<string, number>();
          hellos.push((await drive(hello.url, c, () => "/")).requests.average);
          for (const app of order) {
            if (logDir !== "")
              appendFileSync(`${logDir}/${app.name}.log`, `=== ${query} c=${c} round ${round + 1}\n`);
            const r = await drive(app.url, c, paths);
            if (logDir !== "") appendFileSync(`${logDir}/${app.name}.log`, `=== end\n`);
            if (r.errors + r.timeouts + r.non2xx > 0)
              console.error(`${app.name}: ${r.errors} errors, ${r.non2xx} non-2xx`);
            const s = byName.get(app.name)!;
            s.rps.push(r.requests.average);
            s.p50.push(r.latency.p50);
            s.p99.push(r.latency.p99);
            rps.set(app.name, r.requests.average);
          }
          const base = rps.get(apps[0]!.name)!;
          for (const app of apps) byName.get(app.name)!.ratio.push(rps.get(app.name)! / base);
          console.log(
            `  round ${round + 1} ${query} c=${c}: hello ${hellos.at(-1)!.toFixed(0)}; ${[...rps].map(([n, v]) => `${n} ${v.toFixed(0)}`).join(", ")}`,
          );
        }
        const h = median(hellos);
        for (const [name, s] of byName)
          console.log(
            `${query} c=${c} ${name}: ${median(s.rps).toFixed(0)} req/s (${((median(s.rps) / h) * 100).toFixed(1)}% of hello ${h.toFixed(0)}), p50 ${median(s.p50)} ms, p99 ${median(s.p99)} ms (per round ${s.p99.join("/")}), vs ${apps[0]!.name} ${s.ratio.map((r) => r.toFixed(3)).join("/")}`,
          );
      }
    }
  } finally {
    await stop(hello.child);
    for (const app of apps) await stop(app.child);
  }
}

await main();
