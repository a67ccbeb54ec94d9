import { q, quoteSchema, type Sql } from "./internal/db.ts";

/** Advisory-lock key of the cluster's migrations ("pipe/tenant-cluster"). */
const LOCK_KEY = 7_402_017;

const statements = (s: string): readonly string[] => [
  `CREATE SCHEMA IF NOT EXISTS ${s}`,
  // Membership: one row per runner; liveness is `lease_expires_at > clock_timestamp()` on the database clock.
  `CREATE TABLE IF NOT EXISTS ${s}.runners (
    runner_id text COLLATE "C" PRIMARY KEY,
    namespace text COLLATE "C" NOT NULL,
    incarnation bigint NOT NULL,
    weight double precision NOT NULL DEFAULT 1,
    started_at timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    lease_expires_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('live', 'leaving', 'left', 'dead')))`,
  // The coordinator lease of a namespace (one holder at a time; `epoch` grows with every change of holder).
  `CREATE TABLE IF NOT EXISTS ${s}.coordinator (
    namespace text COLLATE "C" PRIMARY KEY,
    holder text COLLATE "C" NOT NULL,
    epoch bigint NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${s}.coordinator_rounds (
    id bigserial PRIMARY KEY,
    namespace text NOT NULL,
    holder text NOT NULL,
    epoch bigint NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    live_runners int NOT NULL,
    registered int NOT NULL,
    moves int NOT NULL,
    minimum_moves int NOT NULL,
    outcome text NOT NULL,
    error text NULL)`,
  `ALTER TABLE ${s}.coordinator_rounds ADD COLUMN IF NOT EXISTS error text NULL`,
  // One fence per tenant: the current owner's token (the shard record's version when it was assigned) and the
  // ingress position (last Redis stream id committed with an effect).
  `CREATE TABLE IF NOT EXISTS ${s}.tenant_fences (
    namespace text COLLATE "C" NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    token bigint NOT NULL,
    runner_id text NOT NULL,
    pos_ms bigint NOT NULL,
    pos_seq bigint NOT NULL,
    committed bigint NOT NULL DEFAULT 0,
    raised_at timestamptz NOT NULL,
    PRIMARY KEY (namespace, tenant_id))`,
  // Ownership intervals in database time: opened by the owner raising the fence, closed by the next one.
  `CREATE TABLE IF NOT EXISTS ${s}.ownerships (
    namespace text COLLATE "C" NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    token bigint NOT NULL,
    runner_id text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NULL,
    PRIMARY KEY (namespace, tenant_id, token))`,
  // Effects carry their fencing token; no unique key on purpose, so a double write would show as a duplicate.
  `CREATE TABLE IF NOT EXISTS ${s}.effects (
    seq bigserial PRIMARY KEY,
    namespace text NOT NULL,
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    stream_id text NOT NULL,
    token bigint NOT NULL,
    runner_id text NOT NULL,
    payload jsonb NOT NULL,
    committed_at timestamptz NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS effects_tenant_idx ON ${s}.effects (namespace, tenant_id, message_id)`,
  // A failed attempt's partial write, and the compensation that undoes it (keyed by attempt).
  `CREATE TABLE IF NOT EXISTS ${s}.failures (
    attempt_id text PRIMARY KEY,
    namespace text NOT NULL,
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    token bigint NOT NULL,
    runner_id text NOT NULL,
    at timestamptz NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${s}.compensations (
    seq bigserial PRIMARY KEY,
    attempt_id text NOT NULL,
    namespace text NOT NULL,
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    runner_id text NOT NULL,
    at timestamptz NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
    seq bigserial PRIMARY KEY,
    namespace text NOT NULL,
    tenant_id text,
    message_id text NOT NULL,
    stream_id text NOT NULL,
    token bigint NOT NULL,
    code text NOT NULL,
    error jsonb NOT NULL,
    payload jsonb NOT NULL,
    at timestamptz NOT NULL)`,
  // Writes the fence refused (a former owner's), counted for operators and tests.
  `CREATE TABLE IF NOT EXISTS ${s}.fence_rejections (
    seq bigserial PRIMARY KEY,
    namespace text NOT NULL,
    tenant_id text NOT NULL,
    kind text NOT NULL,
    token bigint NOT NULL,
    current_token bigint NOT NULL,
    runner_id text NOT NULL,
    at timestamptz NOT NULL)`,
];

/**
 * Creates the cluster's tables in `schema` when missing (membership, coordinator lease, tenant fences,
 * ownership intervals, effects, failures/compensations, dead letters, fence rejections), in one transaction under
 * an advisory lock so runners starting together do not race. The shard tables are created by
 * `PostgresShardRepository.open` on the same schema.
 *
 * @example
 * ```ts
 * import { migrateCluster } from "@pipe/app-tenant-cluster";
 * // await migrateCluster(sql, "tenant_cluster");
 * ```
 */
export async function migrateCluster(sql: Sql, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await sql.begin(async (tx) => {
    await q(tx, `SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    for (const statement of statements(s)) await q(tx, statement);
  });
}
