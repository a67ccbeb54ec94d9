/**
 * Memory of a `ShardReadView` per 1M shards and per 1M positions of history: a store whose `list` and
 * `readDiffs` produce fresh objects (as a SQL store's decoder does, none retained by the store) is loaded into a
 * view twice, first without history (`recentDiffs: 0`), then holding all of it; the heap after a full GC is
 * compared with the heap (and the byte arrays) before each; then every record is served once as JSON (a `GET /control/shards` of
 * each page of 500, in-process), which writes each record's JSON text into the view's arena, and the heap is
 * measured again (the worst case: texts are written on first use). The history has the 1M-shard fixture's shape: one create per shard, then
 * `moves` owner moves (each holds an older record version too). Prints MB per 1M shards, bytes per history
 * position, and the total, and exits non-zero when the total exceeds the budget. With the whole view loaded and
 * served it also times a full collection (median of 5 forced ones: the marking cost of what the view holds, which
 * does not depend on the machine's load) and, with `--census` (Node and Deno: `node:v8` heap snapshots), counts
 * the heap objects the view adds, by kind, per shard (two snapshots: before the open and with the view served).
 *
 * Usage: `node --expose-gc --import tsx src/shards/view-memory.ts [shards=1000000] [moves=shards/10] [--census]`
 * (the census parses whole heap snapshots: run it at 100000 shards, the per-shard counts carry over)
 * (Deno: `deno run --allow-all --v8-flags=--expose-gc src/shards/view-memory.ts`; Bun: `bun src/shards/view-memory.ts`).
 *
 * @module
 */
import { ok, type Result } from "@pipe/result";
import {
  computeShardChecksum,
  ShardControlPlaneService,
  ShardReadView,
  type ShardRecord,
  type ShardRecordDiff,
  type ShardRepository,
} from "@pipe/shards";
import { createShardControlPlaneApp } from "@pipe/shards/http";

/**
 * The budget: MB of heap held by a view of 1M shards with 1M positions of history in memory (scaled to the
 * shards and positions measured).
 */
const BUDGET_MB_PER_MILLION = 800;

const g = globalThis as {
  gc?: () => void;
  Bun?: { gc(force: boolean): void };
  process?: {
    argv: string[];
    memoryUsage(): { heapUsed: number; arrayBuffers?: number };
    exit(code: number): never;
  };
};
const gc = (): void => {
  if (g.Bun !== undefined) g.Bun.gc(true);
  else if (g.gc !== undefined) g.gc();
  else throw new Error("no GC available: run with --expose-gc (node), --v8-flags=--expose-gc (deno), or bun");
};
const heap = (): number => {
  gc();
  gc();
  // Byte arrays (the view's JSON arena) live outside the JS heap: count them too.
  const m = g.process!.memoryUsage();
  return m.heapUsed + (m.arrayBuffers ?? 0);
};

const args = g.process!.argv.slice(2).filter((a) => !a.startsWith("--"));
const census = g.process!.argv.includes("--census");
const shards = Number(args[0] ?? 1_000_000);
const moves = Number(args[1] ?? Math.floor(shards / 10));
const positions = shards + moves;
const nodes = 1000;
const owner = (i: number, version: number): string =>
  `node-${String((i + (version - 1) * 7) % nodes).padStart(4, "0")}`;

function record(i: number, version: number): ShardRecord {
  const base = {
    namespace: `ns-${i % 10}`,
    shardId: `shard-${String(i).padStart(7, "0")}`,
    strategyId: "rendezvous",
    ownerNodeId: owner(i, version),
    leaderId: null,
    capacityHint: 1,
    status: i % 10 === 0 ? ("paused" as const) : ("active" as const),
    changeTicket: "CHG-1",
  };
  return {
    ...base,
    version,
    checksum: computeShardChecksum(base),
    updatedAt: new Date(Date.UTC(2025, 0, 1) + i + (version - 1) * shards).toISOString(),
  };
}

/** Position `p`: the create of shard p-1, or past `shards` the move of shard p-1-shards to version 2. */
function diff(p: number): ShardRecordDiff {
  const moved = p > shards;
  const i = moved ? p - 1 - shards : p - 1;
  const current = record(i, moved ? 2 : 1);
  const previous = moved ? record(i, 1) : null;
  return {
    position: p,
    current,
    previous,
    history: {
      namespace: current.namespace,
      shardId: current.shardId,
      version: current.version,
      strategyId: current.strategyId,
      actor: "bench",
      reason: moved ? "rebalance" : "seed",
      changeTicket: current.changeTicket,
      createdAt: current.updatedAt,
      ownerNodeId: current.ownerNodeId,
      previousOwnerNodeId: previous === null ? null : previous.ownerNodeId,
      ownershipDeltaPercent: moved ? 0.1 : null,
      metadata: null,
    },
  };
}

/** Fresh objects with flat strings, as a SQL store's decoder produces them from a JSON page. */
const parsed = <T>(items: T[]): T[] => JSON.parse(JSON.stringify(items)) as T[];

const store: ShardRepository = {
  get: async () => ok(null),
  list: async () => ok(parsed(Array.from({ length: shards }, (_, i) => record(i, i < moves ? 2 : 1)))),
  query: async () => ok({ items: [], nextCursor: null, position: positions }),
  upsert: async () => {
    throw new Error("read-only");
  },
  readDiffs: async (after, options) => {
    const to = Math.min(positions, options.upTo ?? positions, after + options.limit);
    return ok(parsed(Array.from({ length: Math.max(0, to - after) }, (_, k) => diff(after + 1 + k))));
  },
  highestPosition: async () => ok(positions),
  streamDiffs: async function* (): AsyncGenerator<Result<ShardRecordDiff>> {},
  watch: async function* (_since, options): AsyncGenerator<Result<ShardRecordDiff>> {
    await new Promise((resolve) => options?.signal?.addEventListener("abort", resolve, { once: true }));
  },
  close: async () => {},
};

/** Serves every record of `view` once as JSON: every page of 500 through the HTTP app, in-process. */
async function serveAll(view: ShardReadView): Promise<void> {
  const token = "memory-token-0123456789";
  const service = new ShardControlPlaneService({ repository: view });
  const app = createShardControlPlaneApp({ service, tokens: [{ token, scopes: ["shards.read"] }] });
  let cursor: string | null = null;
  do {
    const res = await app.request(
      `/control/shards?pageSize=500${cursor === null ? "" : `&cursor=${cursor}`}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
  } while (cursor !== null);
}

/** Milliseconds of a forced full collection: the median of 5. */
function fullGcMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    gc();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2];
}

/** Live heap objects by kind ("type" or "type:constructor" for objects) and edges, from a heap snapshot. */
async function heapCensus(): Promise<{ counts: Map<string, number>; edges: number }> {
  gc();
  const v8 = await import("node:v8");
  const parts: string[] = [];
  for await (const part of v8.getHeapSnapshot()) parts.push(String(part));
  const snap = JSON.parse(parts.join("")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const edgesAt = fields.indexOf("edge_count");
  const types = snap.snapshot.meta.node_types[0];
  const counts = new Map<string, number>();
  let edges = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    const kind = type === "object" ? `object:${snap.strings[snap.nodes[i + nameAt]]}` : type;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    edges += snap.nodes[i + edgesAt];
  }
  return { counts, edges };
}

let gcMs = 0;
let censusLines: string[] = [];

/**
 * Heap held by a view opened over `store` with `recentDiffs`, its load time, and (with `served`) the heap
 * after every record was served as JSON once, then the full-collection time (and the census) with it held.
 */
async function measure(
  recentDiffs: number,
  served = false,
): Promise<{ bytes: number; seconds: number; held: number; servedBytes: number }> {
  const base = served && census ? await heapCensus() : undefined;
  const before = heap();
  const started = performance.now();
  const view = (await ShardReadView.open(store, { recentDiffs })).unwrap();
  const seconds = (performance.now() - started) / 1000;
  const bytes = heap() - before;
  const held = view.size;
  let servedBytes = bytes;
  if (served) {
    await serveAll(view);
    servedBytes = heap() - before;
    gcMs = fullGcMs();
    if (base !== undefined) {
      const now = await heapCensus();
      let objects = 0;
      const rows: [string, number][] = [];
      for (const [kind, n] of now.counts) {
        const added = n - (base.counts.get(kind) ?? 0);
        objects += added;
        if (Math.abs(added) >= shards / 100) rows.push([kind, added]);
      }
      rows.sort((a, b) => b[1] - a[1]);
      censusLines = [
        `census (view with history, served): ${(objects / shards).toFixed(2)} heap objects and ${((now.edges - base.edges) / shards).toFixed(2)} edges per shard; by kind, per shard:`,
        ...rows.map(([kind, n]) => `  ${kind}: ${(n / shards).toFixed(2)}`),
      ];
    }
  }
  await view.close();
  return { bytes, seconds, held, servedBytes };
}

const MB = 2 ** 20;
// Compiles the load path first, so neither measurement counts code.
await (await ShardReadView.open(store, { recentDiffs: 0 })).unwrap().close();
const all = await measure(positions, true);
const records = await measure(0);
const perShard = records.bytes / shards;
const perPosition = (all.bytes - records.bytes) / positions;
const perServed = (all.servedBytes - all.bytes) / shards;
const totalPerMillion = ((perShard + perPosition + perServed) * 1e6) / MB;
console.log(
  `${shards} shards: ${records.seconds.toFixed(2)} s to load, ${perShard.toFixed(0)} B per shard, ${((perShard * 1e6) / MB).toFixed(0)} MB per 1M; view holds ${records.held}`,
);
console.log(
  `+ ${positions} positions of history (${moves} of them moves): ${all.seconds.toFixed(2)} s to load both, ${perPosition.toFixed(0)} B per position, ${((perPosition * 1e6) / MB).toFixed(0)} MB per 1M`,
);
console.log(
  `+ every record served once as JSON (its text kept in the view's arena): ${perServed.toFixed(0)} B per shard, ${((perServed * 1e6) / MB).toFixed(0)} MB per 1M`,
);
console.log(
  `1M shards + 1M positions, every record served: ${totalPerMillion.toFixed(0)} MB (budget ${BUDGET_MB_PER_MILLION} MB); measured total ${(all.servedBytes / MB).toFixed(0)} MB`,
);
console.log(
  `full GC with the whole view held (${(all.servedBytes / MB).toFixed(0)} MB): ${gcMs.toFixed(0)} ms (median of 5)`,
);
for (const line of censusLines) console.log(line);
if (totalPerMillion > BUDGET_MB_PER_MILLION) g.process!.exit(1);
