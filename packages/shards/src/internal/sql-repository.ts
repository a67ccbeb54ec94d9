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
import type { SqlExecutor } from "../stores/sql-executor.ts";
import { keyTextError, mutationTextError, queryTextError } from "./lookup.ts";
import { ChangeNotifier } from "./notifier.ts";
import { DIFF_TUPLE, decodeDiffRow, decodePage, decodeRecordRow, recordPage } from "./sql-rows.ts";
import { buildQuery, readRecord } from "./sql-statements.ts";
import { upsertShard } from "./sql-upsert.ts";
import { canceled, diffStream, guard, historyCompacted, STREAM_PAGE } from "./store-common.ts";

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
      return invalid === undefined ? readRecord(this.#db, this.#s, k) : err(invalid);
    });
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
      const notifyChannel = this.#db.kind === "postgres" ? this.#channel : undefined;
      const outcome = await this.#db.transaction((tx) =>
        upsertShard(tx, this.#s, mutation, this.#time, notifyChannel),
      );
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
