/**
 * The contract suite against a real PostgreSQL server at DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test). Every test gets its own schema, dropped afterwards. Without a
 * reachable server the tests are skipped with the printed reason (failed when PIPE_REQUIRE_SERVICES=1).
 */
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import type { ShardRepository } from "../src/index.ts";
import { PostgresShardRepository } from "../src/postgres/index.ts";
import { repositoryContract } from "./contract.ts";
import { skipReasonUnlessRequired } from "./services.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const run = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const schemas: string[] = [];
const schemaOf = new WeakMap<ShardRepository, string>();
let probe: Promise<string | undefined> | undefined;

function unavailable(): Promise<string | undefined> {
  probe ??= (async () => {
    const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
    try {
      await sql`select 1`;
      return undefined;
    } catch (e) {
      return `no PostgreSQL server answers at ${url.replace(/:[^:@/]*@/, ":***@")} (${e instanceof Error ? e.message : String(e)})`;
    } finally {
      await sql.end({ timeout: 1 }).catch(() => undefined);
    }
  })();
  return probe.then(skipReasonUnlessRequired);
}

async function open(schema: string): Promise<ShardRepository> {
  const repo = (await PostgresShardRepository.open({ url, schema, maxConnections: 12 })).unwrap();
  schemaOf.set(repo, schema);
  return repo;
}

repositoryContract({
  name: "postgres",
  unavailable,
  open: () => {
    const schema = `pipe_shards_${run}_${schemas.length}`;
    schemas.push(schema);
    return open(schema);
  },
  openPeer: (first) => open(schemaOf.get(first)!),
});

afterAll(async () => {
  if ((await unavailable()) !== undefined || schemas.length === 0) return;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    for (const s of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await sql.end({ timeout: 2 });
  }
});

describe("postgres: watch across a LISTEN reconnect", () => {
  it("misses and duplicates nothing when the listening connection is killed", async (ctx) => {
    const reason = await unavailable();
    if (reason !== undefined) {
      console.warn(`[postgres] skipped: ${reason}`);
      return ctx.skip(reason);
    }
    const schema = `pipe_shards_${run}_reconnect`;
    schemas.push(schema);
    const watcher = await open(schema);
    const writer = await open(schema);
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const controller = new AbortController();
      const seen: number[] = [];
      let wake: (() => void) | undefined;
      const watching = (async () => {
        for await (const r of watcher.watch(0, { signal: controller.signal })) {
          if (r.isErr) break;
          seen.push(r.value.position);
          wake?.();
        }
      })();
      const until = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`saw ${seen.join(",")} waiting for ${n}`)), 15_000);
          const check = () => {
            if (seen.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          };
          wake = check;
          check();
        });
      await writer.upsert({ namespace: "ns", shardId: "a", strategyId: "ring", ownerNodeId: "n1" });
      await until(1);
      const killed = await admin.unsafe(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query ILIKE $1 AND pid <> pg_backend_pid()`,
        [`%pipe_shards_${schema}%`],
      );
      expect(killed.length).toBeGreaterThan(0);
      await writer.upsert({ namespace: "ns", shardId: "a", strategyId: "ring", ownerNodeId: "n2" });
      await writer.upsert({ namespace: "ns", shardId: "b", strategyId: "ring", ownerNodeId: "n3" });
      await until(3);
      controller.abort();
      await watching;
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      await admin.end({ timeout: 2 });
      await watcher.close();
      await writer.close();
    }
  }, 30_000);
});
