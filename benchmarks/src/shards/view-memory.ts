/**
 * Memory of a `ShardReadView` per 1M shards: a store whose `list` produces fresh records (as a SQL store's
 * decoder does, none retained by the store) is loaded into a view; the heap after a full GC is compared with the
 * heap before. Prints bytes per shard and MB per 1M, and exits non-zero above the budget.
 *
 * Usage: `node --expose-gc --import tsx src/shards/view-memory.ts [shards=1000000]`
 * (Deno: `deno run --allow-all --v8-flags=--expose-gc src/shards/view-memory.ts`; Bun: `bun src/shards/view-memory.ts`).
 *
 * @module
 */
import { ok, type Result } from "@pipe/result";
import {
  computeShardChecksum,
  ShardReadView,
  type ShardRecord,
  type ShardRecordDiff,
  type ShardRepository,
} from "@pipe/shards";

/** The budget: MB of heap per 1M shards held by a view. */
const BUDGET_MB_PER_MILLION = 700;

const g = globalThis as {
  gc?: () => void;
  Bun?: { gc(force: boolean): void };
  process?: { argv: string[]; memoryUsage(): { heapUsed: number }; exit(code: number): never };
};
const gc = (): void => {
  if (g.Bun !== undefined) g.Bun.gc(true);
  else if (g.gc !== undefined) g.gc();
  else throw new Error("no GC available: run with --expose-gc (node), --v8-flags=--expose-gc (deno), or bun");
};
const heap = (): number => {
  gc();
  gc();
  return g.process!.memoryUsage().heapUsed;
};

const shards = Number(g.process!.argv[2] ?? 1_000_000);
const nodes = 1000;

function record(i: number): ShardRecord {
  const base = {
    namespace: `ns-${i % 10}`,
    shardId: `shard-${String(i).padStart(7, "0")}`,
    strategyId: "rendezvous",
    ownerNodeId: `node-${String(i % nodes).padStart(4, "0")}`,
    leaderId: null,
    capacityHint: 1,
    status: i % 10 === 0 ? ("paused" as const) : ("active" as const),
    changeTicket: "CHG-1",
  };
  return {
    ...base,
    version: 1,
    checksum: computeShardChecksum(base),
    updatedAt: new Date(Date.UTC(2025, 0, 1) + i).toISOString(),
  };
}

const store: ShardRepository = {
  get: async () => ok(null),
  list: async () => ok(Array.from({ length: shards }, (_, i) => record(i))),
  query: async () => ok({ items: [], nextCursor: null, position: shards }),
  upsert: async () => {
    throw new Error("read-only");
  },
  readDiffs: async () => ok([]),
  highestPosition: async () => ok(shards),
  streamDiffs: async function* (): AsyncGenerator<Result<ShardRecordDiff>> {},
  watch: async function* (_since, options): AsyncGenerator<Result<ShardRecordDiff>> {
    await new Promise((resolve) => options?.signal?.addEventListener("abort", resolve, { once: true }));
  },
  close: async () => {},
};

const before = heap();
const started = performance.now();
const view = (await ShardReadView.open(store)).unwrap();
const loadMs = performance.now() - started;
const after = heap();
const perShard = (after - before) / shards;
const perMillionMb = (perShard * 1e6) / 2 ** 20;
console.log(
  `${shards} shards: ${(loadMs / 1000).toFixed(2)} s to load, ${perShard.toFixed(0)} B per shard, ${perMillionMb.toFixed(0)} MB per 1M (budget ${BUDGET_MB_PER_MILLION} MB), view holds ${view.size}`,
);
await view.close();
if (perMillionMb > BUDGET_MB_PER_MILLION) g.process!.exit(1);
