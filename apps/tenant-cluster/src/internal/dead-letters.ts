import type { ChannelReader } from "@pipe/pipeline";
import { type DeadLetter, TenantErrorCodes } from "@pipe/tenants";
import type { TenantFences } from "../fences.ts";
import type { ClusterEnvelope } from "../stream-ingress.ts";

/** What the dead-letter consumer needs from its runner. @internal */
export interface DeadLetterDeps {
  readonly fences: TenantFences;
  /** Whether the envelope's ownership is still the runner's. */
  readonly current: (e: ClusterEnvelope) => boolean;
  readonly finished: (e: ClusterEnvelope, outcome: "ok" | "abandoned") => void;
  /** The store refused or failed: the tenant must resume from its committed position (nothing skipped). */
  readonly restart: (e: ClusterEnvelope) => void;
  readonly counts: { stored: number; stale: number; abandoned: number };
}

/**
 * Stores the router's dead letters, fenced, each advancing its tenant's position like an effect. Envelopes
 * dead-lettered because the run or the ownership ended (`tenants.shutdown`, `tenants.unknown`, an old token)
 * are not stored: the tenant's owner reads them again from the committed position. When a dead letter cannot
 * be stored, the tenant restarts from its committed position, so a later commit never skips it. @internal
 */
export async function storeDeadLetters(
  letters: ChannelReader<DeadLetter<ClusterEnvelope>>,
  deps: DeadLetterDeps,
): Promise<void> {
  for await (const d of letters) {
    const e = d.envelope;
    if (e === undefined) continue;
    const code = d.error.code ?? "error.unspecified";
    if (code === TenantErrorCodes.shutdown || code === TenantErrorCodes.unknown || !deps.current(e)) {
      deps.counts.abandoned++;
      deps.finished(e, "abandoned");
      continue;
    }
    const outcome = await deps.fences
      .deadLetter({ ...e }, code, d.error.toJSON())
      .catch(() => "failed" as const);
    if (outcome === "ok") deps.counts.stored++;
    else if (outcome === "stale") deps.counts.stale++;
    deps.finished(e, outcome === "ok" ? "ok" : "abandoned");
    if (outcome === "failed") deps.restart(e);
  }
}
