import type { Channel, TimeProvider } from "@pipe/channels";
import type { ResultCompensationPolicy, ResultPipelineStepContext, ResultRetryPolicy } from "@pipe/pipeline";
import type { DeadLetter, DroppedEnvelope } from "./dead-letter.ts";
import type { FailureMode, IsolateRollback, OverflowPolicy, UnknownTenantPolicy } from "./policies.ts";
import type { TenantProcessor } from "./processor.ts";
import type { TenantRegistryEvent } from "./registry-event.ts";
import type { TenantOptions } from "./tenant-options.ts";

/**
 * Options of `new TenantRouter(ingress, options)`. Only `process` is required.
 *
 * Details (defaults): `keyOf` reads `envelope.tenantId`; `capacity` 1,000 per tenant (seed 002);
 * `overflow` `"block"`; `unknownTenant` `"deadLetter"`; `failureMode` `"isolate"`; `retry`
 * `ResultRetryPolicy.exponential(5, 100, 2, 10_000)` (so four restarts, then park); `compensation`
 * `sequentialReverse`; `isolateRollback` `"tenant"`; `context` a new `ingress.tenants` context with its own
 * scope, `timeProvider` (default `TimeProvider.system`) and `signal`.
 *
 * Gotchas: `capacity` must be an integer >= 1 (`RangeError`, thrown by the constructor or `add`).
 *
 * @example
 * ```ts
 * import { ok, VirtualTimeProvider } from "@pipe/pipeline";
 * import type { TenantRouterOptions } from "@pipe/tenants";
 * const options: TenantRouterOptions<{ tenantId: string }> = {
 *   process: () => ok(),
 *   tenants: ["acme", "globex"],
 *   overflow: "deadLetter",
 *   timeProvider: new VirtualTimeProvider(),
 * };
 * ```
 */
export interface TenantRouterOptions<E> {
  /** Processes one envelope of one tenant. */
  readonly process: TenantProcessor<E>;
  /**
   * Picks the tenant id of an envelope (default: `envelope.tenantId`). Must return an id `tenantIdProblem`
   * accepts; anything else dead-letters the envelope with `tenants.key.invalid`.
   */
  readonly keyOf?: (envelope: E) => string;
  /** Tenants registered from the start. */
  readonly tenants?: Iterable<string>;
  /** An asynchronous source of add/remove events, consumed while the router runs. */
  readonly registry?: AsyncIterable<TenantRegistryEvent>;
  /** Per-tenant branch settings (called once per tenant when it is added). */
  readonly tenantOptions?: (tenantId: string) => TenantOptions | undefined;
  /** Default branch capacity (integer >= 1; default 1,000). */
  readonly capacity?: number;
  /** Default overflow policy (default `"block"`). */
  readonly overflow?: OverflowPolicy;
  /** What to do with envelopes of unknown tenants (default `"deadLetter"`). */
  readonly unknownTenant?: UnknownTenantPolicy;
  /** `"isolate"` (default) or `"failFast"`. */
  readonly failureMode?: FailureMode;
  /** Restart budget and back-off of a failing tenant under `isolate`. */
  readonly retry?: ResultRetryPolicy;
  /** How compensations are replayed (default `sequentialReverse`). */
  readonly compensation?: ResultCompensationPolicy;
  /** What an isolate failure rolls back (default `"tenant"`). */
  readonly isolateRollback?: IsolateRollback;
  /**
   * How long an envelope's compensations are kept once it was processed successfully:
   * `"run"` (default, seed 002) keeps them until the run ends, so a later failure (`failFast`, or an `isolate`
   * failure with `isolateRollback: "tenant"`) can roll back completed work too; `"envelope"` releases them as
   * soon as the envelope succeeds, so an endless ingress holds flat memory, and a failure rolls back only the
   * work that did not complete. Use `"envelope"` when a processed envelope is durably committed.
   */
  readonly retain?: "run" | "envelope";
  /** Where dead letters go (default: an unbounded channel owned by the router, completed when `run` ends). */
  readonly deadLetters?: Channel<DeadLetter<E>>;
  /** Called synchronously with each envelope a `dropOldest` branch evicts. Must not throw. */
  readonly onDrop?: (dropped: DroppedEnvelope<E>) => void;
  /** The root context; the run context (and through it every tenant context) is its child. */
  readonly context?: ResultPipelineStepContext;
  /** Aborts the run (linked with `context.signal`). */
  readonly signal?: AbortSignal;
  /** Clock for back-offs (default: `context.timeProvider`, else `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
}
