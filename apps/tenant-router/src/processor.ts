import { PipeError, Result } from "@pipe/pipeline";
import type { TenantProcessor } from "@pipe/tenants";
import type { Envelope } from "./envelope.ts";
import type { TenantFault } from "./faults.ts";
import type { Ingress } from "./ingress.ts";
import type { AppStats } from "./stats.ts";
import { type LedgerStore, unstorableEnvelope } from "./store.ts";

/** The dead-letter code of an envelope the store cannot hold (U+0000 or a lone surrogate in an id or the payload). */
export const INVALID_ENVELOPE_CODE = "tenant-router.invalid-envelope";

/** What the processor needs. */
export interface ProcessorDeps {
  readonly store: LedgerStore;
  readonly ingress: Ingress;
  readonly stats: AppStats;
  /** Injected behaviour per tenant (demo, tests). */
  readonly faults?: ReadonlyMap<string, TenantFault> | undefined;
}

interface RevertState {
  readonly deps: ProcessorDeps;
  readonly tenantId: string;
  readonly messageId: string;
}

/** The rollback compensation: delete the ledger row and publish a `reverted` outbox event (idempotent). */
async function revert(state: RevertState): Promise<void> {
  if (await state.deps.store.revert(state.tenantId, state.messageId))
    state.deps.stats.tenant(state.tenantId).reverted++;
}

/**
 * Builds the tenant processor (seed 002's `ProcessTenantMessageAsync`): register the rollback, append to the
 * tenant's ledger and publish the outbox event in one transaction, then acknowledge the envelope.
 *
 * Details: the compensation is registered BEFORE the append (as in the seed), so an append that committed but
 * whose reply was lost is still undone; `revert` only acts on a row that exists. The ingress acknowledgement
 * comes last: a failure before it leaves the envelope unacknowledged (retried after the restart, or
 * dead-lettered and then acknowledged). The router's `signal` is handed to the injected faults only, not to
 * `Result.tryAsync`: a database call in flight is awaited rather than abandoned, so a rollback never races the
 * append it undoes. An envelope the store cannot hold ({@link INVALID_ENVELOPE_CODE}) is bad input, not a
 * tenant failure: it is stored as a dead letter (escaped) and acknowledged, and the tenant carries on.
 *
 * @example
 * ```ts
 * import { AppStats, createMemoryIngress, createProcessor, openStore } from "@pipe/app-tenant-router";
 * const store = await openStore();
 * const process = createProcessor({ store, ingress: createMemoryIngress({ envelopes: [] }), stats: new AppStats() });
 * ```
 */
export function createProcessor(deps: ProcessorDeps): TenantProcessor<Envelope> {
  const { store, ingress, stats, faults } = deps;
  return (context, tenantId, envelope, signal) =>
    Result.tryAsync(async () => {
      const fault = faults?.get(tenantId);
      if (fault?.before !== undefined) await fault.before(envelope, signal);
      const problem = unstorableEnvelope(envelope);
      if (problem !== undefined) {
        const error = PipeError.from(`The envelope cannot be stored: ${problem}.`, INVALID_ENVELOPE_CODE);
        const messageId = envelope.messageId;
        await store.deadLetter([
          {
            tenantId,
            messageId,
            code: INVALID_ENVELOPE_CODE,
            error: error.toJSON(),
            payload: envelope.payload,
          },
        ]);
        stats.countDeadLetter(INVALID_ENVELOPE_CODE);
        stats.tenant(tenantId).deadLettersStored++;
        ingress.ack(envelope);
        return;
      }
      context.registerCompensation<RevertState>({ deps, tenantId, messageId: envelope.messageId }, revert);
      const tenant = stats.tenant(tenantId);
      if (await store.append(envelope)) tenant.appended++;
      else tenant.duplicates++;
      if (fault?.after !== undefined) await fault.after(envelope, signal);
      ingress.ack(envelope);
      tenant.processed++;
    });
}
