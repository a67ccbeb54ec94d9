/**
 * Shard benchmark fixtures: N shards over 10 namespaces and K nodes (owners round-robin, every 10th shard of
 * each namespace paused), created at positions 1..N, then N/10 owner moves (positions N+1..N+N/10, with a previous state).
 * PGlite fixtures are built once with bulk SQL and cached under benchmarks/.data (gitignored); in-memory ones
 * are built through the repository.
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  computeShardChecksum,
  InMemoryShardRepository,
  ShardControlPlaneService,
  type ShardRecord,
  type ShardRepository,
  type ShardStatus,
} from "@pipe/shards";
import { PGliteShardRepository } from "@pipe/shards/pglite";

export interface FixtureSpec {
  readonly label: string;
  readonly shards: number;
  readonly nodes: number;
}

export const FIXTURES: readonly FixtureSpec[] = [
  { label: "10k×100", shards: 10_000, nodes: 100 },
  { label: "100k×1000", shards: 100_000, nodes: 1000 },
];

export interface Fixture {
  readonly spec: FixtureSpec;
  readonly repository: ShardRepository;
  readonly service: ShardControlPlaneService;
  /** Present for the PGlite store: raw SQL for baselines. */
  readonly sql?: (text: string, params?: unknown[]) => Promise<readonly Record<string, unknown>[]>;
  readonly moves: number;
}

const NAMESPACES = 10;
const AT = Date.UTC(2025, 0, 1);

const shardRow = (
  spec: FixtureSpec,
  i: number,
  moved: boolean,
): Omit<ShardRecord, "checksum" | "updatedAt" | "version"> => ({
  namespace: `ns-${i % NAMESPACES}`,
  shardId: `shard-${String(i).padStart(6, "0")}`,
  strategyId: "rendezvous",
  ownerNodeId: `node-${String((i + (moved ? 1 : 0)) % spec.nodes).padStart(4, "0")}`,
  leaderId: null,
  capacityHint: 1,
  // Every 10th shard of each namespace (namespaces take i % 10), so a status filter selects 10% of any one.
  status: (Math.floor(i / NAMESPACES) % 10 === 9 ? "paused" : "active") as ShardStatus,
  changeTicket: moved ? "bench-move" : null,
});

const statusInt = (s: ShardStatus): number => ["active", "draining", "paused", "disabled"].indexOf(s);

async function buildPglite(repo: PGliteShardRepository, spec: FixtureSpec): Promise<void> {
  const db = repo.pglite;
  const moves = spec.shards / 10;
  const at = new Date(AT).toISOString();
  await db.query("BEGIN");
  const BATCH = 1000;
  for (let start = 0; start < spec.shards; start += BATCH) {
    const rec: unknown[] = [];
    const hist: unknown[] = [];
    const recValues: string[] = [];
    const histValues: string[] = [];
    for (let i = start; i < Math.min(spec.shards, start + BATCH); i++) {
      const moved = i < moves;
      const final = shardRow(spec, i, moved);
      const created = shardRow(spec, i, false);
      const finalSum = computeShardChecksum(final);
      const createdSum = computeShardChecksum(created);
      const p = rec.length;
      recValues.push(
        `($${p + 1},$${p + 2},$${p + 3},$${p + 4},NULL,1,$${p + 5},$${p + 6},$${p + 7},$${p + 8},$${p + 9},$${p + 10})`,
      );
      rec.push(
        final.namespace,
        final.shardId,
        "rendezvous",
        final.ownerNodeId,
        statusInt(final.status),
        moved ? 2 : 1,
        finalSum,
        at,
        final.changeTicket,
        final.shardId,
      );
      const h = hist.length;
      histValues.push(
        `($${h + 1},$${h + 2},$${h + 3},1,'rendezvous',$${h + 4},NULL,'bench','seed',NULL,NULL,NULL,$${h + 5},NULL,1,$${h + 6},$${h + 7},NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL)`,
      );
      hist.push(
        i + 1,
        created.namespace,
        created.shardId,
        created.ownerNodeId,
        at,
        statusInt(created.status),
        createdSum,
      );
      if (moved) {
        const m = hist.length;
        histValues.push(
          `($${m + 1},$${m + 2},$${m + 3},2,'rendezvous',$${m + 4},$${m + 5},'bench','move','bench-move',10,NULL,$${m + 6},NULL,1,$${m + 7},$${m + 8},1,'rendezvous',NULL,1,$${m + 9},$${m + 10},$${m + 6},NULL)`,
        );
        hist.push(
          spec.shards + i + 1,
          final.namespace,
          final.shardId,
          final.ownerNodeId,
          created.ownerNodeId,
          at,
          statusInt(final.status),
          finalSum,
          statusInt(created.status),
          createdSum,
        );
      }
    }
    await db.query(
      `INSERT INTO shard_records (namespace, shard_id, strategy_id, owner_node_id, leader_id, capacity_hint, status, version, checksum, updated_at, change_ticket, search_key) VALUES ${recValues.join(",")}`,
      rec,
    );
    await db.query(
      `INSERT INTO shard_history (id, namespace, shard_id, version, strategy_id, owner_node_id, previous_owner_node_id, actor, reason, change_ticket, ownership_delta_percent, metadata, created_at, leader_id, capacity_hint, status, checksum, previous_version, previous_strategy_id, previous_leader_id, previous_capacity_hint, previous_status, previous_checksum, previous_updated_at, previous_change_ticket) VALUES ${histValues.join(",")}`,
      hist,
    );
  }
  await db.query("UPDATE shard_log SET position = $1, compacted_through = 0", [spec.shards + moves]);
  await db.query("COMMIT");
  await db.query("ANALYZE");
}

const cache = new Map<string, Promise<Fixture>>();

/** Opens (building when needed) a fixture; cached for the process. */
export function fixture(spec: FixtureSpec, store: "pglite" | "memory"): Promise<Fixture> {
  const key = `${spec.label}/${store}`;
  let f = cache.get(key);
  if (f === undefined) {
    f = store === "pglite" ? openPglite(spec) : openMemory(spec);
    cache.set(key, f);
  }
  return f;
}

async function openPglite(spec: FixtureSpec): Promise<Fixture> {
  const dir = fileURLToPath(new URL(`../../.data/shards-${spec.shards}x${spec.nodes}`, import.meta.url));
  const fresh = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const repo = (await PGliteShardRepository.open({ dataDir: dir })).unwrap();
  const count = Number(
    (await repo.pglite.query<{ n: number }>("SELECT count(*)::float8 AS n FROM shard_records")).rows[0]?.n ??
      0,
  );
  // A fixture whose history an app compacted (its default retention) is rebuilt: diffs read the whole history.
  const compacted = Number(
    (await repo.pglite.query<{ c: number }>("SELECT compacted_through::float8 AS c FROM shard_log")).rows[0]
      ?.c ?? 0,
  );
  // Fixtures built before every namespace had paused shards are rebuilt too.
  const paused = Number(
    (
      await repo.pglite.query<{ n: number }>(
        "SELECT count(*)::float8 AS n FROM shard_records WHERE namespace = 'ns-3' AND status = 2",
      )
    ).rows[0]?.n ?? 0,
  );
  if (fresh || count !== spec.shards || compacted > 0 || paused === 0) {
    await repo.pglite.query("TRUNCATE shard_records, shard_history");
    await buildPglite(repo, spec);
  }
  return {
    spec,
    repository: repo,
    service: new ShardControlPlaneService({ repository: repo }),
    sql: async (text, params) => (await repo.pglite.query<Record<string, unknown>>(text, params)).rows,
    moves: spec.shards / 10,
  };
}

async function openMemory(spec: FixtureSpec): Promise<Fixture> {
  let t = AT;
  const repo = new InMemoryShardRepository({
    timeProvider: {
      now: () => t,
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (h) => clearTimeout(h as never),
    },
  });
  for (let i = 0; i < spec.shards; i++) {
    const r = shardRow(spec, i, false);
    (await repo.upsert({ ...r, changeMetadata: { actor: "bench", reason: "seed" } })).unwrap();
  }
  t += 1;
  for (let i = 0; i < spec.shards / 10; i++) {
    const r = shardRow(spec, i, true);
    (
      await repo.upsert({
        ...r,
        changeMetadata: {
          actor: "bench",
          reason: "move",
          changeTicket: "bench-move",
          ownershipDeltaPercent: 10,
        },
      })
    ).unwrap();
  }
  return {
    spec,
    repository: repo,
    service: new ShardControlPlaneService({ repository: repo }),
    moves: spec.shards / 10,
  };
}

/** Closes every open fixture (the last benchmark of each file calls it, so the runner can exit). */
export async function closeFixtures(): Promise<void> {
  const open = [...cache.values()];
  cache.clear();
  for (const f of open) await (await f).repository.close();
}
