import { type ChannelReader, NO_VALUE } from "@pipe/pipeline";
import { type DeadLetter, TenantErrorCodes } from "@pipe/tenants";
import type { Envelope } from "./envelope.ts";
import type { Ingress } from "./ingress.ts";
import type { AppStats } from "./stats.ts";
import type { DeadLetterRow, LedgerStore } from "./store.ts";

const BATCH = 256;

/**
 * Drains the router's dead-letter channel into the `dead_letters` table (batched), then acknowledges each
 * stored envelope. Resolves when the channel completes (the router completes it when `run` ends).
 *
 * Details: `tenants.shutdown` dead letters (accepted but not processed because the run stopped) are NOT stored
 * when the ingress redelivers (Redis): they stay unacknowledged in the pending-entries list and are processed
 * on the next start; they are counted as `leftForRedelivery`. With the in-memory ingress they are stored like
 * any other. A batch the database refuses is counted (`deadLetterStoreFailures`) and not acknowledged.
 * `tenants.unknown` dead letters count per tenant only for a tenant the app already counts (a removed one).
 */
export async function drainDeadLetters(
  letters: ChannelReader<DeadLetter<Envelope>>,
  store: LedgerStore,
  ingress: Ingress,
  stats: AppStats,
): Promise<void> {
  const batch: DeadLetter<Envelope>[] = [];
  const flush = async (): Promise<void> => {
    const rows: DeadLetterRow[] = [];
    const stored: DeadLetter<Envelope>[] = [];
    for (const d of batch) {
      const code = d.error.code ?? "error.unspecified";
      stats.countDeadLetter(code);
      if (code === TenantErrorCodes.shutdown && ingress.redelivers) {
        stats.leftForRedelivery++;
        continue;
      }
      stored.push(d);
      rows.push({
        tenantId: d.tenantId,
        messageId: String(d.envelope?.messageId ?? ""),
        code,
        error: d.error.toJSON(),
        payload: d.envelope?.payload ?? null,
      });
    }
    batch.length = 0;
    try {
      await store.deadLetter(rows);
    } catch {
      stats.deadLetterStoreFailures += rows.length;
      return;
    }
    for (const d of stored) {
      // An unknown tenant's id is outside input: it gets no counters (nor /metrics series) of its own, or every
      // new id would add some for the rest of the run. A removed tenant keeps counting its own.
      const own =
        d.tenantId !== undefined &&
        (d.error.code !== TenantErrorCodes.unknown || stats.tenants.has(d.tenantId));
      if (own) stats.tenant(d.tenantId as string).deadLettersStored++;
      ingress.ack(d.envelope);
    }
  };
  for await (const first of letters) {
    batch.push(first);
    for (let d = letters.tryRead(); d !== NO_VALUE; d = letters.tryRead()) {
      batch.push(d as DeadLetter<Envelope>);
      if (batch.length >= BATCH) break;
    }
    await flush();
  }
}
