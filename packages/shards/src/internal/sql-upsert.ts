/**
 * One shard's upsert in the SQL store (PGlite and PostgreSQL), inside the caller's transaction: the row lock,
 * the version check, the insert or update, the next change position, the history row and, on PostgreSQL, the
 * notification other processes watch.
 */
import type { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import type { ShardMutationRequest, ShardMutationResult, ShardRecord } from "../model.ts";
import { shardStatusValue } from "../status.ts";
import type { SqlExecutor } from "../stores/sql-executor.ts";
import { foldSearch } from "./search-fold.ts";
import { readRecord } from "./sql-statements.ts";
import { concurrentWrite, prepareMutation } from "./store-common.ts";

/**
 * Applies `mutation` through `tx` (a transaction) in schema `s`; `notifyChannel` (PostgreSQL) is the channel
 * the new change position is sent on. @internal
 */
export async function upsertShard(
  tx: SqlExecutor,
  s: string,
  mutation: ShardMutationRequest,
  time: TimeProvider,
  notifyChannel: string | undefined,
): Promise<Result<ShardMutationResult>> {
  // The row lock serialises writers of one shard: each reads the version the one before it committed,
  // so an unconditional upsert (no expectedVersion) never loses a race, and every write is in history.
  let read = await readRecord(tx, s, mutation, true);
  if (read.isErr) return err(read.error);
  let inserted = false;
  const prepare = (existing: ShardRecord | null) => prepareMutation(mutation, existing, time.now());
  let prepared = prepare(read.value);
  if (prepared.isErr) return err(prepared.error);
  if (prepared.value.created) {
    inserted = await insertRecord(tx, s, recordValues(prepared.value.record));
    if (!inserted) {
      // A concurrent creator committed first (ON CONFLICT waited for it). A create-only write
      // (expectedVersion 0) conflicts; any other now updates the row it created, under its lock.
      if (mutation.expectedVersion !== undefined) return err(concurrentWrite(mutation, true));
      read = await readRecord(tx, s, mutation, true);
      if (read.isErr) return err(read.error);
      prepared = prepare(read.value);
      if (prepared.isErr) return err(prepared.error);
    }
  }
  const existing = read.value;
  const { record: r, history: h } = prepared.value;
  // `prepared.value.created` is `existing === null`: an existing row is updated, a new one inserted.
  if (existing !== null) {
    const written = await tx.query(
      `UPDATE ${s}.shard_records SET strategy_id = $3, owner_node_id = $4, leader_id = $5, capacity_hint = $6, status = $7,
         version = $8, checksum = $9, updated_at = $10, change_ticket = $11, search_key = $12
       WHERE namespace = $1 AND shard_id = $2 AND version = $13 RETURNING 1 AS ok`,
      [...recordValues(r), existing.version],
    );
    // Defensive: the row is locked, so its version cannot have moved.
    if (written.length === 0) return err(concurrentWrite(mutation, false));
  }
  const pos = await tx.query<{ position: number }>(
    `UPDATE ${s}.shard_log SET position = position + 1 RETURNING position::float8 AS position`,
  );
  const position = Number(pos[0].position);
  await tx.query(
    `INSERT INTO ${s}.shard_history (id, namespace, shard_id, version, strategy_id, owner_node_id, previous_owner_node_id, actor, reason,
       change_ticket, ownership_delta_percent, metadata, created_at, leader_id, capacity_hint, status, checksum,
       previous_version, previous_strategy_id, previous_leader_id, previous_capacity_hint, previous_status, previous_checksum,
       previous_updated_at, previous_change_ticket)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
    [
      position,
      h.namespace,
      h.shardId,
      h.version,
      h.strategyId,
      h.ownerNodeId,
      h.previousOwnerNodeId,
      h.actor,
      h.reason,
      h.changeTicket,
      h.ownershipDeltaPercent,
      h.metadata,
      h.createdAt,
      r.leaderId,
      r.capacityHint,
      shardStatusValue(r.status),
      r.checksum,
      existing?.version ?? null,
      existing?.strategyId ?? null,
      existing?.leaderId ?? null,
      existing?.capacityHint ?? null,
      existing === null ? null : shardStatusValue(existing.status),
      existing?.checksum ?? null,
      existing?.updatedAt ?? null,
      existing?.changeTicket ?? null,
    ],
  );
  if (notifyChannel !== undefined)
    await tx.query("SELECT pg_notify($1, $2)", [notifyChannel, String(position)]);
  return ok(prepared.value);
}

/** The parameters $1..$12 of a record row. */
function recordValues(r: ShardRecord): unknown[] {
  return [
    r.namespace,
    r.shardId,
    r.strategyId,
    r.ownerNodeId,
    r.leaderId,
    r.capacityHint,
    shardStatusValue(r.status),
    r.version,
    r.checksum,
    r.updatedAt,
    r.changeTicket,
    foldSearch(r.shardId),
  ];
}

/** Inserts a new record; false when the key exists (a concurrent creator committed first). */
async function insertRecord(tx: SqlExecutor, s: string, values: unknown[]): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO ${s}.shard_records (namespace, shard_id, strategy_id, owner_node_id, leader_id, capacity_hint, status, version, checksum, updated_at, change_ticket, search_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
    values,
  );
  return rows.length > 0;
}
