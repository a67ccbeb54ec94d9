import { type TenantRouter, tenantIdProblem } from "@pipe/tenants";
import type { TenantFences } from "../fences.ts";
import type { ClusterEnvelope, TenantStreams } from "../stream-ingress.ts";

/**
 * A tenant this runner works: its token, the acquisition its envelopes carry, and the last committed and
 * trimmed stream positions. @internal
 */
export interface Held {
  readonly token: number;
  readonly acquisition: number;
  committed: string;
  trimmed: string;
}

/**
 * Whether an envelope belongs to the runner's current acquisition of its tenant: same token AND same
 * acquisition (a tenant restarted under the same token must not write what was read before the restart,
 * which its new reads deliver again from the committed position). @internal
 */
export function ownsEnvelope(held: ReadonlyMap<string, Held>, e: ClusterEnvelope): boolean {
  const h = held.get(e.tenantId);
  return h !== undefined && h.token === e.token && h.acquisition === e.acquisition;
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
  /** First wait before a failed transition is tried again, in ms (doubles up to 16x; default 100). */
  readonly retryMs?: number | undefined;
}

/**
 * A runner's tenant transitions, serialised per tenant. Releasing stops reading the tenant's stream, forgets
 * its token (so the processor drops what is buffered unwritten) and removes it from the router. Acquiring
 * raises the fence to the new token and reads the stream after the committed position; a fence already at
 * that token and held by this runner (a restart of the tenant) resumes from the committed position too.
 * A transition that fails (the store unreachable) is tried again with back-off for as long as it is still
 * the tenant's wanted state, so a passing outage never leaves an owned tenant unworked. @internal
 */
export class Handoffs {
  readonly #chains = new Map<string, Promise<void>>();
  /** The latest requested state per tenant, and how many times in a row it failed. */
  readonly #wanted = new Map<string, { readonly token: number | undefined; failures: number }>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly deps: HandoffDeps) {}

  /** Requests the tenant's state: owned with `token`, or not owned (undefined). */
  want(tenantId: string, token: number | undefined): void {
    const wanted = { token, failures: 0 };
    this.#wanted.set(tenantId, wanted);
    this.#chain(tenantId, wanted);
  }

  #chain(tenantId: string, wanted: { readonly token: number | undefined; failures: number }): void {
    const previous = this.#chains.get(tenantId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(tenantId, wanted.token))
      .catch((e) => {
        this.deps.log(`tenant ${tenantId}: ${String(e)}`);
        this.#retry(tenantId, wanted);
      });
    this.#chains.set(tenantId, next);
  }

  #retry(tenantId: string, wanted: { readonly token: number | undefined; failures: number }): void {
    if (this.deps.stopped() || this.#wanted.get(tenantId) !== wanted) return;
    const ms = (this.deps.retryMs ?? 100) * 2 ** Math.min(4, wanted.failures++);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.deps.stopped() && this.#wanted.get(tenantId) === wanted) this.#chain(tenantId, wanted);
    }, ms);
    this.#timers.add(timer);
  }

  /** Resolves when every requested transition finished; pending retries are dropped (call after stopping). */
  async settled(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
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
    const problem = tenantIdProblem(tenantId);
    if (problem !== undefined) {
      // The router refuses it (TypeError): acquiring, or retrying, can never work. No fence is raised.
      log(`not acquiring ${printable(tenantId)}: not a tenant id (${problem})`);
      return;
    }
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
    const added = router.add(tenantId);
    if (added.isErr) throw new Error(`router refused ${tenantId}: ${added.error.toString()}`);
    const acquisition = streams.open(tenantId, token, position);
    held.set(tenantId, { token, acquisition, committed: position, trimmed: position });
    this.deps.counters.acquired++;
    log(`acquired ${tenantId} (token ${token}) after ${position}`);
  }
}

/** `text` with control, format and separator characters shown as `\u{...}` escapes, for a log line. */
const printable = (text: string): string =>
  text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
