import { Batcher } from "./internal/batcher.ts";
import { q, quoteSchema, type Sql, splitStreamId } from "./internal/db.ts";

/** Group-commit settings of {@link TenantFences}. */
export interface TenantFencesOptions {
  /** Most envelope writes (of different tenants) in one statement (default 64; 1 = one statement each). */
  readonly commitBatch?: number | undefined;
  /** Most commit statements in flight at once (default 3). */
  readonly commitsInFlight?: number | undefined;
}

/** The outcome of a fenced write: `ok`, `stale` (a newer owner raised the fence), or `duplicate` (already committed). */
export type FencedWrite = "ok" | "stale" | "duplicate";

/** What raising a fence returns: the committed ingress position to resume after, or `behind` (a newer token holds it). */
export type RaiseOutcome =
  | { readonly raised: true; readonly position: string }
  | { readonly raised: false; readonly token: number; readonly runnerId: string };

/** One envelope's effect, as the processor commits it. */
export interface EffectWrite {
  readonly tenantId: string;
  readonly messageId: string;
  readonly streamId: string;
  readonly token: number;
  readonly payload: unknown;
}

/**
 * The tenant fences: the store side of handoff without double processing.
 *
 * Details: a tenant's fence row holds the current owner's token (the shard record's version when the
 * ownership was assigned) and the ingress position (the last stream id whose work committed). A new owner
 * `raise`s the fence to its token (only upwards) in one transaction that also closes the previous ownership
 * interval and opens its own, both stamped with `clock_timestamp()`, and returns the position to resume
 * after. `commit` is ONE statement: a compare-and-set `UPDATE` of the fence row (same token, position strictly
 * before this entry) and, only when it matched, the effect row: the effect and the position commit together
 * or not at all, and a write carrying an old token is refused even if it was sent before the raise, because
 * the row lock serialises it with the raise and the condition is re-checked after the wait. A refused write
 * is recorded in `fence_rejections`.
 * `recordFailure` (a failed attempt's partial write) is fenced the same way; `compensate` is not: a former
 * owner may always undo its own attempt (keyed by attempt id), which never touches the new owner's state.
 * `raise` runs on `control` (default: the same pool), so a handoff does not queue behind a busy runner's
 * effect writes.
 *
 * @example
 * ```ts
 * import { TenantFences } from "@pipe/app-tenant-cluster";
 * // const fences = new TenantFences(sql, "tenant_cluster", "tenants", "runner-1");
 * // const r = await fences.raise("acme", 7); if (r.raised) resumeAfter(r.position);
 * ```
 */
export class TenantFences {
  readonly #sql: Sql;
  readonly #control: Sql;
  readonly #s: string;
  readonly #commit: string;
  readonly #commitMany: string;
  readonly #batcher: Batcher<EffectWrite, FencedWrite>;
  readonly #dead: string;

  constructor(
    sql: Sql,
    schema: string,
    readonly namespace: string,
    readonly runnerId: string,
    control?: Sql,
    options: TenantFencesOptions = {},
  ) {
    this.#sql = sql;
    this.#control = control ?? sql;
    const s = quoteSchema(schema);
    this.#s = s;
    const cas = `UPDATE ${s}.tenant_fences SET pos_ms = $4, pos_seq = $5, committed = committed + 1
        WHERE namespace = $1 AND tenant_id = $2 AND token = $3 AND (pos_ms, pos_seq) < ($4::bigint, $5::bigint)
        RETURNING 1`;
    this.#commit = `WITH f AS (${cas}), e AS (
        INSERT INTO ${s}.effects (namespace, tenant_id, message_id, stream_id, token, runner_id, payload, committed_at)
        SELECT $1, $2, $6, $7, $3, $8, $9::text::jsonb, clock_timestamp() FROM f RETURNING 1)
      SELECT (SELECT count(*) FROM e)::int AS n`;
    this.#commitMany = `WITH w AS (
        SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
          AS w(tenant_id, token, ms, seq, message_id, stream_id, payload)),
      f AS (UPDATE ${s}.tenant_fences t SET pos_ms = w.ms, pos_seq = w.seq, committed = t.committed + 1 FROM w
        WHERE t.namespace = $1 AND t.tenant_id = w.tenant_id AND t.token = w.token AND (t.pos_ms, t.pos_seq) < (w.ms, w.seq)
        RETURNING t.tenant_id),
      e AS (INSERT INTO ${s}.effects (namespace, tenant_id, message_id, stream_id, token, runner_id, payload, committed_at)
        SELECT $1, w.tenant_id, w.message_id, w.stream_id, w.token, $9, w.payload::jsonb, clock_timestamp()
        FROM w JOIN f ON f.tenant_id = w.tenant_id RETURNING tenant_id)
      SELECT tenant_id FROM e`;
    this.#batcher = new Batcher<EffectWrite, FencedWrite>(
      (ws) => this.commitMany(ws),
      (w) => w.tenantId,
      options.commitBatch ?? 64,
      options.commitsInFlight ?? 3,
    );
    this.#dead = `WITH f AS (${cas}), e AS (
        INSERT INTO ${s}.dead_letters (namespace, tenant_id, message_id, stream_id, token, code, error, payload, at)
        SELECT $1, $2, $6, $7, $3, $8, $9::text::jsonb, $10::text::jsonb, clock_timestamp() FROM f RETURNING 1)
      SELECT (SELECT count(*) FROM e)::int AS n`;
  }

  /** Raises the tenant's fence to `token` (strictly upwards); see the class notes. */
  async raise(tenantId: string, token: number): Promise<RaiseOutcome> {
    const s = this.#s;
    return this.#control.begin(async (tx) => {
      await q(
        tx,
        `INSERT INTO ${s}.tenant_fences (namespace, tenant_id, token, runner_id, pos_ms, pos_seq, raised_at)
         VALUES ($1, $2, 0, '', 0, 0, clock_timestamp()) ON CONFLICT DO NOTHING`,
        [this.namespace, tenantId],
      );
      const rows = await q<{ token: string; runner_id: string; pos_ms: string; pos_seq: string }>(
        tx,
        `SELECT token, runner_id, pos_ms, pos_seq FROM ${s}.tenant_fences WHERE namespace = $1 AND tenant_id = $2 FOR UPDATE`,
        [this.namespace, tenantId],
      );
      const row = rows[0] as { token: string; runner_id: string; pos_ms: string; pos_seq: string };
      if (Number(row.token) >= token)
        return { raised: false, token: Number(row.token), runnerId: row.runner_id };
      await q(
        tx,
        `UPDATE ${s}.tenant_fences SET token = $3, runner_id = $4, raised_at = clock_timestamp()
         WHERE namespace = $1 AND tenant_id = $2`,
        [this.namespace, tenantId, token, this.runnerId],
      );
      await q(
        tx,
        `UPDATE ${s}.ownerships SET ended_at = clock_timestamp() WHERE namespace = $1 AND tenant_id = $2 AND ended_at IS NULL`,
        [this.namespace, tenantId],
      );
      await q(
        tx,
        `INSERT INTO ${s}.ownerships (namespace, tenant_id, token, runner_id, started_at) VALUES ($1, $2, $3, $4, clock_timestamp())`,
        [this.namespace, tenantId, token, this.runnerId],
      );
      return { raised: true, position: `${row.pos_ms}-${row.pos_seq}` };
    }) as Promise<RaiseOutcome>;
  }

  /**
   * Commits one envelope's effect and the tenant's ingress position, fenced by `token`, together with the
   * other tenants' writes waiting at the same moment (group commit, see {@link TenantFencesOptions}).
   */
  commit(w: EffectWrite): Promise<FencedWrite> {
    return this.#batcher.submit(w);
  }

  /**
   * Commits several envelopes' effects, each with its tenant's position, in ONE statement (one transaction):
   * every write is its own compare-and-set of its tenant's fence row (same token, position before the entry),
   * and only the writes that matched insert their effect. At most one write per tenant (a RangeError
   * otherwise). A deadlock with another runner's statement (two fence rows locked in opposite orders during a
   * handoff) is tried again, up to 3 times.
   */
  async commitMany(ws: readonly EffectWrite[]): Promise<FencedWrite[]> {
    const tenants = new Set(ws.map((w) => w.tenantId));
    if (tenants.size !== ws.length) throw new RangeError("commitMany: at most one write per tenant.");
    if (ws.length === 1) return [await this.#commitOne(ws[0] as EffectWrite)];
    const cols: [string[], number[], string[], string[], string[], string[], string[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const w of ws) {
      const [ms, seq] = splitStreamId(w.streamId);
      cols[0].push(w.tenantId);
      cols[1].push(w.token);
      cols[2].push(ms);
      cols[3].push(seq);
      cols[4].push(w.messageId);
      cols[5].push(w.streamId);
      cols[6].push(JSON.stringify(w.payload ?? null));
    }
    let rows: { tenant_id: string }[] = [];
    for (let attempt = 1; ; attempt++) {
      try {
        rows = await q<{ tenant_id: string }>(this.#sql, this.#commitMany, [
          this.namespace,
          ...cols,
          this.runnerId,
        ]);
        break;
      } catch (e) {
        if (attempt >= 3 || (e as { code?: unknown }).code !== "40P01") throw e;
      }
    }
    const done = new Set(rows.map((r) => r.tenant_id));
    return Promise.all(
      ws.map((w) => (done.has(w.tenantId) ? "ok" : this.#refused(w.tenantId, w.token, "effect"))),
    );
  }

  async #commitOne(w: EffectWrite): Promise<FencedWrite> {
    const [ms, seq] = splitStreamId(w.streamId);
    const params = [
      this.namespace,
      w.tenantId,
      w.token,
      ms,
      seq,
      w.messageId,
      w.streamId,
      this.runnerId,
      JSON.stringify(w.payload ?? null),
    ];
    const rows = await q<{ n: number }>(this.#sql, this.#commit, params);
    return (rows[0]?.n ?? 0) > 0 ? "ok" : this.#refused(w.tenantId, w.token, "effect");
  }

  /** Stores a dead letter and advances the position past it, fenced like {@link TenantFences.commit}. */
  async deadLetter(w: EffectWrite, code: string, error: unknown): Promise<FencedWrite> {
    const [ms, seq] = splitStreamId(w.streamId);
    const params = [
      this.namespace,
      w.tenantId,
      w.token,
      ms,
      seq,
      w.messageId,
      w.streamId,
      code,
      JSON.stringify(error ?? null),
      JSON.stringify(w.payload ?? null),
    ];
    const rows = await q<{ n: number }>(this.#sql, this.#dead, params);
    return (rows[0]?.n ?? 0) > 0 ? "ok" : this.#refused(w.tenantId, w.token, "dead_letter");
  }

  /** Records a failed attempt's partial write (fenced; the row lock waits out a concurrent raise). */
  async recordFailure(
    attemptId: string,
    tenantId: string,
    messageId: string,
    token: number,
  ): Promise<FencedWrite> {
    const rows = await q(
      this.#sql,
      `WITH f AS (SELECT 1 FROM ${this.#s}.tenant_fences WHERE namespace = $2 AND tenant_id = $3 AND token = $5 FOR UPDATE)
       INSERT INTO ${this.#s}.failures (attempt_id, namespace, tenant_id, message_id, token, runner_id, at)
       SELECT $1, $2, $3, $4, $5, $6, clock_timestamp() FROM f RETURNING 1`,
      [attemptId, this.namespace, tenantId, messageId, token, this.runnerId],
    );
    return rows.length > 0 ? "ok" : this.#refused(tenantId, token, "failure");
  }

  /** The compensation of a failed attempt: records that it ran (not fenced: it undoes only its own attempt). */
  async compensate(attemptId: string, tenantId: string, messageId: string): Promise<void> {
    await q(
      this.#sql,
      `INSERT INTO ${this.#s}.compensations (attempt_id, namespace, tenant_id, message_id, runner_id, at)
       VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
      [attemptId, this.namespace, tenantId, messageId, this.runnerId],
    );
  }

  /** Classifies a write that matched nothing: a newer token (recorded as a rejection) or an old position. */
  async #refused(tenantId: string, token: number, kind: string): Promise<FencedWrite> {
    const rows = await q<{ token: string }>(
      this.#sql,
      `SELECT token FROM ${this.#s}.tenant_fences WHERE namespace = $1 AND tenant_id = $2`,
      [this.namespace, tenantId],
    );
    const current = Number(rows[0]?.token ?? 0);
    if (current === token) return "duplicate";
    await q(
      this.#sql,
      `INSERT INTO ${this.#s}.fence_rejections (namespace, tenant_id, kind, token, current_token, runner_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())`,
      [this.namespace, tenantId, kind, token, current, this.runnerId],
    );
    return "stale";
  }

  /** The tenant's fence: current token and committed position (null when it was never raised). */
  async read(tenantId: string): Promise<{ token: number; position: string; runnerId: string } | null> {
    const rows = await q<{ token: string; pos_ms: string; pos_seq: string; runner_id: string }>(
      this.#sql,
      `SELECT token, pos_ms, pos_seq, runner_id FROM ${this.#s}.tenant_fences WHERE namespace = $1 AND tenant_id = $2`,
      [this.namespace, tenantId],
    );
    const r = rows[0];
    return r === undefined
      ? null
      : { token: Number(r.token), position: `${r.pos_ms}-${r.pos_seq}`, runnerId: r.runner_id };
  }
}
