import {
  Channel,
  type ChannelReader,
  isChannelReader,
  type KeyedFanOut,
  keyedFanOut,
  TimeProvider,
} from "@pipe/channels";
import { ResultPipelineStepContext, runCompensation, WaitGroup } from "@pipe/pipeline";
import { err, ok, PipeError, type Result } from "@pipe/result";
import "./codes.ts";
import type { DeadLetter } from "./dead-letter.ts";
import { type RouterCore, routerCoreOf } from "./internal/core.ts";
import { DeadLetterSink } from "./internal/dead-letter-sink.ts";
import { closedError, duplicateError, notFoundError } from "./internal/errors.ts";
import { runOutcome } from "./internal/outcome.ts";
import { applyRegistryEvent, consumeRegistry } from "./internal/registry-loop.ts";
import { type Key, TenantTable } from "./internal/table.ts";
import { Tenant } from "./internal/tenant.ts";
import { checkCapacity, checkOverflow, checkUnknownTenant, defaultKeyOf } from "./internal/validate.ts";
import { TenantWorker } from "./internal/worker.ts";
import type { OverflowPolicy } from "./policies.ts";
import type { TenantRouterOptions } from "./router-options.ts";
import type { TenantRouterSnapshot, TenantRouterState } from "./snapshot.ts";
import { tenantIdProblem } from "./tenant-id.ts";
import type { TenantOptions } from "./tenant-options.ts";

const OK: Result<void> = ok();
/**
 * Routes one ingress stream to per-tenant branches, each with its own bounded buffer, worker, step context
 * and compensation scope, while tenants come and go (seed 002, done right).
 *
 * When to use: a shared stream of envelopes (gateway events, queue messages) that must be processed per
 * tenant, independently: one tenant's backlog, slowness or failure must not stall or corrupt another's.
 * `ResultPipelineChannels.fanOut` broadcasts instead (every branch sees every value).
 *
 * Details:
 * - Routing: `keyOf(envelope)` (default `envelope.tenantId`) picks exactly one tenant; envelopes reach each
 *   tenant in ingress order and are processed one at a time per tenant, tenants concurrently. Unknown keys
 *   follow `unknownTenant`; an invalid key (a throw, a blank or non-string id) is dead-lettered.
 * - Registry: `tenants` (static), `registry` (async add/remove events) and `add`/`remove` at any time.
 *   Adding starts a branch and a worker (`WaitGroup.go(runContext, ..., { stepName: "tenant[<id>]" })`);
 *   removing stops routing, lets the worker process what the tenant accepted, then stops it.
 * - Overflow per tenant (`overflow`, `tenantOptions`): `block`, `deadLetter` or `dropOldest`.
 * - Failures: `isolate` (rollback, restart with back-off on the TimeProvider, park past the retry budget) or
 *   `failFast` (abort all, replay every tenant's compensations newest first in the run scope).
 * - Compensations: each tenant context is a child of the run context, itself a child of `context`. When the
 *   run ends, what was not replayed moves into `context.compensationScope` (so a later stage can still roll
 *   back completed work, as in seed 002), in one global registration order.
 *
 * Error codes (`run`): ok; `error.canceled` for an abort alone; else an `error.aggregate` whose children are
 * `tenants.parked` (one per parked tenant), the fail-fast failure, `error.compensation` failures, the ingress
 * fault, `tenants.registry.failed`, `tenants.dead_letter.failed` (each tenant failure with `tenantId` in its
 * metadata) plus the canceled error when the run was also aborted. `add` returns `tenants.duplicate` or
 * `tenants.closed`; `remove` returns `tenants.not_found`. Dead letters carry the codes of `TenantErrorCodes`.
 *
 * Abort (`signal` or `context.signal`): routing stops (envelopes still in the ingress stay there), every
 * worker's signal aborts, envelopes accepted but not processed are dead-lettered with `tenants.shutdown`, the
 * compensations of unfinished work run once, completed work's compensations move to `context`, and `run`
 * resolves. An already-aborted signal makes `run` resolve to `error.canceled` without routing anything.
 *
 * Gotchas: the ingress must be a `@pipe/channels` reader (`TypeError` otherwise). A tenant's compensations
 * accumulate for the whole run (clear or run `context.compensationScope` yourself). Under `block`, a tenant
 * that waits out a back-off holds up the ingress. The owned dead-letter channel is unbounded: read it.
 * With `createOnFirstSight`, a removed tenant comes back on its next envelope once its drain is over.
 * A router runs once.
 *
 * @example
 * ```ts
 * import { Channel, ok } from "@pipe/pipeline";
 * import { TenantRouter } from "@pipe/tenants";
 * const ingress = Channel.createBounded<{ tenantId: string; n: number }>(64);
 * const seen: string[] = [];
 * const router = new TenantRouter(ingress.reader, {
 *   tenants: ["acme", "globex"],
 *   process: (_ctx, tenantId, envelope) => { seen.push(`${tenantId}:${envelope.n}`); return ok(); },
 * });
 * const done = router.run();
 * await ingress.writer.write({ tenantId: "acme", n: 1 });
 * await ingress.writer.write({ tenantId: "globex", n: 2 });
 * ingress.writer.complete();
 * console.log((await done).isOk, seen); // true [ "acme:1", "globex:2" ]
 * ```
 */
export class TenantRouter<E> {
  readonly #ingress: ChannelReader<E>;
  readonly #options: TenantRouterOptions<E>;
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  readonly #core: RouterCore<E>;
  readonly #table: TenantTable<E>;
  readonly #deadLetters: Channel<DeadLetter<E>>;
  readonly #ownsDeadLetters: boolean;
  readonly #context: ResultPipelineStepContext;
  #state: TenantRouterState = "idle";
  #fanOut: KeyedFanOut<E, Key> | undefined = undefined;
  #group: WaitGroup | undefined = undefined;
  #runContext: ResultPipelineStepContext | undefined = undefined;
  #runController: AbortController | undefined = undefined;

  /**
   * Creates a router over `ingress` (nothing runs until {@link TenantRouter.run}).
   * @throws TypeError when `process` is not a function, a policy is unknown or `ingress` is not a
   * `@pipe/channels` reader; RangeError for a bad capacity.
   */
  constructor(ingress: ChannelReader<E>, options: TenantRouterOptions<E>) {
    if (typeof options?.process !== "function")
      throw new TypeError("TenantRouter: process must be a function.");
    if (!isChannelReader(ingress))
      throw new TypeError("TenantRouter: ingress must be a reader from @pipe/channels.");
    this.#ingress = ingress;
    this.#options = options;
    this.#capacity = checkCapacity(options.capacity ?? 1_000, "TenantRouter");
    this.#overflow = checkOverflow(options.overflow ?? "block", "TenantRouter");
    const unknown = checkUnknownTenant(options.unknownTenant);
    const timeProvider = options.timeProvider ?? options.context?.timeProvider ?? TimeProvider.system;
    this.#context =
      options.context ?? new ResultPipelineStepContext({ stepName: "ingress.tenants", timeProvider });
    this.#ownsDeadLetters = options.deadLetters === undefined;
    this.#deadLetters = options.deadLetters ?? Channel.createUnbounded<DeadLetter<E>>();
    const core = routerCoreOf<E>(options, {
      timeProvider,
      sink: new DeadLetterSink<E>(this.#deadLetters.writer),
      abortRun: (reason) => this.#runController?.abort(reason),
      stopped: (t) => this.#table.stopped(t as Tenant<E>),
    });
    this.#core = core;
    const keyOf = options.keyOf ?? (defaultKeyOf as (envelope: E) => string);
    this.#table = new TenantTable<E>(core, keyOf, unknown, (id) => this.add(id).isOk);
    for (const id of options.tenants ?? []) this.add(id);
  }

  /** The dead-letter channel's reader (completed when `run` ends, if the router owns it). */
  get deadLetters(): ChannelReader<DeadLetter<E>> {
    return this.#deadLetters.reader;
  }

  /** The root context: after `run`, the compensations that were not replayed are in its scope. */
  get context(): ResultPipelineStepContext {
    return this.#context;
  }

  /** `"idle"`, `"running"`, `"stopping"` or `"stopped"`. */
  get state(): TenantRouterState {
    return this.#state;
  }

  /** Whether `tenantId` is registered (draining tenants included). */
  has(tenantId: string): boolean {
    return this.#table.tenants.has(tenantId);
  }

  /**
   * Registers a tenant; while running, starts its branch and worker at once.
   * Error codes: `tenants.duplicate` (already registered, or still draining), `tenants.closed` (the run ended
   * or is ending). @throws TypeError for an id {@link tenantIdProblem} rejects; RangeError for a bad capacity.
   */
  add(tenantId: string, options?: TenantOptions): Result<void> {
    const problem = tenantIdProblem(tenantId);
    if (problem !== undefined)
      throw new TypeError(`TenantRouter.add: tenantId: ${problem} (see tenantIdProblem).`);
    if (this.#state === "stopping" || this.#state === "stopped" || this.#runContext?.signal.aborted === true)
      return err<void>(closedError());
    const table = this.#table;
    const existing = table.tenants.get(tenantId);
    if (existing !== undefined) return err<void>(duplicateError(tenantId, table.removed.has(existing)));
    const own = { ...this.#options.tenantOptions?.(tenantId), ...options };
    const tenant = new Tenant<E>(
      tenantId,
      checkCapacity(own.capacity ?? this.#capacity, "TenantRouter.add"),
      checkOverflow(own.overflow ?? this.#overflow, "TenantRouter.add"),
      this.#core,
    );
    table.tenants.set(tenantId, tenant);
    if (this.#state === "running") this.#start(tenant);
    return OK;
  }

  /**
   * Removes a tenant: stops routing to it, lets its worker process what it accepted, then stops it. Resolves
   * once the worker stopped (at once before `run`). Error code: `tenants.not_found`. Never rejects.
   */
  remove(tenantId: string): Promise<Result<void>> {
    const table = this.#table;
    const tenant = table.tenants.get(tenantId);
    if (tenant === undefined) return Promise.resolve(err<void>(notFoundError(tenantId)));
    if (this.#state === "idle" || tenant.state === "stopped") {
      table.tenants.delete(tenantId);
      if (tenant.state === "stopped") this.#core.retire(tenant);
      return Promise.resolve(OK);
    }
    if (!table.removed.has(tenant)) {
      table.removed.add(tenant);
      this.#fanOut?.removeBranch(tenantId);
      if (tenant.state !== "parked") tenant.state = "removing";
      tenant.requestClose();
    }
    return table.whenStopped(tenant).then(() => OK);
  }

  /** Counters and state of every registered tenant, plus router totals (see {@link TenantRouterSnapshot}). */
  snapshot(): TenantRouterSnapshot {
    return this.#table.snapshot(this.#state);
  }

  /**
   * Runs the router until the ingress completes (then every tenant drains) or the signal aborts; resolves to
   * one Result (see the class notes). Never rejects. A second call resolves to `tenants.closed`.
   */
  run(): Promise<Result<void>> {
    if (this.#state !== "idle") return Promise.resolve(err<void>(closedError()));
    const outer = this.#options.signal;
    const aborted = this.#context.signal.aborted ? this.#context.signal : outer?.aborted ? outer : undefined;
    if (aborted !== undefined) {
      this.#state = "stopped";
      if (this.#ownsDeadLetters) this.#deadLetters.writer.tryComplete();
      return Promise.resolve(err<void>(PipeError.canceled(undefined, aborted.reason)));
    }
    this.#state = "running";
    return this.#run(outer);
  }

  async #run(outer: AbortSignal | undefined): Promise<Result<void>> {
    const core = this.#core;
    const table = this.#table;
    const controller = new AbortController();
    this.#runController = controller;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    const runContext = this.#context.child(`${this.#context.stepName}.run`, { signal: controller.signal });
    this.#runContext = runContext;
    const group = new WaitGroup();
    this.#group = group;
    const fanOut = keyedFanOut<E, Key>(this.#ingress, table.key, {
      onUnrouted: table.unrouted,
      completeBranches: false,
      signal: runContext.signal,
      timeProvider: core.timeProvider,
    });
    this.#fanOut = fanOut;
    for (const tenant of table.tenants.values()) this.#start(tenant);
    const registryStop = new AbortController();
    const source = this.#options.registry;
    const registry =
      source === undefined
        ? Promise.resolve(undefined)
        : consumeRegistry(
            source,
            (event) => applyRegistryEvent(this, table, event),
            AbortSignal.any([registryStop.signal, runContext.signal]),
          );
    const routed = await fanOut.done;
    this.#state = "stopping";
    registryStop.abort();
    const registryFailure = await registry;
    for (const tenant of table.tenants.values()) tenant.requestClose();
    await group.wait();
    const failures = [...core.failures];
    if (core.failFastError !== undefined) {
      const failure = await runCompensation(core.compensation, runContext.compensationScope);
      if (failure !== undefined) failures.push(failure.withMetadata("stage", "failFast.compensation"));
    }
    const canceled =
      core.failFastError === undefined && runContext.signal.aborted
        ? PipeError.canceled(undefined, runContext.signal.reason)
        : undefined;
    runContext.end();
    outer?.removeEventListener("abort", onOuterAbort);
    if (routed.isErr && routed.error.code !== "error.canceled")
      failures.push(routed.error.withMetadata("stage", "ingress"));
    if (registryFailure !== undefined) failures.push(registryFailure);
    await core.sink.flushed();
    failures.push(...core.sink.failures);
    if (this.#ownsDeadLetters) this.#deadLetters.writer.tryComplete();
    this.#state = "stopped";
    return runOutcome(failures, canceled);
  }

  #start(tenant: Tenant<E>): void {
    (this.#fanOut as KeyedFanOut<E, Key>).addBranch(tenant.id, tenant);
    (this.#group as WaitGroup).go(
      this.#runContext as ResultPipelineStepContext,
      (context, signal) => new TenantWorker(tenant, context, signal).run(),
      // The worker lives as long as the tenant: its envelopes' spans stay roots of their own traces.
      { stepName: `tenant[${tenant.id}]`, traced: false },
    );
  }
}
