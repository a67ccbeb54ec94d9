import { openPGliteExecutor } from "@pipe/shards/pglite";
import { openPostgresExecutor, quoteSqlSchema, type SqlExecutor } from "@pipe/shards/postgres";
import type { Envelope, OutboxEvent } from "./envelope.ts";
import type { RawMessage } from "./feed.ts";

/** What the store reports about the effects it holds (the exactly-once check). */
export interface EffectReport {
  /** Keys with at least one outbox row. */
  readonly keys: number;
  /** Keys whose net effect is exactly one (events minus compensations). */
  readonly once: number;
  /** Keys whose net effect is more than one: a duplicate effect (must be 0). */
  readonly duplicated: number;
  /** Keys whose every effect was compensated (net zero). */
  readonly undone: number;
  /** Domain-event rows in the outbox. */
  readonly events: number;
  /** Compensating-event rows in the outbox. */
  readonly compensations: number;
  /** Messages moved to the dead-letter table. */
  readonly deadLetters: number;
}

/**
 * Idempotency keys, the outbox and the dead-letter table, on PGlite or PostgreSQL with the same SQL.
 *
 * When to use: open with {@link openStore}; the worker's handler uses `record`, `publishCompensation`,
 * `deleteKey` and `deadLetter`; tests and the summary use `report`.
 *
 * Details: `record` inserts the idempotency key and appends the message's domain events in ONE statement (one
 * transaction): either both exist or neither. A key that already exists in state `done` makes it a duplicate
 * (nothing appended: the caller only acknowledges the lease). A key left in state `compensated` by a rollback
 * is recorded again, so a rollback interrupted by a crash is still recognised. `publishCompensation` flips the
 * key to `compensated` and appends the compensating event in one statement, at most once per recorded effect.
 *
 * Gotchas: the report's net-effect check assumes one domain event per message (the demo mapping).
 *
 * @example
 * ```ts
 * import { openStore } from "@pipe/app-ingest-worker";
 * const store = await openStore({ dataDir: "memory://" });
 * console.log((await store.report()).keys); // 0
 * await store.close();
 * ```
 */
export interface IngestStore {
  /** "pglite" or "postgres". */
  readonly kind: "pglite" | "postgres";
  /** The schema holding the tables. */
  readonly schema: string;
  /** Records the key and appends the events atomically; "duplicate" when the key is already done. */
  record(envelope: Envelope, events: readonly OutboxEvent[]): Promise<"recorded" | "duplicate">;
  /** Marks the key compensated and appends the compensating event (one statement); false if not done. */
  publishCompensation(key: string, event: OutboxEvent): Promise<boolean>;
  /** Deletes a compensated key; false when there was none to delete. */
  deleteKey(key: string): Promise<boolean>;
  /** Stores an undecodable message (idempotent per feed and message id). */
  deadLetter(message: RawMessage, error: unknown): Promise<void>;
  /** Counts effects per key (the exactly-once check). */
  report(): Promise<EffectReport>;
  /** Runs raw SQL (tests, tools). */
  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface StoreOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` (default `memory://`). */
  readonly dataDir?: string | undefined;
  /** Schema for the tables (lowercase identifier, default `ingest`). */
  readonly schema?: string | undefined;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number | undefined;
}

function statements(s: string): readonly string[] {
  return [
    `SELECT pg_advisory_xact_lock(7401001)`,
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.ingest_keys (
      key text PRIMARY KEY,
      feed text NOT NULL,
      state text NOT NULL CHECK (state IN ('done', 'compensated')),
      recorded_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE IF NOT EXISTS ${s}.ingest_outbox (
      seq bigserial PRIMARY KEY,
      key text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('event', 'compensation')),
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE IF NOT EXISTS ${s}.ingest_dead_letters (
      key text PRIMARY KEY,
      feed text NOT NULL,
      payload text NOT NULL,
      error jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`,
  ];
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * `text` as PostgreSQL's text and jsonb can store it: unchanged, or, when it holds U+0000 or a lone surrogate
 * (both refused), its JSON string literal (quotes included), which escapes them.
 */
const storable = (text: string): string =>
  text.includes("\u0000") || LONE_SURROGATE.test(text) ? JSON.stringify(text) : text;

class SqlIngestStore implements IngestStore {
  readonly kind: "pglite" | "postgres";
  readonly #recordSql: string;
  readonly #compensateSql: string;
  readonly #deleteSql: string;
  readonly #deadLetterSql: string;
  readonly #reportSql: string;

  constructor(
    readonly exec: SqlExecutor,
    readonly schema: string,
  ) {
    this.kind = exec.kind;
    const s = quoteSqlSchema(schema);
    this.#recordSql = `WITH k AS (
        INSERT INTO ${s}.ingest_keys (key, feed, state) VALUES ($1, $2, 'done')
        ON CONFLICT (key) DO UPDATE SET state = 'done', recorded_at = now()
        WHERE ${s}.ingest_keys.state = 'compensated'
        RETURNING key
      ), ev AS (
        INSERT INTO ${s}.ingest_outbox (key, kind, type, payload)
        SELECT k.key, 'event', e.type, e.payload
        FROM k CROSS JOIN jsonb_to_recordset($3::text::jsonb) AS e(type text, payload jsonb)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM k)::int AS recorded`;
    this.#compensateSql = `WITH c AS (
        UPDATE ${s}.ingest_keys SET state = 'compensated' WHERE key = $1 AND state = 'done' RETURNING key
      ), ev AS (
        INSERT INTO ${s}.ingest_outbox (key, kind, type, payload)
        SELECT c.key, 'compensation', $2, $3::text::jsonb FROM c
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM c)::int AS published`;
    this.#deleteSql = `DELETE FROM ${s}.ingest_keys WHERE key = $1 AND state = 'compensated' RETURNING key`;
    this.#deadLetterSql = `INSERT INTO ${s}.ingest_dead_letters (key, feed, payload, error)
      VALUES ($1, $2, $3, $4::text::jsonb) ON CONFLICT (key) DO NOTHING`;
    this.#reportSql = `WITH t AS (
        SELECT key,
          count(*) FILTER (WHERE kind = 'event') AS ev,
          count(*) FILTER (WHERE kind = 'compensation') AS comp,
          count(*) FILTER (WHERE kind = 'event') - count(*) FILTER (WHERE kind = 'compensation') AS net
        FROM ${s}.ingest_outbox GROUP BY key
      )
      SELECT
        (SELECT count(*) FROM t)::int AS keys,
        (SELECT count(*) FROM t WHERE net = 1)::int AS once,
        (SELECT count(*) FROM t WHERE net > 1)::int AS duplicated,
        (SELECT count(*) FROM t WHERE net < 1)::int AS undone,
        (SELECT coalesce(sum(ev), 0) FROM t)::int AS events,
        (SELECT coalesce(sum(comp), 0) FROM t)::int AS compensations,
        (SELECT count(*) FROM ${s}.ingest_dead_letters)::int AS "deadLetters"`;
  }

  async migrate(): Promise<void> {
    await this.exec.transaction(async (tx) => {
      for (const sql of statements(quoteSqlSchema(this.schema))) await tx.query(sql);
    });
  }

  async record(envelope: Envelope, events: readonly OutboxEvent[]): Promise<"recorded" | "duplicate"> {
    const rows = await this.exec.query<{ recorded: number }>(this.#recordSql, [
      envelope.id,
      envelope.source,
      JSON.stringify(events),
    ]);
    return (rows[0]?.recorded ?? 0) > 0 ? "recorded" : "duplicate";
  }

  async publishCompensation(key: string, event: OutboxEvent): Promise<boolean> {
    const rows = await this.exec.query<{ published: number }>(this.#compensateSql, [
      key,
      event.type,
      JSON.stringify(event.payload),
    ]);
    return (rows[0]?.published ?? 0) > 0;
  }

  async deleteKey(key: string): Promise<boolean> {
    return (await this.exec.query(this.#deleteSql, [key])).length > 0;
  }

  async deadLetter(message: RawMessage, error: unknown): Promise<void> {
    // A dead letter is stored whatever it holds: text the database refuses is kept escaped (see storable).
    const payload = storable(message.payload);
    const described =
      payload === message.payload || typeof error !== "object" || error === null
        ? error
        : { ...error, payloadEncoding: "json" };
    await this.exec.query(this.#deadLetterSql, [
      storable(`${message.feed}:${message.id}`),
      storable(message.feed),
      payload,
      JSON.stringify(described ?? null, (_, v) => (typeof v === "string" ? storable(v) : v)),
    ]);
  }

  async report(): Promise<EffectReport> {
    const rows = await this.exec.query<EffectReport>(this.#reportSql);
    return rows[0] as EffectReport;
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
    return this.exec.query<R>(text, params);
  }

  close(): Promise<void> {
    return this.exec.close();
  }
}

/**
 * Opens the store: PostgreSQL when `databaseUrl` is given, else PGlite (a data directory, or in memory), and
 * creates the tables when missing (under an advisory lock, so workers starting together do not race).
 *
 * Details: throws when the database cannot be reached, or when another live process holds the PGlite data
 * directory (the message names the directory and the holder; the store locks it until `close()`); the CLI
 * reports it and exits 1.
 *
 * @example
 * ```ts
 * import { openStore } from "@pipe/app-ingest-worker";
 * const store = await openStore({ dataDir: "memory://", schema: "ingest" });
 * await store.close();
 * ```
 */
export async function openStore(options: StoreOptions = {}): Promise<IngestStore> {
  const schema = options.schema ?? "ingest";
  quoteSqlSchema(schema);
  const opened =
    options.databaseUrl !== undefined && options.databaseUrl !== ""
      ? await openPostgresExecutor({
          url: options.databaseUrl,
          maxConnections: options.maxConnections ?? 10,
          connectTimeoutSeconds: 5,
        })
      : await openPGliteExecutor({ dataDir: options.dataDir ?? "memory://" });
  if (opened.isErr) throw new Error(opened.error.message, { cause: opened.error });
  const exec = opened.value;
  const store = new SqlIngestStore(exec, schema);
  try {
    await store.migrate();
  } catch (e) {
    await exec.close().catch(() => undefined);
    throw e;
  }
  return store;
}
