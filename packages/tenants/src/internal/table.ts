import type { UnknownTenantPolicy } from "../policies.ts";
import type { TenantRouterSnapshot, TenantRouterState } from "../snapshot.ts";
import { tenantIdProblem } from "../tenant-id.ts";
import type { Counters, RouterCore } from "./core.ts";
import { keyInvalidError, unknownTenantError } from "./errors.ts";
import type { Tenant } from "./tenant.ts";

/** The key a failed key lookup routes to (no branch ever has it, so the fan-out calls `unrouted`). @internal */
const INVALID_KEY: unique symbol = Symbol("tenants.invalidKey");
/** A routing key: a tenant id or {@link INVALID_KEY}. @internal */
export type Key = string | typeof INVALID_KEY;

/** A tenant id {@link tenantIdProblem} accepts. @internal */
export const isTenantId = (k: unknown): k is string => tenantIdProblem(k) === undefined;

const zero = (): Counters => ({
  received: 0,
  processed: 0,
  failed: 0,
  deadLettered: 0,
  dropped: 0,
  restarts: 0,
});

/**
 * The router's tenant table: registered tenants (draining ones included), the routing decisions the fan-out
 * delegates (key lookup, unrouted envelopes) and the snapshot. @internal
 */
export class TenantTable<E> {
  readonly tenants: Map<string, Tenant<E>> = new Map<string, Tenant<E>>();
  /** Tenants removed while running, until their worker stopped. */
  readonly removed: Set<Tenant<E>> = new Set<Tenant<E>>();
  /** Dead letters that belong to no registered tenant (unknown, invalid key, draining). */
  readonly outside: Counters = zero();
  unknown = 0;
  invalidKeys = 0;
  rejectedEvents = 0;
  #keyFault: { cause: unknown; key: unknown } | undefined = undefined;

  constructor(
    readonly core: RouterCore<E>,
    readonly keyOf: (envelope: E) => string,
    readonly unknownPolicy: UnknownTenantPolicy,
    readonly add: (tenantId: string) => boolean,
  ) {}

  /** The fan-out's key function: never throws; a bad key becomes {@link INVALID_KEY}. */
  readonly key = (envelope: E): Key => {
    let key: unknown;
    try {
      key = this.keyOf(envelope);
    } catch (cause) {
      this.#keyFault = { cause, key: undefined };
      return INVALID_KEY;
    }
    if (isTenantId(key)) return key;
    this.#keyFault = { cause: undefined, key };
    return INVALID_KEY;
  };

  /** The fan-out's `onUnrouted`: an invalid key, a draining tenant or an unknown one. Never throws. */
  readonly unrouted = (envelope: E, key: Key): void => {
    const core = this.core;
    if (key === INVALID_KEY) {
      this.invalidKeys++;
      const fault = this.#keyFault;
      core.deadLetter(this.outside, undefined, envelope, keyInvalidError(fault?.cause, fault?.key));
      return;
    }
    const draining = this.tenants.get(key);
    if (draining !== undefined) {
      core.deadLetter(this.outside, key, envelope, draining.removedError);
      return;
    }
    if (this.unknownPolicy === "createOnFirstSight" && this.add(key)) {
      if ((this.tenants.get(key) as Tenant<E>).tryWrite(envelope)) return;
    }
    this.unknown++;
    core.deadLetter(this.outside, key, envelope, unknownTenantError(key));
  };

  /** A worker stopped: a removed tenant leaves the table (its counters go to the totals). */
  stopped(tenant: Tenant<E>): void {
    if (this.removed.delete(tenant)) {
      if (this.tenants.get(tenant.id) === tenant) this.tenants.delete(tenant.id);
      this.core.retire(tenant);
    }
    for (const resolve of tenant.stopWaiters.splice(0)) resolve();
  }

  /** Resolves once `tenant`'s worker stopped. */
  whenStopped(tenant: Tenant<E>): Promise<void> {
    return new Promise<void>((resolve) => tenant.stopWaiters.push(resolve));
  }

  snapshot(state: TenantRouterState): TenantRouterSnapshot {
    const totals = { ...this.core.retired };
    const add = (c: Counters): void => {
      totals.received += c.received;
      totals.processed += c.processed;
      totals.failed += c.failed;
      totals.deadLettered += c.deadLettered;
      totals.dropped += c.dropped;
      totals.restarts += c.restarts;
    };
    add(this.outside);
    const tenants = [...this.tenants.values()].map((t) => {
      add(t);
      return t.snapshot();
    });
    return {
      state,
      tenants,
      totals,
      unknown: this.unknown,
      invalidKeys: this.invalidKeys,
      rejectedEvents: this.rejectedEvents,
    };
  }
}
