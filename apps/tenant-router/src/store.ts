import { openPGliteExecutor } from "@pipe/shards/pglite";
import { openPostgresExecutor, quoteSqlSchema, type SqlExecutor } from "@pipe/shards/postgres";
import type { Envelope } from "./envelope.ts";

/** A dead letter as stored (one row of `dead_letters`). */
export interface DeadLetterRow {
  /** The tenant it was meant for (null when its key was invalid). */
  readonly tenantId: string | undefined;
  readonly messageId: string;
  /** The `tenants.*` code (or the processor's own failure code). */
  readonly code: string;
  readonly error: unknown;
  readonly payload: unknown;
}

/** Per-tenant row counts of the three tables. */
export interface TenantTableCounts {
  readonly tenantId: string;
  /** Rows in the ledger now. */
  readonly ledger: number;
  /** `appended` events in the outbox. */
  readonly appended: number;
  /** `reverted` events in the outbox (one per rolled-back ledger row). */
  readonly reverted: number;
  /** Rows in `dead_letters`. */
  readonly deadLetters: number;
}

/**
 * The per-tenant ledger, the outbox and the dead-letter table, on PGlite or PostgreSQL with the same SQL.
 *
 * Details: `append` inserts the ledger row and its `appended` outbox event in ONE statement (data-modifying
 * CTEs: one implicit transaction, both or neither, one round trip; twice the throughput of BEGIN + 2 INSERTs +
 * COMMIT on PostgreSQL); a ledger row that already exists (a redelivery) appends nothing and returns false. `revert` (the
 * rollback compensation) deletes the row and publishes a `reverted` outbox event carrying the payload, in one
 * statement, only when there was a row to delete (so it is idempotent and safe to run for an append that never
 * happened).
 */
export interface LedgerStore {
  readonly kind: "pglite" | "postgres";
  readonly schema: string;
  append(envelope: Envelope): Promise<boolean>;
  revert(tenantId: string, messageId: string): Promise<boolean>;
  deadLetter(rows: readonly DeadLetterRow[]): Promise<void>;
  /** The message ids in one tenant's ledger, in append order. */
  ledger(tenantId: string): Promise<readonly string[]>;
  /** Row counts per tenant (tenants with at least one row anywhere). */
  counts(): Promise<readonly TenantTableCounts[]>;
  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]>;
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface StoreOptions {
  /** PostgreSQL URL; when absent or empty, PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` (default `memory://`). */
  readonly dataDir?: string | undefined;
  /** Schema of the tables (lowercase identifier, default `tenant_router`). */
  readonly schema?: string | undefined;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number | undefined;
}

const migrations = (s: string): readonly string[] => [
  "SELECT pg_advisory_xact_lock(7402002)",
  `CREATE SCHEMA IF NOT EXISTS ${s}`,
  `CREATE TABLE IF NOT EXISTS ${s}.ledger (
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    seq bigserial NOT NULL,
    payload jsonb NOT NULL,
    appended_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id))`,
  `CREATE TABLE IF NOT EXISTS ${s}.outbox (
    seq bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('appended', 'reverted')),
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
    seq bigserial PRIMARY KEY,
    tenant_id text,
    message_id text NOT NULL,
    code text NOT NULL,
    error jsonb NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`,
];

/**
 * `\u` escapes in JSON text that PostgreSQL's jsonb refuses: `\u0000` and lone surrogates (which
 * `JSON.stringify` writes as `\udXXX`), when not themselves escaped by a backslash.
 */
const REFUSED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;
const REFUSED_ESCAPE_ONCE = new RegExp(REFUSED_ESCAPE.source, "i");
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `envelope` cannot be appended as it is (U+0000 or a lone surrogate where the store refuses them), or `undefined`. */
export function unstorableEnvelope(envelope: Envelope): string | undefined {
  for (const [name, id] of [
    ["tenantId", envelope.tenantId],
    ["messageId", envelope.messageId],
  ] as const)
    if (typeof id === "string" && (id.includes("\u0000") || LONE_SURROGATE.test(id)))
      return `${name} holds U+0000 or a lone surrogate`;
  if (REFUSED_ESCAPE_ONCE.test(JSON.stringify(envelope.payload ?? null)))
    return "the payload holds U+0000 or a lone surrogate";
  return undefined;
}

class SqlLedgerStore implements LedgerStore {
  readonly kind: "pglite" | "postgres";
  readonly #sql: Readonly<Record<"append" | "revert" | "dead" | "ledger" | "counts", string>>;

  constructor(
    readonly exec: SqlExecutor,
    readonly schema: string,
  ) {
    this.kind = exec.kind;
    const s = quoteSqlSchema(schema);
    this.#sql = {
      append: `WITH l AS (
          INSERT INTO ${s}.ledger (tenant_id, message_id, payload) VALUES ($1, $2, $3::text::jsonb)
          ON CONFLICT (tenant_id, message_id) DO NOTHING RETURNING tenant_id, message_id, payload
        ), o AS (
          INSERT INTO ${s}.outbox (tenant_id, message_id, kind, payload)
          SELECT tenant_id, message_id, 'appended', payload FROM l RETURNING 1
        )
        SELECT (SELECT count(*) FROM o)::int AS appended`,
      revert: `WITH d AS (
          DELETE FROM ${s}.ledger WHERE tenant_id = $1 AND message_id = $2 RETURNING tenant_id, message_id, payload
        ), o AS (
          INSERT INTO ${s}.outbox (tenant_id, message_id, kind, payload)
          SELECT tenant_id, message_id, 'reverted', payload FROM d RETURNING 1
        )
        SELECT (SELECT count(*) FROM o)::int AS reverted`,
      dead: `INSERT INTO ${s}.dead_letters (tenant_id, message_id, code, error, payload)
        SELECT d.tenant_id, d.message_id, d.code, coalesce(d.error, 'null'::jsonb), coalesce(d.payload, 'null'::jsonb)
        FROM jsonb_to_recordset($1::text::jsonb)
          AS d(tenant_id text, message_id text, code text, error jsonb, payload jsonb)`,
      ledger: `SELECT message_id FROM ${s}.ledger WHERE tenant_id = $1 ORDER BY seq`,
      counts: `WITH t AS (
          SELECT tenant_id FROM ${s}.ledger UNION SELECT tenant_id FROM ${s}.outbox
          UNION SELECT tenant_id FROM ${s}.dead_letters WHERE tenant_id IS NOT NULL
        )
        SELECT t.tenant_id AS "tenantId",
          (SELECT count(*) FROM ${s}.ledger l WHERE l.tenant_id = t.tenant_id)::int AS ledger,
          (SELECT count(*) FROM ${s}.outbox o WHERE o.tenant_id = t.tenant_id AND o.kind = 'appended')::int AS appended,
          (SELECT count(*) FROM ${s}.outbox o WHERE o.tenant_id = t.tenant_id AND o.kind = 'reverted')::int AS reverted,
          (SELECT count(*) FROM ${s}.dead_letters d WHERE d.tenant_id = t.tenant_id)::int AS "deadLetters"
        FROM t ORDER BY t.tenant_id`,
    };
  }

  async migrate(): Promise<void> {
    await this.exec.transaction(async (tx) => {
      for (const statement of migrations(quoteSqlSchema(this.schema))) await tx.query(statement);
    });
  }

  async append(envelope: Envelope): Promise<boolean> {
    const params = [envelope.tenantId, envelope.messageId, JSON.stringify(envelope.payload ?? null)];
    const rows = await this.exec.query<{ appended: number }>(this.#sql.append, params);
    return (rows[0]?.appended ?? 0) > 0;
  }

  async revert(tenantId: string, messageId: string): Promise<boolean> {
    const rows = await this.exec.query<{ reverted: number }>(this.#sql.revert, [tenantId, messageId]);
    return (rows[0]?.reverted ?? 0) > 0;
  }

  async deadLetter(rows: readonly DeadLetterRow[]): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r) => ({
        tenant_id: r.tenantId ?? null,
        message_id: r.messageId,
        code: r.code,
        error: r.error ?? null,
        payload: r.payload ?? null,
      })),
    );
    // One row holding text jsonb refuses would fail the whole batch: such text is kept with the escape
    // spelled out (`\u0000` as six characters), so every dead letter is stored.
    await this.exec.query(this.#sql.dead, [json.replace(REFUSED_ESCAPE, "$1\\\\u$2")]);
  }

  async ledger(tenantId: string): Promise<readonly string[]> {
    const rows = await this.exec.query<{ message_id: string }>(this.#sql.ledger, [tenantId]);
    return rows.map((r) => r.message_id);
  }

  counts(): Promise<readonly TenantTableCounts[]> {
    return this.exec.query<TenantTableCounts>(this.#sql.counts);
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<readonly R[]> {
    return this.exec.query<R>(text, params);
  }

  close(): Promise<void> {
    return this.exec.close();
  }
}

/**
 * Opens the store: PostgreSQL when `databaseUrl` is set, else PGlite (a data directory, or in memory), and
 * creates the schema and tables when missing (under an advisory lock, so routers starting together do not race).
 *
 * Details: throws when the database cannot be reached, or when another live process holds the PGlite data
 * directory (the message names the directory and the holder; the store locks it until `close()`); the CLI
 * reports it and exits 1.
 *
 * @example
 * ```ts
 * import { openStore } from "@pipe/app-tenant-router";
 * const store = await openStore({ dataDir: "memory://" });
 * console.log(await store.counts()); // []
 * await store.close();
 * ```
 */
export async function openStore(options: StoreOptions = {}): Promise<LedgerStore> {
  const schema = options.schema ?? "tenant_router";
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
  const store = new SqlLedgerStore(exec, schema);
  try {
    await store.migrate();
  } catch (e) {
    await exec.close().catch(() => undefined);
    throw e;
  }
  return store;
}
