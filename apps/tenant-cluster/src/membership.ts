import { q, quoteSchema, type Sql } from "./internal/db.ts";

/** A live runner as the coordinator sees it. */
export interface LiveRunner {
  readonly runnerId: string;
  readonly weight: number;
}

/** The membership notification channel of a schema (runners NOTIFY on join and leave). */
export const membershipChannel = (schema: string): string => `pipe_cluster_${schema}`;

/**
 * The membership table of one namespace: register, heartbeat, leave, and the live set, with every lease
 * judged by the database clock (`clock_timestamp()`), never by a runner's.
 *
 * Details: `register` inserts the runner or, for a known id, starts a new incarnation. `heartbeat` extends
 * the lease only while it has not expired (same incarnation): a runner whose lease ran out is dead for the
 * cluster, and `heartbeat` returns false so it registers again (a new incarnation) instead of silently coming
 * back. `live` is every runner with status `live` and an unexpired lease; `markDead` records expiries.
 *
 * @example
 * ```ts
 * import { Membership } from "@pipe/app-tenant-cluster";
 * // const m = new Membership(sql, "tenant_cluster", "tenants", 1500);
 * // const incarnation = await m.register("runner-1", 1);
 * ```
 */
export class Membership {
  readonly #sql: Sql;
  readonly #s: string;

  constructor(
    sql: Sql,
    readonly schema: string,
    readonly namespace: string,
    readonly leaseMs: number,
  ) {
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new RangeError("leaseMs must be an integer >= 100.");
    this.#sql = sql;
    this.#s = quoteSchema(schema);
  }

  #notify(): Promise<unknown> {
    return q(this.#sql, "SELECT pg_notify($1, $2)", [membershipChannel(this.schema), this.namespace]);
  }

  /** Joins (or re-joins) the namespace; returns the new incarnation. */
  async register(runnerId: string, weight = 1): Promise<number> {
    const rows = await q<{ incarnation: string }>(
      this.#sql,
      `INSERT INTO ${this.#s}.runners AS r (runner_id, namespace, incarnation, weight, started_at, heartbeat_at, lease_expires_at, status)
       VALUES ($1, $2, 1, $3, clock_timestamp(), clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond', 'live')
       ON CONFLICT (runner_id) DO UPDATE SET namespace = $2, incarnation = r.incarnation + 1, weight = $3,
         started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
         lease_expires_at = clock_timestamp() + $4 * interval '1 millisecond', status = 'live'
       RETURNING incarnation`,
      [runnerId, this.namespace, weight, this.leaseMs],
    );
    await this.#notify();
    return Number(rows[0]?.incarnation);
  }

  /** Extends the lease of this incarnation; false when it already expired (the runner is dead: register again). */
  async heartbeat(runnerId: string, incarnation: number): Promise<boolean> {
    const rows = await q(
      this.#sql,
      `UPDATE ${this.#s}.runners SET heartbeat_at = clock_timestamp(),
         lease_expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE runner_id = $1 AND incarnation = $2 AND status IN ('live', 'leaving')
         AND lease_expires_at > clock_timestamp()
       RETURNING 1`,
      [runnerId, incarnation, this.leaseMs],
    );
    return rows.length > 0;
  }

  /** Marks the runner as leaving (graceful stop): still alive, but the coordinator moves its tenants away. */
  async leaving(runnerId: string, incarnation: number): Promise<void> {
    await q(
      this.#sql,
      `UPDATE ${this.#s}.runners SET status = 'leaving' WHERE runner_id = $1 AND incarnation = $2`,
      [runnerId, incarnation],
    );
    await this.#notify();
  }

  /** Leaves for good: status `left`, lease ended now. */
  async leave(runnerId: string, incarnation: number): Promise<void> {
    await q(
      this.#sql,
      `UPDATE ${this.#s}.runners SET status = 'left', lease_expires_at = clock_timestamp()
       WHERE runner_id = $1 AND incarnation = $2`,
      [runnerId, incarnation],
    );
    await this.#notify();
  }

  /** Live runners (status `live`, lease unexpired by the database clock), ordered by id. */
  async live(): Promise<readonly LiveRunner[]> {
    const rows = await q<{ runner_id: string; weight: number }>(
      this.#sql,
      `SELECT runner_id, weight FROM ${this.#s}.runners
       WHERE namespace = $1 AND status = 'live' AND lease_expires_at > clock_timestamp() ORDER BY runner_id`,
      [this.namespace],
    );
    return rows.map((r) => ({ runnerId: r.runner_id, weight: Number(r.weight) }));
  }

  /** Records runners whose lease expired as `dead`; returns their ids. */
  async markDead(): Promise<readonly string[]> {
    const rows = await q<{ runner_id: string }>(
      this.#sql,
      `UPDATE ${this.#s}.runners SET status = 'dead'
       WHERE namespace = $1 AND status IN ('live', 'leaving') AND lease_expires_at <= clock_timestamp()
       RETURNING runner_id`,
      [this.namespace],
    );
    return rows.map((r) => r.runner_id);
  }
}
