/**
 * The record reads of the SQL store (PGlite and PostgreSQL): one record by key, optionally row-locked, and the
 * statement of a listing page.
 */
import type { Result } from "@pipe/result";
import type { ShardKey, ShardRecord } from "../model.ts";
import type { ShardQueryOptions } from "../repository.ts";
import { shardStatusValue } from "../status.ts";
import type { SqlExecutor } from "../stores/sql-executor.ts";
import { foldSearch } from "./search-fold.ts";
import { decodePage, decodeRecordRow, RECORD_TUPLE, recordPage } from "./sql-rows.ts";

/**
 * Reads one record of schema `s` through `db` (the pool or a transaction); `lock` takes its row lock (FOR
 * UPDATE). @internal
 */
export async function readRecord(
  db: SqlExecutor,
  s: string,
  k: ShardKey,
  lock = false,
): Promise<Result<ShardRecord | null>> {
  const rows = await db.query<{ page: string }>(
    recordPage(
      `SELECT * FROM ${s}.shard_records WHERE namespace = $1 AND shard_id = $2${lock ? " FOR UPDATE" : ""}`,
      "r.shard_id",
    ),
    [k.namespace, k.shardId],
  );
  return decodePage(rows[0]?.page, decodeRecordRow).map((items) => items[0] ?? null);
}

/**
 * Builds the listing statement: only the predicates in use (so indexes apply), one extra row for "more".
 * @internal
 */
export function buildQuery(s: string, q: ShardQueryOptions): { text: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (q.namespace !== undefined) where.push(`namespace = ${bind(q.namespace)}`);
  if (q.ownerNodeId !== undefined) where.push(`owner_node_id = ${bind(q.ownerNodeId)}`);
  if (q.search !== undefined) where.push(`strpos(search_key, ${bind(foldSearch(q.search))}) > 0`);
  if (q.statuses !== undefined && q.statuses.length > 0) {
    where.push(`status IN (${[...new Set(q.statuses)].map(shardStatusValue).join(", ")})`);
  }
  if (q.cursor !== undefined) {
    where.push(`(namespace, shard_id) > (${bind(q.cursor.namespace)}, ${bind(q.cursor.shardId)})`);
  }
  const filtered = `SELECT * FROM ${s}.shard_records ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY namespace, shard_id LIMIT ${Math.max(1, Math.floor(q.pageSize)) + 1}`;
  const text = `SELECT coalesce(json_agg(${RECORD_TUPLE} ORDER BY r.namespace, r.shard_id), '[]')::text AS page,
    (SELECT position::float8 FROM ${s}.shard_log) AS head FROM (${filtered}) r`;
  return { text, params };
}
