/**
 * Watch at scale: 1,000 concurrent SSE watchers of one instance of the shard control plane (the reference app,
 * PGlite, reads and watches served by its `ShardReadView`). Reports the app's resident memory per watcher and,
 * over a series of writes, the p50/p99/max delay from a write's acknowledgement to its delivery to every watcher.
 *
 * Usage (from benchmarks/, after `pnpm build`): `node --import tsx src/load/watch-scale.ts [--watchers=1000]
 * [--writes=50]`. Linux only (reads the app's VmRSS from /proc). Loopback only; bounded in count and time.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const WATCHERS = flag("watchers", 1000);
const WRITES = flag("writes", 50);
const TOKEN = "bench-operator-token-0123456789";
const appScript = fileURLToPath(new URL("../../../apps/shard-control-plane/dist/node.js", import.meta.url));

const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);

function start(dir: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [appScript, "--port", "0", "--data-dir", dir, "--quiet", "--operator-token", TOKEN],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening at (http:\/\/\S+)[\s\S]*operator token/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the app exited with ${code}:\n${out}`)));
  });
}

/** One watcher: reads the SSE stream, calls `seen(position)` per `id:` line. */
async function watch(
  url: string,
  from: number,
  signal: AbortSignal,
  seen: (position: number) => void,
): Promise<void> {
  const res = await fetch(`${url}/control/shards/watch?namespace=demo&resumeToken=${from}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    signal,
  });
  if (res.status !== 200) throw new Error(`watch answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("id: ")) seen(Number(line.slice(4)));
        nl = buffered.indexOf("\n");
      }
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pipe-watch-scale-"));
  const app = await start(dir);
  const pid = app.child.pid!;
  const stop = new AbortController();
  try {
    const head = Number(
      ((await (await fetch(`${app.url}/healthz`)).json()) as { position: number }).position,
    );
    const idleKb = rssKb(pid);
    const delivered = new Map<number, number[]>();
    const acked = new Map<number, number>();
    let open = 0;
    const watchers = Array.from({ length: WATCHERS }, () =>
      watch(app.url, head, stop.signal, (position) => {
        const at = performance.now();
        let list = delivered.get(position);
        if (list === undefined) delivered.set(position, (list = []));
        list.push(at);
      }).then(
        () => undefined,
        (e: unknown) => {
          if (!stop.signal.aborted) throw e;
        },
      ),
    );
    // Wait until every watcher is connected: the app counts them in its metrics.
    const deadline = Date.now() + 60_000;
    while (open < WATCHERS && Date.now() < deadline) {
      const text = await (
        await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text();
      open = Number(/shards_http_watchers_active\S*\s+(\d+)/.exec(text)?.[1] ?? 0);
      if (open < WATCHERS) await new Promise((r) => setTimeout(r, 100));
    }
    if (open < WATCHERS) throw new Error(`only ${open} of ${WATCHERS} watchers connected`);
    const busyKb = rssKb(pid);
    for (let i = 0; i < WRITES; i++) {
      const res = await fetch(`${app.url}/control/shards/upsert`, {
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
    const until = Date.now() + 30_000;
    while (Date.now() < until && [...acked.keys()].some((p) => (delivered.get(p)?.length ?? 0) < WATCHERS))
      await new Promise((r) => setTimeout(r, 50));
    const delays: number[] = [];
    let missing = 0;
    for (const [position, at] of acked) {
      const got = delivered.get(position) ?? [];
      missing += WATCHERS - got.length;
      for (const t of got) delays.push(Math.max(0, t - at));
    }
    console.log(
      `${WATCHERS} watchers on Node ${process.versions.node}: app RSS ${(idleKb / 1024).toFixed(0)} MB idle -> ${(busyKb / 1024).toFixed(0)} MB with watchers (${((busyKb - idleKb) / WATCHERS).toFixed(1)} KB per watcher); ` +
        `${WRITES} writes: write-to-delivery p50 ${percentile(delays, 50).toFixed(1)} ms, p99 ${percentile(delays, 99).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms; ${missing} deliveries missing`,
    );
    if (missing > 0) process.exitCode = 1;
    stop.abort();
    await Promise.all(watchers);
  } finally {
    stop.abort();
    app.child.kill("SIGTERM");
    await new Promise((r) => app.child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
