import { err, PipeError } from "@pipe/pipeline";
import {
  ShardControlPlaneService as Service,
  type ShardControlPlaneService,
  type ShardRepository,
  weightedRendezvousStrategy,
} from "@pipe/shards";
import type { CoordinatorOptions, CoordinatorRound } from "./coordinator-options.ts";
import { q, quoteSchema } from "./internal/db.ts";

/** The strategy placing tenants over runners. */
export const PLACEMENT_STRATEGY = "weighted-rendezvous";

/** Owner of a registered tenant that could not be placed yet (no live runner). */
export const UNASSIGNED = "unassigned";

const leaseLost = (): PipeError =>
  PipeError.from(
    "The coordinator lease ran out during the round; the plan was not applied.",
    "cluster.coordinator.lease_lost",
  );

/**
 * The namespace's coordinator: one at a time, elected through a lease row judged by the database clock, it
 * registers tenants seen for the first time as shards and applies the placement of every tenant over the
 * live runners (weighted rendezvous, `simulate` + `apply` with optimistic concurrency), so only the moves
 * the strategy requires are persisted.
 *
 * Details: `round()` first takes or renews the lease (`coordinator` row: same holder and unexpired, or
 * expired; the epoch grows with each change of holder). Writes of the round go through a view of the
 * repository that refuses any upsert once the lease's local deadline passed (measured from before the lease
 * statement was sent, so it is never later than the database's expiry): a coordinator frozen mid-round
 * (SIGSTOP, a long pause) that resumes after another took over applies nothing more. A session advisory
 * lock would not do that: a stopped process keeps its connection, so it keeps the lock. Ownership safety does
 * not depend on a single coordinator anyway (the tenant fences do that); the lease keeps placement churn
 * down. A round that fails gives the lease up, so a holder that cannot coordinate never blocks the others. Each round is logged in `coordinator_rounds` with database-clock start and end.
 *
 * @example
 * ```ts
 * import { Coordinator } from "@pipe/app-tenant-cluster";
 * // const c = new Coordinator({ sql, schema, namespace, holder: "runner-1", membership, repository, discover });
 * // const round = await c.round(); console.log(round.outcome, round.moves, round.minimumMoves);
 * ```
 */
export class Coordinator {
  readonly #o: CoordinatorOptions;
  readonly #s: string;
  readonly #leaseMs: number;
  #deadline = 0;
  #lastFailed = false;
  #renewing: Promise<number | undefined> | undefined;
  readonly #concurrency: number;
  readonly #service: ShardControlPlaneService;
  /** Rounds applied and moves made while holding the lease (for /metrics). */
  readonly totals = { rounds: 0, moves: 0, minimumMoves: 0, registered: 0, failures: 0 };
  epoch = 0;

  constructor(options: CoordinatorOptions) {
    this.#o = options;
    this.#s = quoteSchema(options.schema);
    this.#leaseMs = options.leaseMs ?? options.membership.leaseMs;
    this.#concurrency = options.applyConcurrency ?? 4;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1)
      throw new RangeError("applyConcurrency must be an integer >= 1.");
    const guarded = new Proxy(options.repository, {
      get: (target, p) => {
        if (p === "upsert")
          return (...args: Parameters<ShardRepository["upsert"]>) =>
            performance.now() < this.#deadline ? target.upsert(...args) : Promise.resolve(err(leaseLost()));
        const v = Reflect.get(target, p, target) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    this.#service = new Service({ repository: guarded, workers: 1 });
  }

  /** Whether this instance holds the lease (as of its last round). */
  get isLeader(): boolean {
    return performance.now() < this.#deadline;
  }

  async #acquire(): Promise<number | undefined> {
    const sent = performance.now();
    const rows = await q<{ epoch: string }>(
      this.#o.sql,
      `INSERT INTO ${this.#s}.coordinator AS c (namespace, holder, epoch, acquired_at, expires_at)
       VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (namespace) DO UPDATE SET holder = $2,
         epoch = c.epoch + CASE WHEN c.holder = $2 AND c.expires_at > clock_timestamp() THEN 0 ELSE 1 END,
         acquired_at = CASE WHEN c.holder = $2 AND c.expires_at > clock_timestamp() THEN c.acquired_at ELSE clock_timestamp() END,
         expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE c.holder = $2 OR c.expires_at <= clock_timestamp()
       RETURNING epoch`,
      [this.#o.namespace, this.#o.holder, this.#leaseMs],
    );
    if (rows.length === 0) {
      this.#deadline = 0;
      return undefined;
    }
    this.#deadline = sent + this.#leaseMs - Math.min(200, this.#leaseMs / 4);
    this.epoch = Number(rows[0]?.epoch);
    return this.epoch;
  }

  /**
   * Renews the lease once half of it is used; false when it was lost (another holder, or a new epoch).
   * Concurrent callers share one renewal.
   */
  async #keep(epoch: number): Promise<boolean> {
    if (this.#deadline - performance.now() > this.#leaseMs / 2) return true;
    this.#renewing ??= this.#acquire().finally(() => (this.#renewing = undefined));
    return (await this.#renewing) === epoch;
  }

  /**
   * Runs `write` for each item in order, at most `applyConcurrency` at once, each after making sure the lease
   * is still held. Stops starting new writes at the first error (a lost lease, a conflict) and returns it.
   */
  async #fanOut<T>(
    epoch: number,
    items: readonly T[],
    write: (item: T) => Promise<PipeError | undefined>,
  ): Promise<PipeError | undefined> {
    let next = 0;
    let failure: PipeError | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < items.length) {
        const item = items[next++] as T;
        if (!(await this.#keep(epoch))) failure ??= leaseLost();
        else failure ??= await write(item);
      }
    };
    const workers = Math.max(1, Math.min(this.#concurrency, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return failure;
  }

  /** Gives the lease up (graceful stop), so another runner takes over at its next round. */
  async resign(): Promise<void> {
    this.#deadline = 0;
    await q(
      this.#o.sql,
      `UPDATE ${this.#s}.coordinator SET expires_at = clock_timestamp() WHERE namespace = $1 AND holder = $2`,
      [this.#o.namespace, this.#o.holder],
    );
  }

  /** One round: take/renew the lease, register new tenants, apply the placement's moves. Never rejects. */
  async round(): Promise<CoordinatorRound> {
    let epoch: number | undefined;
    try {
      epoch = await this.#acquire();
    } catch (e) {
      return this.#failed(0, PipeError.fromException(e));
    }
    if (epoch === undefined)
      return { outcome: "idle", epoch: 0, liveRunners: 0, registered: 0, moves: 0, minimumMoves: 0 };
    this.#lastFailed = false;
    let startedAt: Date | undefined;
    try {
      startedAt = (await q<{ t: Date }>(this.#o.sql, "SELECT clock_timestamp() AS t"))[0]?.t;
      const r = await this.#place(epoch);
      await this.#log(r, startedAt);
      return r;
    } catch (e) {
      const r = this.#failed(epoch, PipeError.fromException(e));
      await this.#log(r, startedAt).catch(() => undefined);
      return r;
    } finally {
      // A round that failed gives the lease up, so a runner that cannot coordinate (its Redis or its store
      // connection broken) does not keep the others from doing it.
      if (this.#lastFailed) await this.resign().catch(() => undefined);
    }
  }

  #failed(epoch: number, error: PipeError): CoordinatorRound {
    this.totals.failures++;
    this.#lastFailed = true;
    return { outcome: "failed", epoch, liveRunners: 0, registered: 0, moves: 0, minimumMoves: 0, error };
  }

  async #place(epoch: number): Promise<CoordinatorRound> {
    const { membership, namespace, holder } = this.#o;
    await membership.markDead();
    const live = await membership.live();
    const nodes = live.map((r) => ({ nodeId: r.runnerId, weight: r.weight }));
    const registered = await this.#register(nodes);
    if (nodes.length === 0)
      return { outcome: "stable", epoch, liveRunners: 0, registered, moves: 0, minimumMoves: 0 };
    const sim = await this.#service.simulate({ namespace, strategyId: PLACEMENT_STRATEGY, nodes });
    if (sim.isErr) {
      if (sim.error.code === "shards.control.namespace.missing")
        return { outcome: "stable", epoch, liveRunners: nodes.length, registered, moves: 0, minimumMoves: 0 };
      return { ...this.#failed(epoch, sim.error), liveRunners: nodes.length, registered };
    }
    // Tenants of runners that are gone come first: nobody works them until they move.
    const alive = new Set(nodes.map((n) => n.nodeId));
    const plan = {
      ...sim.value,
      changes: [...sim.value.changes].sort(
        (a, b) => Number(alive.has(a.currentOwner)) - Number(alive.has(b.currentOwner)),
      ),
    };
    const base = {
      epoch,
      liveRunners: nodes.length,
      registered,
      moves: plan.moves,
      minimumMoves: plan.minimumMoves,
    };
    if (plan.changes.length === 0) return { outcome: "stable", ...base };
    await this.#o.beforeApply?.();
    const ticket = `cluster-${epoch}-${Date.now().toString(36)}`;
    // Each move is its own `apply` (optimistic concurrency on that shard's version, no rollback of the
    // others), up to `applyConcurrency` at once in plan order, renewing the lease whenever half of it is used:
    // a long plan on a slow database is not cut short by the lease, and each move is visible once it commits.
    const failure = await this.#fanOut(epoch, plan.changes, async (change) => {
      const applied = await this.#service.apply({
        simulation: { ...plan, changes: [change], moves: 1 },
        actor: holder,
        reason: `placement over ${nodes.length} live runner(s)`,
        changeTicket: ticket,
      });
      return applied.isErr ? applied.error : undefined;
    });
    if (failure !== undefined) return { ...this.#failed(epoch, failure), ...base };
    this.totals.rounds++;
    this.totals.moves += plan.moves;
    this.totals.minimumMoves += plan.minimumMoves;
    return { outcome: "applied", ...base };
  }

  /** Registers tenants seen for the first time (expectedVersion 0), placed at once when a runner is live. */
  async #register(nodes: readonly { nodeId: string; weight: number }[]): Promise<number> {
    const { namespace, sql } = this.#o;
    const seen = await this.#o.discover();
    if (seen.length === 0) return 0;
    const rows = await q<{ shard_id: string }>(
      sql,
      `SELECT shard_id FROM ${this.#s}.shard_records WHERE namespace = $1`,
      [namespace],
    );
    const known = new Set(rows.map((r) => r.shard_id));
    const fresh = [...new Set(seen)].filter((t) => !known.has(t)).sort();
    if (fresh.length === 0) return 0;
    const owners = new Map<string, string>();
    if (nodes.length > 0) {
      const plan = weightedRendezvousStrategy.compute({
        namespace,
        shards: fresh.map((shardId) => ({ shardId })),
        nodes,
      });
      if (plan.isOk) for (const a of plan.value.assignments) owners.set(a.shardId, a.ownerNodeId);
    }
    let n = 0;
    await this.#fanOut(this.epoch, fresh, async (shardId) => {
      const r = await this.#service.upsert({
        namespace,
        shardId,
        strategyId: PLACEMENT_STRATEGY,
        ownerNodeId: owners.get(shardId) ?? UNASSIGNED,
        expectedVersion: 0,
        changeMetadata: { actor: this.#o.holder, reason: "tenant seen for the first time" },
      });
      if (r.isOk) n++;
      // A tenant registered meanwhile (a conflict) is placed by the next round; a lost lease stops the round.
      return r.isErr && r.error.code === "cluster.coordinator.lease_lost" ? r.error : undefined;
    });
    this.totals.registered += n;
    return n;
  }

  async #log(r: CoordinatorRound, startedAt: Date | undefined): Promise<void> {
    await q(
      this.#o.sql,
      `INSERT INTO ${this.#s}.coordinator_rounds (namespace, holder, epoch, started_at, ended_at, live_runners, registered, moves, minimum_moves, outcome, error)
       VALUES ($1, $2, $3, coalesce($4, clock_timestamp()), clock_timestamp(), $5, $6, $7, $8, $9, $10)`,
      [
        this.#o.namespace,
        this.#o.holder,
        r.epoch,
        startedAt ?? null,
        r.liveRunners,
        r.registered,
        r.moves,
        r.minimumMoves,
        r.outcome,
        r.error === undefined ? null : `${r.error.code}: ${r.error.message}`,
      ],
    );
  }
}
