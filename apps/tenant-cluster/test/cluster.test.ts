import { PostgresShardRepository } from "@pipe/shards/postgres";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coordinator } from "../src/coordinator.ts";
import { TenantFences } from "../src/fences.ts";
import { Membership } from "../src/membership.ts";
import { migrateCluster } from "../src/schema.ts";
import { tenantName } from "../src/traffic.ts";
import { cleanup, DATABASE_URL, serversMissing, uniqueName, until } from "./helpers.ts";

const missing = await serversMissing(false);
if (missing !== undefined) console.log(`tenant-cluster store tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)("membership, election, fencing and placement on PostgreSQL", () => {
  const schema = uniqueName("tc_store");
  const s = `"${schema}"`;
  let sql: postgres.Sql;
  let repo: PostgresShardRepository;
  beforeAll(async () => {
    sql = postgres(DATABASE_URL, { max: 8, onnotice: () => undefined });
    const opened = await PostgresShardRepository.open({ url: DATABASE_URL, schema, maxConnections: 4 });
    repo = opened.unwrap();
    await migrateCluster(sql, schema);
  });
  afterAll(async () => {
    await repo?.close();
    await sql?.end({ timeout: 2 });
    await cleanup(schema);
  });

  it("judges leases by the database clock: an expired lease is dead, and its heartbeat is refused", async () => {
    const m = new Membership(sql, schema, "ns-lease", 60_000);
    const inc = await m.register("a");
    await m.register("b");
    expect((await m.live()).map((r) => r.runnerId)).toEqual(["a", "b"]);
    // Only the database's clock counts: move a's expiry to the database's past (the runner's clock is never asked).
    await sql.unsafe(
      `UPDATE ${s}.runners SET lease_expires_at = clock_timestamp() - interval '1 ms' WHERE runner_id = 'a'`,
    );
    expect((await m.live()).map((r) => r.runnerId)).toEqual(["b"]);
    expect(await m.heartbeat("a", inc)).toBe(false);
    expect(await m.markDead()).toEqual(["a"]);
    const again = await m.register("a");
    expect(again).toBe(inc + 1);
    expect(await m.heartbeat("a", inc)).toBe(false); // the old incarnation stays dead
    expect(await m.heartbeat("a", again)).toBe(true);
    // A short lease runs out by itself on the database clock.
    const short = new Membership(sql, schema, "ns-short", 150);
    await short.register("c");
    await until(async () => (await short.live()).length === 0, 10_000, "the 150 ms lease to expire");
  });

  it("refuses a former owner's writes once the new owner raised the fence, in the same transaction", async () => {
    const ns = "ns-fence";
    const a = new TenantFences(sql, schema, ns, "a");
    const b = new TenantFences(sql, schema, ns, "b");
    expect(await a.raise("acme", 3)).toEqual({ raised: true, position: "0-0" });
    const w = (id: string, token: number) => ({
      tenantId: "acme",
      messageId: `m${id}`,
      streamId: `${id}-0`,
      token,
      payload: { id },
    });
    expect(await a.commit(w("1", 3))).toBe("ok");
    expect(await a.commit(w("1", 3))).toBe("duplicate");
    // b takes over with a higher token while a holds the fence row locked in an open transaction: b waits.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const holding = sql.begin(async (tx) => {
      await tx.unsafe(
        `SELECT 1 FROM ${s}.tenant_fences WHERE namespace = $1 AND tenant_id = 'acme' FOR UPDATE`,
        [ns],
      );
      await gate;
    });
    const raising = b.raise("acme", 5);
    const stale = a.commit(w("2", 3)); // queued behind the lock, sent before the raise commits
    open();
    await holding;
    const [raised, staleOutcome] = await Promise.all([raising, stale]);
    // Whichever got the row first, a's write is either before b's interval or refused; never inside it.
    expect(raised).toMatchObject({ raised: true });
    expect(await a.commit(w("3", 3))).toBe("stale");
    expect(await b.commit(w("3", 5))).toBe("ok");
    expect(await a.raise("acme", 4)).toMatchObject({ raised: false, token: 5, runnerId: "b" });
    const rows = await sql.unsafe(
      `SELECT e.token, e.committed_at >= o.started_at AND (o.ended_at IS NULL OR e.committed_at <= o.ended_at) AS inside
       FROM ${s}.effects e JOIN ${s}.ownerships o ON o.namespace = e.namespace AND o.tenant_id = e.tenant_id AND o.token = e.token
       WHERE e.namespace = $1`,
      [ns],
    );
    expect(rows.every((r) => r.inside === true)).toBe(true);
    const rejections = await sql.unsafe(
      `SELECT kind, token, current_token FROM ${s}.fence_rejections WHERE namespace = $1`,
      [ns],
    );
    expect(rejections.length).toBe(staleOutcome === "stale" ? 2 : 1);
    expect(rejections.every((r) => Number(r.token) === 3 && Number(r.current_token) === 5)).toBe(true);
    expect(await a.recordFailure("x1", "acme", "m9", 3)).toBe("stale");
    expect(await b.recordFailure("x2", "acme", "m9", 5)).toBe("ok");
  });

  it("commits several tenants' envelopes in one statement, each fenced and exactly once on its own", async () => {
    const ns = "ns-batch";
    const a = new TenantFences(sql, schema, ns, "a");
    const b = new TenantFences(sql, schema, ns, "b");
    for (const t of ["t1", "t2", "t3"]) await a.raise(t, 2);
    await b.raise("t3", 5); // t3 moved to b: a's write to it is stale
    const w = (tenantId: string, id: number, token = 2) => ({
      tenantId,
      messageId: `${tenantId}-m${id}`,
      streamId: `${id}-0`,
      token,
      payload: { id },
    });
    expect(await a.commitMany([w("t1", 1), w("t2", 1), w("t3", 1)])).toEqual(["ok", "ok", "stale"]);
    // A redelivery is refused, the next entry is accepted, in the same statement.
    expect(await a.commitMany([w("t1", 1), w("t2", 2)])).toEqual(["duplicate", "ok"]);
    await expect(a.commitMany([w("t1", 3), w("t1", 4)])).rejects.toThrow(RangeError);
    // Group commit through `commit`: concurrent writes of different tenants share statements, results per write.
    const outcomes = await Promise.all([
      a.commit(w("t1", 5)),
      a.commit(w("t2", 5)),
      a.commit(w("t3", 5)),
      b.commit(w("t3", 5, 5)),
    ]);
    expect(outcomes).toEqual(["ok", "ok", "stale", "ok"]);
    const effects = await sql.unsafe(
      `SELECT tenant_id, message_id, token FROM ${s}.effects WHERE namespace = $1 ORDER BY 1, 2`,
      [ns],
    );
    expect(effects.map((e) => `${e.tenant_id}:${e.message_id}:${e.token}`)).toEqual([
      "t1:t1-m1:2",
      "t1:t1-m5:2",
      "t2:t2-m1:2",
      "t2:t2-m2:2",
      "t2:t2-m5:2",
      "t3:t3-m5:5",
    ]);
    const fences = await sql.unsafe(
      `SELECT tenant_id, pos_ms::int AS pos FROM ${s}.tenant_fences WHERE namespace = $1 ORDER BY 1`,
      [ns],
    );
    expect(fences.map((f) => `${f.tenant_id}@${f.pos}`)).toEqual(["t1@5", "t2@5", "t3@5"]);
  });

  const coordinator = (
    ns: string,
    holder: string,
    m: Membership,
    tenants: readonly string[],
    extra: Partial<ConstructorParameters<typeof Coordinator>[0]> = {},
  ) =>
    new Coordinator({
      sql,
      schema,
      namespace: ns,
      holder,
      membership: m,
      repository: repo,
      discover: async () => tenants,
      ...extra,
    });

  it("applies only the moves a join or a leave requires (moves = theoretical minimum)", async () => {
    const ns = "ns-moves";
    const tenants = Array.from({ length: 300 }, (_, i) => tenantName(i));
    const m = new Membership(sql, schema, ns, 60_000);
    for (const r of ["r1", "r2", "r3"]) await m.register(r);
    const c = coordinator(ns, "r1", m, tenants);
    const first = await c.round();
    expect(first).toMatchObject({ outcome: "stable", registered: 300, liveRunners: 3, moves: 0 });
    const owners = async () => new Map((await repo.list(ns)).unwrap().map((r) => [r.shardId, r.ownerNodeId]));
    const before = await owners();
    await m.register("r4");
    const join = await c.round();
    expect(join.outcome).toBe("applied");
    expect(join.moves).toBe(join.minimumMoves);
    const afterJoin = await owners();
    const moved = tenants.filter((t) => before.get(t) !== afterJoin.get(t));
    expect(moved.length).toBe(join.moves);
    expect(moved.every((t) => afterJoin.get(t) === "r4")).toBe(true);
    await m.leave("r2", 1);
    const leave = await c.round();
    expect(leave.moves).toBe(leave.minimumMoves);
    const afterLeave = await owners();
    const movedOnLeave = tenants.filter((t) => afterJoin.get(t) !== afterLeave.get(t));
    expect(movedOnLeave.every((t) => afterJoin.get(t) === "r2")).toBe(true);
    expect(movedOnLeave.length).toBe([...afterJoin.values()].filter((o) => o === "r2").length);
    expect((await c.round()).outcome).toBe("stable");
  });

  it("applies a round's moves several at a time, never more than applyConcurrency", async () => {
    const ns = "ns-fan-out";
    const tenants = Array.from({ length: 60 }, (_, i) => tenantName(i));
    const m = new Membership(sql, schema, ns, 60_000);
    for (const r of ["f1", "f2"]) await m.register(r);
    let inFlight = 0;
    let most = 0;
    const counting = new Proxy(repo, {
      get: (target, p) => {
        if (p === "upsert")
          return async (...args: Parameters<typeof repo.upsert>) => {
            most = Math.max(most, ++inFlight);
            try {
              return await target.upsert(...args);
            } finally {
              inFlight--;
            }
          };
        const v = Reflect.get(target, p, target) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const c = coordinator(ns, "f1", m, tenants, { repository: counting, applyConcurrency: 3 });
    expect(await c.round()).toMatchObject({ registered: 60 });
    await m.register("f3");
    const join = await c.round();
    expect(join.outcome).toBe("applied");
    expect(join.moves).toBe(join.minimumMoves);
    const owners = (await repo.list(ns)).unwrap().map((r) => r.ownerNodeId);
    expect(owners.filter((o) => o === "f3").length).toBe(join.moves);
    expect(most).toBe(3);
  });

  it("a coordinator whose round fails gives the lease up, so another runner coordinates", async () => {
    const ns = "ns-broken";
    const m = new Membership(sql, schema, ns, 60_000);
    await m.register("r1");
    const broken = coordinator(ns, "broken", m, [], {
      discover: () => Promise.reject(new Error("Redis connection lost")),
    });
    const healthy = coordinator(ns, "healthy", m, [tenantName(0), tenantName(1)]);
    expect(await broken.round()).toMatchObject({ outcome: "failed" });
    expect(await healthy.round()).toMatchObject({ outcome: "stable", registered: 2 });
    expect((await repo.list(ns)).unwrap().map((r) => r.ownerNodeId)).toEqual(["r1", "r1"]);
  });

  it("elects one coordinator at a time; a paused coordinator applies nothing after losing its lease", async () => {
    const ns = "ns-elect";
    const tenants = Array.from({ length: 40 }, (_, i) => tenantName(i));
    const m = new Membership(sql, schema, ns, 60_000);
    await m.register("r1");
    const a = coordinator(ns, "a", m, tenants, { leaseMs: 400 });
    const b = coordinator(ns, "b", m, tenants, { leaseMs: 400 });
    expect((await a.round()).outcome).not.toBe("idle");
    expect((await b.round()).outcome).toBe("idle");
    // Both race for rounds while runners join and leave; rounds of different holders never overlap in DB time.
    for (let i = 0; i < 6; i++) {
      await m.register(`j${i}`);
      if (i % 2 === 1) {
        // Once a resigns, b takes over (deterministic, whatever the scheduling of the race below).
        await a.resign();
        expect((await b.round()).outcome).not.toBe("idle");
      }
      await Promise.all([a.round(), b.round(), a.round(), b.round()]);
    }
    const rounds = await sql.unsafe(
      `SELECT holder, epoch, started_at, ended_at FROM ${s}.coordinator_rounds WHERE namespace = $1 ORDER BY started_at`,
      [ns],
    );
    expect(new Set(rounds.map((r) => r.holder))).toEqual(new Set(["a", "b"]));
    for (let i = 1; i < rounds.length; i++) {
      const [p, r] = [rounds[i - 1], rounds[i]] as [(typeof rounds)[0], (typeof rounds)[0]];
      if (p.holder !== r.holder) {
        expect((p.ended_at as Date).getTime()).toBeLessThanOrEqual((r.started_at as Date).getTime());
        expect(Number(r.epoch)).toBeGreaterThan(Number(p.epoch));
      }
    }
    // A coordinator paused mid-round (past its lease) resumes after another took over: its apply is refused.
    await a.resign();
    await b.resign();
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let reached = false;
    const paused = coordinator(ns, "p", m, tenants, {
      leaseMs: 300,
      beforeApply: () => {
        reached = true;
        return resumed;
      },
    });
    // q takes the lease but stops before applying, so p's plan is still current when p resumes.
    const other = coordinator(ns, "q", m, tenants, {
      leaseMs: 60_000,
      beforeApply: () => Promise.reject(new Error("q stops before applying")),
    });
    await m.register("late-joiner");
    const pausedRound = paused.round();
    await until(() => reached, 10_000, "p to pause before applying");
    await until(
      async () => (await other.round()).outcome !== "idle",
      10_000,
      "q to take over after p's lease ran out",
    );
    resume();
    const r = await pausedRound;
    expect(r.outcome).toBe("failed");
    expect(r.error?.code).toBe("cluster.coordinator.lease_lost");
    const byP = await sql.unsafe(
      `SELECT count(*) AS n FROM ${s}.shard_history WHERE namespace = $1 AND actor = 'p'`,
      [ns],
    );
    expect(Number(byP[0]?.n)).toBe(0);
  });
});
