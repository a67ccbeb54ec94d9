/**
 * Watch at scale: 1,000 concurrent SSE watchers of one instance of the shard control plane (the reference app's
 * control plane, PGlite in memory, reads and watches served by its `ShardReadView`, on the Node adapter). The
 * instance runs in this process, so its heap after a full GC before and after the watchers connect gives the
 * memory per watcher; the watchers (and the writer) run in a child process, which reports the delay from each
 * write's acknowledgement to its delivery to every watcher (p50/p99/max).
 *
 * Usage (from benchmarks/, after `pnpm build`): `node --expose-gc --import tsx src/load/watch-scale.ts
 * [--watchers=1000] [--writes=50]`. Loopback only; bounded in count and time.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const WATCHERS = flag("watchers", 1000);
const WRITES = flag("writes", 50);
const TOKEN = "bench-operator-token-0123456789";

const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
};

/** The child: connects the watchers, says `connected`, waits for `go`, writes, reports the delays as JSON. */
async function clients(url: string): Promise<void> {
  const head = Number(((await (await fetch(`${url}/healthz`)).json()) as { position: number }).position);
  const stop = new AbortController();
  const delivered = new Map<number, number[]>();
  let connected = 0;
  const watchers = Array.from({ length: WATCHERS }, async () => {
    const res = await fetch(`${url}/control/shards/watch?namespace=demo&resumeToken=${head}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: stop.signal,
    });
    if (res.status !== 200) throw new Error(`watch answered ${res.status}`);
    connected++;
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith("id: ")) continue;
          const position = Number(line.slice(4));
          let list = delivered.get(position);
          if (list === undefined) delivered.set(position, (list = []));
          list.push(performance.now());
        }
      }
    } catch (e) {
      if (!stop.signal.aborted) throw e;
    }
  });
  for (const deadline = Date.now() + 60_000; connected < WATCHERS && Date.now() < deadline; )
    await new Promise((r) => setTimeout(r, 50));
  if (connected < WATCHERS) throw new Error(`only ${connected} of ${WATCHERS} watchers connected`);
  console.log("connected");
  await new Promise<void>((resolve) =>
    createInterface({ input: process.stdin }).once("line", () => resolve()),
  );
  const acked = new Map<number, number>();
  for (let i = 0; i < WRITES; i++) {
    const res = await fetch(`${url}/control/shards/upsert`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        namespace: "demo",
        shardId: `watch-${i}`,
        strategyId: "rendezvous",
        ownerNodeId: "node-a",
      }),
    });
    if (res.status !== 201) throw new Error(`write answered ${res.status}`);
    acked.set(head + i + 1, performance.now());
    await new Promise((r) => setTimeout(r, 20));
  }
  for (
    const deadline = Date.now() + 30_000;
    Date.now() < deadline;
    await new Promise((r) => setTimeout(r, 50))
  )
    if ([...acked.keys()].every((p) => (delivered.get(p)?.length ?? 0) >= WATCHERS)) break;
  const delays: number[] = [];
  let missing = 0;
  for (const [position, at] of acked) {
    const got = delivered.get(position) ?? [];
    missing += WATCHERS - got.length;
    for (const t of got) delays.push(Math.max(0, t - at));
  }
  console.log(
    JSON.stringify({
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
      max: Math.max(...delays),
      missing,
    }),
  );
  stop.abort();
  await Promise.allSettled(watchers);
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc: the memory per watcher needs a full GC");
  const appDir = new URL("../../../apps/shard-control-plane/dist/", import.meta.url);
  const { openControlPlane } = (await import(
    new URL("app.js", appDir).href
  )) as typeof import("../../../apps/shard-control-plane/src/app.ts");
  const { startNodeServer } = (await import(
    new URL("node-server.js", appDir).href
  )) as typeof import("../../../apps/shard-control-plane/src/node-server.ts");
  const cp = await openControlPlane({
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    databaseUrl: undefined,
    schema: "public",
    operatorToken: TOKEN,
    readToken: undefined,
    seed: true,
    heartbeatMs: 15_000,
    historyRetention: 0,
    quiet: true,
  });
  const server = await startNodeServer(cp, 0, "127.0.0.1");
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  try {
    await (await fetch(`${server.url}/healthz`)).text();
    const before = heap();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        `--clients=${server.url}`,
        `--watchers=${WATCHERS}`,
        `--writes=${WRITES}`,
      ],
      {
        cwd: fileURLToPath(new URL("../../", import.meta.url)),
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    const next = (): Promise<string> =>
      new Promise((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`the clients exited with ${code}`)));
      });
    if ((await next()) !== "connected") throw new Error("the clients did not connect");
    const after = heap();
    child.stdin!.write("go\n");
    const result = JSON.parse(await next()) as { p50: number; p99: number; max: number; missing: number };
    console.log(
      `${WATCHERS} watchers, one instance, Node ${process.versions.node}: heap ${(before / 2 ** 20).toFixed(1)} MB -> ${(after / 2 ** 20).toFixed(1)} MB after a full GC, ${((after - before) / WATCHERS / 1024).toFixed(1)} KB per watcher; ` +
        `${WRITES} writes, write-to-delivery to every watcher: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms, ${result.missing} missing`,
    );
    if (result.missing > 0) process.exitCode = 1;
    await new Promise((r) => child.once("exit", r));
  } finally {
    await server.stop();
  }
}

const clientsUrl = args.find((a) => a.startsWith("--clients="))?.slice("--clients=".length);
if (clientsUrl !== undefined) await clients(clientsUrl);
else await main();
