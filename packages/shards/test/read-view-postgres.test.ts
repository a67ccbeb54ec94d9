/**
 * ShardReadView over PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test): a view on one
 * instance, random writes through it and through a second instance, the view's LISTEN connection killed
 * mid-run; afterwards every query answers exactly as the store does. Skips with the printed reason when no
 * server answers.
 */
import * as fc from "fast-check";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import {
  type ShardQueryOptions,
  ShardReadView,
  type ShardRepository,
  type ShardStatus,
} from "../src/index.ts";
import { PostgresShardRepository } from "../src/postgres/index.ts";
import { skipReasonUnlessRequired } from "./services.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const run = `v${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const schemas: string[] = [];

async function unavailable(): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e) {
    return `no PostgreSQL server answers at ${url.replace(/:[^:@/]*@/, ":***@")} (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

afterAll(async () => {
  if (schemas.length === 0) return;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    for (const s of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await sql.end({ timeout: 2 });
  }
});

async function scan(repo: ShardRepository, q: Omit<ShardQueryOptions, "cursor">): Promise<string[]> {
  const out: string[] = [];
  let cursor: ShardQueryOptions["cursor"];
  for (let i = 0; i < 1000; i++) {
    const page = (await repo.query({ ...q, cursor })).unwrap();
    for (const r of page.items)
      out.push(`${r.namespace}/${r.shardId}@${r.version}:${r.ownerNodeId}:${r.status}`);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

const statuses: readonly ShardStatus[] = ["active", "draining", "paused", "disabled"];
const ids = ["a", "b", "B", "ß", "SS", "İx", "i̇x", "é", "e\u0301", "𝔘", "\uffff", "x_y", "x%y", "a-1", "z"];

describe("ShardReadView over PostgreSQL", () => {
  it("matches the store after random writes from two instances and a dropped LISTEN connection", async (ctx) => {
    const reason = skipReasonUnlessRequired(await unavailable());
    if (reason !== undefined) {
      console.warn(`[postgres] skipped: ${reason}`);
      return ctx.skip(reason);
    }
    const schema = `pipe_shards_${run}`;
    schemas.push(schema);
    const open = async () =>
      (await PostgresShardRepository.open({ url, schema, maxConnections: 4 })).unwrap();
    const peer = await open();
    const errors: string[] = [];
    const view = (
      await ShardReadView.open(await open(), { onTailError: (e) => errors.push(e.code ?? "none") })
    ).unwrap();
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const writes = fc.sample(
        fc.record({
          through: fc.boolean(),
          namespace: fc.constantFrom("n1", "ñ"),
          shardId: fc.constantFrom(...ids),
          owner: fc.constantFrom("o1", "o2", "o3"),
          status: fc.constantFrom(...statuses),
        }),
        { numRuns: 120, seed: 42 },
      );
      for (let i = 0; i < writes.length; i++) {
        const w = writes[i]!;
        const mutation = {
          namespace: w.namespace,
          shardId: w.shardId,
          strategyId: "ring",
          ownerNodeId: w.owner,
          status: w.status,
        };
        const r = await (w.through ? view : peer).upsert(mutation);
        expect(r.isOk).toBe(true);
        if (w.through) expect((await view.get(mutation)).unwrap()?.version).toBe(r.unwrap().record.version);
        if (i === 40 || i === 80) {
          const killed = await admin.unsafe(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query ILIKE $1 AND pid <> pg_backend_pid()`,
            [`%pipe_shards_${schema}%`],
          );
          expect(killed.length).toBeGreaterThan(0);
        }
      }
      const head = (await peer.highestPosition()).unwrap();
      expect(head).toBe(writes.length);
      expect((await view.waitForPosition(head, { timeoutMs: 20_000 })).unwrap()).toBe(head);
      const queries: Omit<ShardQueryOptions, "cursor">[] = [
        { pageSize: 3 },
        { namespace: "ñ", pageSize: 2 },
        { ownerNodeId: "o2", pageSize: 4 },
        { statuses: ["paused", "disabled"], pageSize: 5 },
        ...["ss", "ß", "İ", "i", "_", "%", "é", "𝔘"].map((search) => ({ search, pageSize: 2 })),
      ];
      for (const q of queries) expect(await scan(view, q), JSON.stringify(q)).toEqual(await scan(peer, q));
      expect((await view.readDiffs(0, { limit: 1_000 })).unwrap()).toEqual(
        (await peer.readDiffs(0, { limit: 1_000 })).unwrap(),
      );
    } finally {
      await admin.end({ timeout: 2 });
      await view.close();
      await peer.close();
    }
  }, 60_000);
});
