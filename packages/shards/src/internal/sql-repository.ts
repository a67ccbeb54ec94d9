import type { TimeProvider } from "@pipe/channels";
import { err, ok, type Result } from "@pipe/result";
import type {
  ShardKey,
  ShardMutationRequest,
  ShardMutationResult,
  ShardRecord,
  ShardRecordDiff,
} from "../model.ts";
import type {
  ShardCompaction,
  ShardDiffReadOptions,
  ShardQueryOptions,
  ShardQueryPage,
  ShardRepository,
  ShardRepositoryCallOptions,
} from "../repository.ts";
import { shardStatusValue } from "../status.ts";
import type { SqlExecutor } from "../stores/sql-executor.ts";
import { keyTextError, mutationTextError, queryTextError } from "./lookup.ts";
import { ChangeNotifier } from "./notifier.ts";
import { foldSearch } from "./search-fold.ts";
import {
  DIFF_TUPLE,
  decodeDiffRow,
  decodePage,
  decodeRecordRow,
  RECORD_TUPLE,
  recordPage,
} from "./sql-rows.ts";
import {
  canceled,
  concurrentWrite,
  diffStream,
  guard,
  historyCompacted,
  prepareMutation,
  STREAM_PAGE,
} from "./store-common.ts";

/** History rows removed per compaction transaction. */
const COMPACT_BATCH = 10_000;

/**
 * The SQL implementation shared by the PGlite and PostgreSQL stores (same schema, migrations and statements).
 * @internal
 */
export class SqlShardRepository implements ShardRepository {
  readonly #db: SqlExecutor;
  readonly #s: string;
  readonly #time: TimeProvider;
  readonly #notifier = new ChangeNotifier();
  readonly #channel: string;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;

  protected constructor(db: SqlExecutor, quotedSchema: string, schema: string, time: TimeProvider) {
    this.#db = db;
    this.#s = quotedSchema;
    this.#time = time;
    this.#channel = `pipe_shards_${schema}`;
  }

  /** Subscribes to cross-process change notifications (PostgreSQL). */
  protected async startListening(): Promise<void> {
    if (this.#db.listen !== undefined) {
      this.#unlisten = await this.#db.listen(this.#channel, () => this.#notifier.notify());
    }
  }

  get(k: ShardKey, options?: ShardRepositoryCallOptions): Promise<Result<ShardRecord | null>> {
    return guard("shards.repository.get", options, () => {
      const invalid = keyTextError(k.namespace, k.shardId);
      return invalid === undefined ? this.#read(this.#db, k) : err(invalid);
    });
  }

  /** Reads one record through `db` (the pool or a transaction); `lock` takes its row lock (FOR UPDATE). */
  async #read(db: SqlExecutor, k: ShardKey, lock = false): Promise<Result<ShardRecord | null>> {
    const rows = await db.query<{ page: string }>(
      recordPage(
        `SELECT * FROM ${this.#s}.shard_records WHERE namespace = $1 AND shard_id = $2${lock ? " FOR UPDATE" : ""}`,
        "r.shard_id",
      ),
      [k.namespace, k.shardId],
    );
    return decodePage(rows[0]?.page, decodeRecordRow).map((items) => items[0] ?? null);
  }

  list(namespace?: string, options?: ShardRepositoryCallOptions): Promise<Result<readonly ShardRecord[]>> {
    return guard("shards.repository.list", options, async () => {
      const invalid = keyTextError(namespace);
      if (invalid !== undefined) return err(invalid);
      const where = namespace === undefined ? "" : " WHERE namespace = $1";
      const rows = await this.#db.query<{ page: string }>(
        recordPage(`SELECT * FROM ${this.#s}.shard_records${where}`, "r.namespace, r.shard_id"),
        namespace === undefined ? [] : [namespace],
      );
      return decodePage(rows[0]?.page, decodeRecordRow);
    });
  }

  query(q: ShardQueryOptions, call?: ShardRepositoryCallOptions): Promise<Result<ShardQueryPage>> {
    return guard("shards.repository.query", call, async () => {
      const invalid = queryTextError(q);
      if (invalid !== undefined) return err(invalid);
      const { text, params } = buildQuery(this.#s, q);
      const rows = await this.#db.query<{ page: string; head: number }>(text, params);
      const decoded = decodePage(rows[0]?.page, decodeRecordRow);
      if (decoded.isErr) return err(decoded.error);
      const more = decoded.value.length > q.pageSize;
      const items = more ? decoded.value.slice(0, q.pageSize) : decoded.value;
      const last = items[items.length - 1];
      return ok({
        items,
        nextCursor: more && last !== undefined ? { namespace: last.namespace, shardId: last.shardId } : null,
        position: Number(rows[0]?.head ?? 0),
      });
    });
  }

  upsert(
    mutation: ShardMutationRequest,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardMutationResult>> {
    return guard("shards.repository.upsert", options, async () => {
      const invalid = mutationTextError(mutation);
      if (invalid !== undefined) return err(invalid);
      const s = this.#s;
      const outcome = await this.#db.transaction(async (tx): Promise<Result<ShardMutationResult>> => {
        // The row lock serialises writers of one shard: each reads the version the one before it committed,
        // so an unconditional upsert (no expectedVersion) never loses a race, and every write is in history.
        let read = await this.#read(tx, mutation, true);
        if (read.isErr) return err(read.error);
        let inserted = false;
        const prepare = (existing: ShardRecord | null) =>
          prepareMutation(mutation, existing, this.#time.now());
        let prepared = prepare(read.value);
        if (prepared.isErr) return err(prepared.error);
        if (prepared.value.created) {
          inserted = await insertRecord(tx, s, recordValues(prepared.value.record));
          if (!inserted) {
            // A concurrent creator committed first (ON CONFLICT waited for it). A create-only write
            // (expectedVersion 0) conflicts; any other now updates the row it created, under its lock.
            if (mutation.expectedVersion !== undefined) return err(concurrentWrite(mutation, true));
            read = await this.#read(tx, mutation, true);
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
        if (this.#db.kind === "postgres")
          await tx.query("SELECT pg_notify($1, $2)", [this.#channel, String(position)]);
        return ok(prepared.value);
      });
      if (outcome.isOk) this.#notifier.notify();
      return outcome;
    });
  }

  readDiffs(after: number, options: ShardDiffReadOptions): Promise<Result<readonly ShardRecordDiff[]>> {
    return guard("shards.repository.readDiffs", options, async () => {
      const params: unknown[] = [Math.max(0, Math.floor(after)), Math.max(1, Math.floor(options.limit))];
      let bound = "";
      if (options.upTo !== undefined) {
        params.push(Math.floor(options.upTo));
        bound = " AND id <= $3";
      }
      // One statement, one snapshot: the compaction point and the rows agree.
      const rows = await this.#db.query<{ page: string; compacted: number }>(
        `SELECT coalesce(json_agg(${DIFF_TUPLE} ORDER BY h.id), '[]')::text AS page,
           (SELECT compacted_through::float8 FROM ${this.#s}.shard_log) AS compacted
         FROM (SELECT * FROM ${this.#s}.shard_history WHERE id > $1${bound} ORDER BY id LIMIT $2) h`,
        params,
      );
      const compacted = Number(rows[0]?.compacted ?? 0);
      if ((params[0] as number) < compacted) return err(historyCompacted(compacted, params[0] as number));
      return decodePage(rows[0]?.page, decodeDiffRow);
    });
  }

  compactHistory(
    throughPosition: number,
    options?: ShardRepositoryCallOptions,
  ): Promise<Result<ShardCompaction>> {
    return guard("shards.repository.compactHistory", options, async () => {
      const s = this.#s;
      let removed = 0;
      // Batches of COMPACT_BATCH rows, one short transaction each: writers wait for one batch at most.
      for (;;) {
        if (options?.signal?.aborted) return err(canceled(options.signal));
        const step = await this.#db.transaction(async (tx) => {
          // Locking the log row orders the compaction with writers (each upsert updates that row).
          const log = await tx.query<{ head: number; compacted: number }>(
            `SELECT position::float8 AS head, compacted_through::float8 AS compacted FROM ${s}.shard_log FOR UPDATE`,
          );
          const head = Number(log[0]?.head ?? 0);
          const compacted = Number(log[0]?.compacted ?? 0);
          const through = Math.min(head, Math.max(compacted, Math.floor(throughPosition)));
          const next = Math.min(through, compacted + COMPACT_BATCH);
          if (next === compacted) return { compacted, removed: 0, done: true };
          const rows = await tx.query<{ n: number }>(
            `WITH d AS (DELETE FROM ${s}.shard_history WHERE id <= $1 RETURNING 1) SELECT count(*)::float8 AS n FROM d`,
            [next],
          );
          await tx.query(`UPDATE ${s}.shard_log SET compacted_through = $1`, [next]);
          return { compacted: next, removed: Number(rows[0]?.n ?? 0), done: next === through };
        });
        removed += step.removed;
        if (step.done) return ok({ compactedThrough: step.compacted, removed });
      }
    });
  }

  highestPosition(options?: ShardRepositoryCallOptions): Promise<Result<number>> {
    return guard("shards.repository.highestPosition", options, async () => {
      const rows = await this.#db.query<{ head: number }>(
        `SELECT position::float8 AS head FROM ${this.#s}.shard_log`,
      );
      return ok(Number(rows[0]?.head ?? 0));
    });
  }

  streamDiffs(
    since?: number | null,
    options?: ShardRepositoryCallOptions,
  ): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, undefined);
  }

  watch(since?: number | null, options?: ShardRepositoryCallOptions): AsyncIterable<Result<ShardRecordDiff>> {
    return diffStream(this.#page, since, options?.signal, this.#notifier);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#notifier.close();
    try {
      await this.#unlisten?.();
    } catch {
      // the connection may already be gone
    }
    await this.#db.close();
  }

  readonly #page = (
    after: number,
    signal: AbortSignal | undefined,
  ): Promise<Result<readonly ShardRecordDiff[]>> => this.readDiffs(after, { limit: STREAM_PAGE, signal });
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

/** Builds the listing statement: only the predicates in use (so indexes apply), one extra row for "more". */
function buildQuery(s: string, q: ShardQueryOptions): { text: string; params: unknown[] } {
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
