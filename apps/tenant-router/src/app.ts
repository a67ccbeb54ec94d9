import type { ResultRetryPolicy, TimeProvider } from "@pipe/pipeline";
import {
  type FailureMode,
  type IsolateRollback,
  type OverflowPolicy,
  type TenantOptions,
  TenantRouter,
  type TenantRouterOptions,
  type UnknownTenantPolicy,
} from "@pipe/tenants";
import { drainDeadLetters } from "./dead-letters.ts";
import type { Envelope } from "./envelope.ts";
import type { TenantFault } from "./faults.ts";
import type { Ingress } from "./ingress.ts";
import { createProcessor } from "./processor.ts";
import { AppStats } from "./stats.ts";
import type { LedgerStore } from "./store.ts";
import { buildSummary, type RunSummary } from "./summary.ts";
import { envelopeTenantKey, tenantIdProblem } from "./tenant-id.ts";

/** Options of {@link TenantRouterApp}: the store, the ingress, and the `@pipe/tenants` router settings. */
export interface TenantRouterAppOptions {
  readonly store: LedgerStore;
  readonly ingress: Ingress;
  /** Tenants registered from the start (more can be added through the admin API). */
  readonly tenants?: readonly string[] | undefined;
  /** Per-tenant branch settings (capacity, overflow). */
  readonly tenantOptions?: ((tenantId: string) => TenantOptions | undefined) | undefined;
  /** Injected behaviour per tenant (demo, tests). */
  readonly faults?: ReadonlyMap<string, TenantFault> | undefined;
  /** Branch capacity per tenant (default 1,000). */
  readonly capacity?: number | undefined;
  /** Default overflow policy (default `block`). */
  readonly overflow?: OverflowPolicy | undefined;
  /** Unknown tenants: `deadLetter` (default) or `createOnFirstSight`. */
  readonly unknownTenant?: UnknownTenantPolicy | undefined;
  /** `isolate` (default) or `failFast`. */
  readonly failureMode?: FailureMode | undefined;
  /** What an isolate failure rolls back: the tenant's whole ledger (`tenant`, default, seed 002) or the envelope. */
  readonly isolateRollback?: IsolateRollback | undefined;
  /** Restart budget and back-off of a failing tenant (default: the router's, 4 restarts from 100 ms). */
  readonly retry?: ResultRetryPolicy | undefined;
  /** Clock of the back-offs (tests pass a `VirtualTimeProvider`). */
  readonly timeProvider?: TimeProvider | undefined;
  /** Stops the run: routing stops, accepted envelopes are dead-lettered (`tenants.shutdown`), `run` resolves. */
  readonly signal?: AbortSignal | undefined;
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * The tenant router app: one ingress, a `@pipe/tenants` router whose processor appends to the tenant's ledger
 * (with a rollback compensation) and publishes to the outbox, and a consumer storing dead letters.
 *
 * When to use: embed it (tests, your own server) or run it through the CLI (`main.ts`), which adds the admin
 * HTTP API, `/metrics`, the live view and the demo.
 *
 * Details: an envelope whose `tenantId` the admin API would refuse (blank, over 200 characters, padded with
 * white space, holding control, invisible or bidi format characters, line/paragraph separators or lone
 * surrogates) is dead-lettered with `tenants.key.invalid`: it
 * never makes a tenant (`createOnFirstSight`), counters or a `/metrics` series. `run()` resolves when the ingress completes and every tenant drained, or the signal aborted. Under
 * `isolate` a failing tenant's compensations already ran when it failed; the rollbacks of completed work that
 * the router hands back in its root scope are then cleared (the ledger is the durable record). Under
 * `failFast` the router replays every tenant's compensations itself.
 *
 * @example
 * ```ts
 * import { createMemoryIngress, generateEnvelopes, openStore, TenantRouterApp } from "@pipe/app-tenant-router";
 * const store = await openStore();
 * const ingress = createMemoryIngress({ envelopes: generateEnvelopes({ tenants: ["a", "b"], count: 100, runId: "r" }) });
 * const summary = await new TenantRouterApp({ store, ingress, tenants: ["a", "b"] }).run();
 * console.log(summary.totals.processed); // 100
 * ```
 */
export class TenantRouterApp {
  readonly router: TenantRouter<Envelope>;
  readonly stats: AppStats = new AppStats();
  readonly store: LedgerStore;
  readonly ingress: Ingress;
  #running: Promise<RunSummary> | undefined;

  /**
   * @throws RangeError when a tenant in `options.tenants` is not a usable id (blank, over 200 characters,
   * padded with white space, holding control, invisible or bidi format characters, line/paragraph separators
   * or lone surrogates).
   */
  constructor(options: TenantRouterAppOptions) {
    for (const id of options.tenants ?? []) {
      const problem = tenantIdProblem(id);
      if (problem !== undefined) throw new RangeError(`TenantRouterApp: ${JSON.stringify(id)}: ${problem}`);
    }
    this.store = options.store;
    this.ingress = options.ingress;
    const process = createProcessor({
      store: options.store,
      ingress: options.ingress,
      stats: this.stats,
      faults: options.faults,
    });
    this.router = new TenantRouter<Envelope>(
      options.ingress.reader,
      defined({
        process,
        keyOf: envelopeTenantKey,
        tenants: options.tenants,
        tenantOptions: options.tenantOptions,
        capacity: options.capacity,
        overflow: options.overflow,
        unknownTenant: options.unknownTenant,
        failureMode: options.failureMode,
        isolateRollback: options.isolateRollback,
        retry: options.retry,
        timeProvider: options.timeProvider,
        signal: options.signal,
      }) as TenantRouterOptions<Envelope>,
    );
  }

  /** Runs until the ingress completes or the signal aborts; resolves to the summary. Runs once. */
  run(): Promise<RunSummary> {
    this.#running ??= this.#run();
    return this.#running;
  }

  async #run(): Promise<RunSummary> {
    const started = performance.now();
    const letters = drainDeadLetters(this.router.deadLetters, this.store, this.ingress, this.stats);
    const running = this.router.run();
    this.ingress.start?.();
    const result = await running;
    await letters;
    const elapsed = performance.now() - started;
    this.router.context.compensationScope.clear();
    const counts = await this.store.counts().catch(() => []);
    return buildSummary({
      result,
      elapsedMs: elapsed,
      snapshot: this.router.snapshot(),
      stats: this.stats,
      ingress: this.ingress,
      store: this.store,
      counts,
    });
  }
}
