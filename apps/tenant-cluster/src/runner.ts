import { monitorEventLoopDelay } from "node:perf_hooks";
import { PostgresShardRepository } from "@pipe/shards/postgres";
import { TenantRouter } from "@pipe/tenants";
import { Coordinator } from "./coordinator.ts";
import { TenantFences } from "./fences.ts";
import { connect, type Sql } from "./internal/db.ts";
import { storeDeadLetters } from "./internal/dead-letters.ts";
import { every } from "./internal/every.ts";
import { Handoffs, type Held, ownsEnvelope } from "./internal/handoff.ts";
import { followOwnership } from "./internal/ownership.ts";
import { Membership, membershipChannel } from "./membership.ts";
import { createClusterProcessor, type ProcessorStats, zeroProcessorStats } from "./processor.ts";
import type { RunnerOptions } from "./runner-options.ts";
import { migrateCluster } from "./schema.ts";
import { type ClusterEnvelope, TenantStreams } from "./stream-ingress.ts";

/**
 * A runner: one `@pipe/tenants` router (unchanged) working the tenants the shard control plane assigns to
 * it, plus membership heartbeats, a turn at coordinating, and per-tenant handoff through fences.
 *
 * Details: `start` registers in the membership table, then follows its namespace's shard records. When a
 * tenant comes to it with token `v` (the record's version), it raises the tenant's fence to `v`, adds the
 * tenant to the router and reads its stream from the committed position; when the tenant moves away, it stops
 * reading, lets the router drop what is buffered (read under an ownership it no longer holds, so never
 * written) and removes the tenant. The router runs with `retain: "envelope"` and `isolateRollback:
 * "envelope"`: a committed envelope is durable, so only failed, uncommitted work is ever compensated.
 * `stop()` is graceful (status `leaving`, wait for the tenants to move, then leave); a killed runner's lease
 * simply expires. Under `failFast` the first failure stops this runner's router (its tenants' compensations
 * run) and the runner leaves, so its tenants move to the others: fail-fast is per runner, never cluster-wide.
 *
 * @example
 * ```ts
 * import { Runner } from "@pipe/app-tenant-cluster";
 * const runner = new Runner({ runnerId: "r1", databaseUrl: "postgres://postgres@127.0.0.1:5432/test",
 *   redisUrl: "redis://127.0.0.1:6379", schema: "tenant_cluster", namespace: "tenants", prefix: "tc", leaseMs: 3000 });
 * // await runner.start(); ... await runner.stop();
 * ```
 */
export class Runner {
  readonly stats: ProcessorStats = zeroProcessorStats();
  readonly held = new Map<string, Held>();
  /** Dead letters stored (fenced), refused as stale, or left to the owner (shutdown, unknown, old token). */
  readonly deadLetterCounts = { stored: 0, stale: 0, abandoned: 0 };
  readonly counters = { heartbeats: 0, heartbeatFailures: 0, reregistrations: 0, acquired: 0, released: 0 };
  incarnation = 0;
  lastHeartbeat = 0;
  /** Longest heartbeat round trip so far, in ms. */
  heartbeatMaxMs = 0;
  coordinator: Coordinator | undefined;
  router: TenantRouter<ClusterEnvelope> | undefined;
  /** Resolves when the runner stopped: 0 after a clean stop, 1 when its router failed (fail-fast, ingress). */
  readonly stopped: Promise<number>;
  #resolveStopped!: (code: number) => void;
  readonly #o: RunnerOptions;
  readonly #stop = new AbortController();
  #handoffs: Handoffs | undefined;
  #sql: Sql | undefined;
  #beat: Sql | undefined;
  #beating: Membership | undefined;
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 20 });
  #data: Sql | undefined;
  #repo: PostgresShardRepository | undefined;
  #streams: TenantStreams | undefined;
  #fences: TenantFences | undefined;
  #membership: Membership | undefined;
  #loops: Promise<unknown>[] = [];
  #stopping: Promise<void> | undefined;
  #exitCode = 0;

  constructor(options: RunnerOptions) {
    this.#o = options;
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  #log(line: string): void {
    this.#o.log?.(line);
  }

  /** Connects, registers, and starts working (returns once registered). Throws when a server is unreachable. */
  async start(): Promise<void> {
    const o = this.#o;
    // Effects on one pool; membership, coordination and handoffs on another, so heartbeats and fence raises
    // never queue behind a busy runner's effect writes.
    const data = await connect(o.databaseUrl, 6);
    this.#data = data;
    const sql = await connect(o.databaseUrl, 3);
    this.#sql = sql;
    // Heartbeats on a connection of their own, so they never wait behind a burst of fence raises or a
    // coordinator round, and without waiting for the WAL flush (synchronous_commit off): a renewal lost with a
    // database crash only ends the lease earlier, which the fences make safe.
    const beat = await connect(o.databaseUrl, 1, {
      synchronous_commit: "off",
      application_name: `tenant-cluster heartbeat ${o.runnerId}`.slice(0, 63),
    });
    this.#beat = beat;
    const repo = await PostgresShardRepository.open({
      url: o.databaseUrl,
      schema: o.schema,
      maxConnections: 5,
    });
    if (repo.isErr) throw repo.error;
    this.#repo = repo.value;
    await migrateCluster(sql, o.schema);
    const membership = new Membership(sql, o.schema, o.namespace, o.leaseMs);
    this.#membership = membership;
    this.#beating = new Membership(beat, o.schema, o.namespace, o.leaseMs);
    this.#fences = new TenantFences(data, o.schema, o.namespace, o.runnerId, sql, {
      commitBatch: o.commitBatch,
      commitsInFlight: o.commitBatch === 1 ? 6 : 3,
    });
    const capacity = o.capacity ?? 256;
    const streams = await TenantStreams.connect({
      url: o.redisUrl,
      prefix: o.prefix,
      readAhead: capacity,
      batch: Math.min(128, capacity),
    });
    this.#streams = streams;
    this.incarnation = await membership.register(o.runnerId, o.weight ?? 1);
    this.lastHeartbeat = performance.now();
    this.coordinator = new Coordinator({
      sql,
      schema: o.schema,
      namespace: o.namespace,
      holder: o.runnerId,
      membership,
      repository: this.#repo,
      discover: () => streams.tenants(),
    });
    const router = new TenantRouter<ClusterEnvelope>(streams.reader, {
      process: createClusterProcessor({
        fences: this.#fences,
        owns: (e) => ownsEnvelope(this.held, e),
        finished: (e, outcome) => this.#finished(e, outcome),
        stats: this.stats,
        faults: o.faults,
        attemptPrefix: `${o.runnerId}:${this.incarnation}`,
      }),
      capacity,
      overflow: o.overflow ?? "block",
      failureMode: o.failureMode ?? "isolate",
      isolateRollback: "envelope",
      retain: "envelope",
      unknownTenant: "deadLetter",
      ...(o.retry === undefined ? {} : { retry: o.retry }),
    });
    this.router = router;
    this.#handoffs = new Handoffs({
      router,
      streams,
      fences: this.#fences,
      held: this.held,
      runnerId: o.runnerId,
      stopped: () => this.#stop.signal.aborted,
      counters: this.counters,
      log: (line) => this.#log(line),
    });
    const running = router.run();
    const letters = storeDeadLetters(router.deadLetters, {
      fences: this.#fences,
      current: (e) => ownsEnvelope(this.held, e),
      finished: (e, outcome) => this.#finished(e, outcome),
      restart: (e) => {
        this.#handoffs?.want(e.tenantId, undefined);
        this.#handoffs?.want(e.tenantId, e.token);
      },
      counts: this.deadLetterCounts,
    });
    void running.then(async (result) => {
      await letters;
      if (this.#stopping === undefined) {
        this.#log(`router stopped: ${result.isErr ? result.error.toString() : "ok"}; leaving the cluster`);
        this.#exitCode = 1;
        await this.stop().catch(() => undefined);
      }
    });
    const signal = this.#stop.signal;
    this.#loopDelay.enable();
    this.#loops = [
      every(Math.max(50, Math.floor(o.leaseMs / 5)), () => this.#heartbeat(), signal),
      every(Math.max(50, Math.floor(o.leaseMs / 4)), () => this.#coordinate(), signal),
      every(1_000, () => this.#trim(), signal),
      followOwnership(
        this.#repo,
        o.namespace,
        o.runnerId,
        (t, token) => this.#handoffs?.want(t, token),
        signal,
      ),
      running,
      letters,
    ];
    const listening = await sql.listen(membershipChannel(o.schema), () => void this.#coordinate());
    signal.addEventListener("abort", () => void listening.unlisten().catch(() => undefined), { once: true });
  }

  async #heartbeat(): Promise<void> {
    const m = this.#membership as Membership;
    try {
      const sent = performance.now();
      const renewed = await (this.#beating as Membership).heartbeat(this.#o.runnerId, this.incarnation);
      this.heartbeatMaxMs = Math.max(this.heartbeatMaxMs, performance.now() - sent);
      if (renewed) {
        this.counters.heartbeats++;
        this.lastHeartbeat = performance.now();
        return;
      }
      if (this.#stopping !== undefined) return;
      this.incarnation = await m.register(this.#o.runnerId, this.#o.weight ?? 1);
      this.counters.reregistrations++;
      this.lastHeartbeat = performance.now();
      this.#log(`lease had expired; registered again as incarnation ${this.incarnation}`);
    } catch {
      this.counters.heartbeatFailures++;
    }
  }

  #coordinating = false;
  async #coordinate(): Promise<void> {
    if (this.#coordinating || this.coordinator === undefined) return;
    this.#coordinating = true;
    try {
      const r = await this.coordinator.round();
      if (r.outcome === "applied" || r.registered > 0)
        this.#log(
          `coordinator epoch=${r.epoch} live=${r.liveRunners} registered=${r.registered} moves=${r.moves} minimum=${r.minimumMoves}`,
        );
      else if (r.outcome === "failed") this.#log(`coordinator round failed: ${r.error?.toString()}`);
    } finally {
      this.#coordinating = false;
    }
  }

  async #trim(): Promise<void> {
    for (const [t, h] of this.held) {
      if (h.committed === h.trimmed || h.committed === "0-0") continue;
      const at = h.committed;
      await this.#streams?.trim(t, at);
      h.trimmed = at;
    }
  }

  #finished(e: ClusterEnvelope, outcome: string): void {
    this.#streams?.done(e);
    const h = this.held.get(e.tenantId);
    if (outcome === "ok" && h !== undefined && h.token === e.token) h.committed = e.streamId;
  }

  /** The event loop's delay (p99 and max since start, in ms): how long timers and I/O waited for the loop. */
  get eventLoopDelay(): { readonly p99Ms: number; readonly maxMs: number } {
    return { p99Ms: this.#loopDelay.percentile(99) / 1e6, maxMs: this.#loopDelay.max / 1e6 };
  }

  /** Whether the lease was renewed within the last lease period (by this runner's monotonic clock). */
  get healthy(): boolean {
    return this.#stopping === undefined && performance.now() - this.lastHeartbeat < this.#o.leaseMs;
  }

  /** Graceful stop: leave (tenants move away first, bounded by `stopTimeoutMs`), drain, close. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    const m = this.#membership;
    if (m !== undefined) {
      await m.leaving(this.#o.runnerId, this.incarnation).catch(() => undefined);
      const others = await m.live().catch(() => []);
      const deadline = performance.now() + (this.#o.stopTimeoutMs ?? 10_000);
      if (others.some((r) => r.runnerId !== this.#o.runnerId))
        while (this.held.size > 0 && performance.now() < deadline) {
          await this.#coordinate();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
    }
    await this.coordinator?.resign().catch(() => undefined);
    this.#stop.abort();
    await this.#streams?.close();
    await Promise.allSettled(this.#loops);
    await this.#handoffs?.settled();
    if (m !== undefined) await m.leave(this.#o.runnerId, this.incarnation).catch(() => undefined);
    await this.#repo?.close().catch(() => undefined);
    await this.#sql?.end({ timeout: 2 }).catch(() => undefined);
    await this.#beat?.end({ timeout: 2 }).catch(() => undefined);
    this.#loopDelay.disable();
    await this.#data?.end({ timeout: 2 }).catch(() => undefined);
    this.#log("stopped");
    this.#resolveStopped(this.#exitCode);
  }
}
