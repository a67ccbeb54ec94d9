import type { TenantRouter } from "@pipe/tenants";
import type { TenantFences } from "../fences.ts";
import type { ClusterEnvelope, TenantStreams } from "../stream-ingress.ts";

/** A tenant this runner works: its token, and the last committed and trimmed stream positions. @internal */
export interface Held {
  readonly token: number;
  committed: string;
  trimmed: string;
}

/** What handoffs act on. @internal */
export interface HandoffDeps {
  readonly router: TenantRouter<ClusterEnvelope>;
  readonly streams: TenantStreams;
  readonly fences: TenantFences;
  readonly held: Map<string, Held>;
  readonly runnerId: string;
  readonly stopped: () => boolean;
  readonly counters: { acquired: number; released: number };
  readonly log: (line: string) => void;
}

/**
 * A runner's tenant transitions, serialised per tenant. Releasing stops reading the tenant's stream, forgets
 * its token (so the processor drops what is buffered unwritten) and removes it from the router. Acquiring
 * raises the fence to the new token and reads the stream after the committed position; a fence already at
 * that token and held by this runner (a restart of the tenant) resumes from the committed position too. @internal
 */
export class Handoffs {
  readonly #chains = new Map<string, Promise<void>>();

  constructor(readonly deps: HandoffDeps) {}

  /** Requests the tenant's state: owned with `token`, or not owned (undefined). */
  want(tenantId: string, token: number | undefined): void {
    const previous = this.#chains.get(tenantId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(tenantId, token))
      .catch((e) => this.deps.log(`tenant ${tenantId}: ${String(e)}`));
    this.#chains.set(tenantId, next);
  }

  /** Resolves when every requested transition finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#chains.values()]);
  }

  async #reconcile(tenantId: string, token: number | undefined): Promise<void> {
    const { router, streams, fences, held, log } = this.deps;
    const had = held.get(tenantId);
    if (had !== undefined && had.token !== token) {
      held.delete(tenantId);
      streams.stop(tenantId);
      await router.remove(tenantId);
      this.deps.counters.released++;
      log(`released ${tenantId} (token ${had.token})`);
    }
    if (token === undefined || held.has(tenantId) || this.deps.stopped()) return;
    if (router.has(tenantId)) await router.remove(tenantId);
    const raised = await fences.raise(tenantId, token);
    let position: string;
    if (raised.raised) position = raised.position;
    else if (raised.token === token && raised.runnerId === this.deps.runnerId) {
      position = (await fences.read(tenantId))?.position ?? "0-0";
    } else {
      log(`not acquiring ${tenantId}: fence at ${raised.token} >= ${token}`);
      return;
    }
    held.set(tenantId, { token, committed: position, trimmed: position });
    const added = router.add(tenantId);
    if (added.isErr) {
      held.delete(tenantId);
      log(`router refused ${tenantId}: ${added.error.toString()}`);
      return;
    }
    streams.open(tenantId, token, position);
    this.deps.counters.acquired++;
    log(`acquired ${tenantId} (token ${token}) after ${position}`);
  }
}
