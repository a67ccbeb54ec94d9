/**
 * The shard control plane over HTTP on localhost versus the same calls in-process, so the HTTP overhead is a
 * ratio: `list` (pages of 100 and 500 from a cursor) and `diff` (1,000 positions) on the 100k×1000 PGlite
 * fixture (benchmarks/src/shards/fixture.ts). Baseline: `ShardControlPlaneService` called directly (the same
 * store work with no transport). Candidate: `GET /control/shards` / `GET /control/shards/diff` through the
 * `@pipe/shards/http` app behind a Node `http` server on 127.0.0.1 (ephemeral port, keep-alive), answered
 * with a bearer token check (SHA-256, constant time), query decoding (Effect Schema), JSON serialisation, and
 * parsed by the client with `fetch`. Guards on p99: see BOUNDS (recorded ratios, Node 20, plus a 50% margin).
 *
 * The server is a minimal `node:http` → fetch bridge written here (the benchmarks package does not depend on
 * `@hono/node-server`); it copies status, headers and the body bytes, the same work the adapter does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encodeShardCursor, ShardFilter } from "@pipe/shards";
import { createShardControlPlaneApp } from "@pipe/shards/http";
import { type Benchmark, benchmark } from "../harness.ts";
import { FIXTURES, type Fixture, fixture } from "../shards/fixture.ts";

const TOKEN = "bench-reader-operator-token-0123456789";
const SPEC = FIXTURES.find((f) => f.shards === 100_000)!;

/**
 * p99(HTTP) / p99(in-process) bounds. Recorded on Node 20 (this machine class, shared and noisy; two runs):
 * list(100) 2.09-2.55, list(500) 1.36-1.66, diff(1000) 1.29-1.83. Each bound is the worst recorded ratio plus
 * about 60% (list 4, diff 3.5), so a guard fails on a real transport regression (per-request work that grows, a
 * lost fast path, a synchronous JSON blow-up), not on scheduler noise.
 */
const BOUNDS = { list100: 4, list500: 4, diff: 3.5 };

let shared: Promise<{ fixture: Fixture; base: string; server: Server }> | undefined;
let users = 0;

async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function start(): Promise<{ fixture: Fixture; base: string; server: Server }> {
  shared ??= (async () => {
    const f = await fixture(SPEC, "pglite");
    const app = createShardControlPlaneApp({
      service: f.service,
      tokens: [{ name: "bench", token: TOKEN, scopes: ["shards.operate"] }],
    });
    const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = await readBody(req);
      const init: RequestInit = { method: req.method ?? "GET", headers };
      if (body !== undefined) init.body = body as unknown as BodyInit;
      const response = await app.fetch(new Request(`http://127.0.0.1${req.url}`, init));
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      out["content-length"] = String(bytes.byteLength);
      res.writeHead(response.status, out);
      res.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { fixture: f, base: `http://127.0.0.1:${port}`, server };
  })();
  users++;
  return shared;
}

async function stop(): Promise<void> {
  if (--users > 0 || shared === undefined) return;
  const { server } = await shared;
  shared = undefined;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const auth = { authorization: `Bearer ${TOKEN}` };
const digest = (ids: readonly string[]): string => `${ids.length}:${ids[ids.length - 1] ?? ""}`;

function listBench(size: 100 | 500): Benchmark {
  let base = "";
  let f: Fixture;
  const counters = [0, 0];
  const cursorOf = (v: number) => {
    const i = (counters[v]!++ * 7919) % (SPEC.shards - size);
    return encodeShardCursor({ namespace: `ns-${i % 10}`, shardId: `shard-${String(i).padStart(6, "0")}` });
  };
  return benchmark({
    name: `shards http list(${size}) ${SPEC.label} pglite`,
    workload: `one page of ${size} from a cursor over HTTP on 127.0.0.1 vs in-process, ${SPEC.label} fixture, PGlite`,
    baselineNote: "ShardControlPlaneService.list in-process: the same store query without the transport",
    rounds: 200,
    warmup: 20,
    setup: async () => {
      const s = await start();
      base = s.base;
      f = s.fixture;
    },
    teardown: stop,
    baseline: {
      name: "service.list (in-process)",
      run: async () => {
        const page = (
          await f.service.list(ShardFilter.all, { cursor: cursorOf(0), pageSize: size })
        ).unwrap();
        return digest(page.items.map((r) => r.shardId));
      },
    },
    variants: [
      {
        name: "GET /control/shards",
        bound: size === 100 ? BOUNDS.list100 : BOUNDS.list500,
        guardOn: "p99",
        run: async () => {
          const res = await fetch(`${base}/control/shards?pageSize=${size}&cursor=${cursorOf(1)}`, {
            headers: auth,
          });
          const page = (await res.json()) as { items: { shardId: string }[] };
          return digest(page.items.map((r) => r.shardId));
        },
      },
    ],
  });
}

function diffBench(): Benchmark {
  let base = "";
  let f: Fixture;
  const counters = [0, 0];
  const span = SPEC.shards / 10 - 1000;
  const from = (v: number): number => SPEC.shards + 1 + ((counters[v]!++ * 977) % span);
  return benchmark({
    name: `shards http diff(1000) ${SPEC.label} pglite`,
    workload: `diff over 1,000 positions (owner moves with previous states) over HTTP vs in-process, ${SPEC.label} fixture, PGlite`,
    baselineNote: "ShardControlPlaneService.diff in-process",
    rounds: 150,
    warmup: 10,
    setup: async () => {
      const s = await start();
      base = s.base;
      f = s.fixture;
    },
    teardown: stop,
    baseline: {
      name: "service.diff (in-process)",
      run: async () => {
        const start = from(0);
        const page = (await f.service.diff(start, start + 999, ShardFilter.all)).unwrap();
        return `${page.items.length}:${page.lastPosition}`;
      },
    },
    variants: [
      {
        name: "GET /control/shards/diff",
        bound: BOUNDS.diff,
        guardOn: "p99",
        run: async () => {
          const start = from(1);
          const res = await fetch(
            `${base}/control/shards/diff?fromPosition=${start}&toPosition=${start + 999}`,
            {
              headers: auth,
            },
          );
          const page = (await res.json()) as { items: unknown[]; lastPosition: number | null };
          return `${page.items.length}:${page.lastPosition}`;
        },
      },
    ],
  });
}

export default [listBench(100), listBench(500), diffBench()].map((b) => ({ ...b, runtimes: ["node"] }));
