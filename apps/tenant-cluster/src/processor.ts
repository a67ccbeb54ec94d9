import { Result } from "@pipe/pipeline";
import type { TenantProcessor } from "@pipe/tenants";
import type { TenantFences } from "./fences.ts";
import type { ClusterEnvelope } from "./stream-ingress.ts";

/** Per-runner counters of the processor (exported on /metrics). */
export interface ProcessorStats {
  committed: number;
  duplicates: number;
  /** Writes the fence refused (this runner had lost the tenant). */
  stale: number;
  /** Envelopes of an ownership this runner no longer holds, dropped unwritten (the new owner redoes them). */
  abandoned: number;
  failures: number;
  compensations: number;
}

/**
 * Processor counters, all zero (a runner's starting point).
 *
 * @example
 * ```ts
 * import { zeroProcessorStats } from "@pipe/app-tenant-cluster";
 * console.log(zeroProcessorStats().committed); // 0
 * ```
 */
export const zeroProcessorStats = (): ProcessorStats => ({
  committed: 0,
  duplicates: 0,
  stale: 0,
  abandoned: 0,
  failures: 0,
  compensations: 0,
});

/** Injected behaviour (demo, tests, benchmarks). */
export interface ClusterFaults {
  /** Fail the first attempt, in this process, of every envelope whose payload has `fail: true`. */
  readonly failMarked?: boolean | undefined;
  /** Extra time per envelope, in ms (a slow downstream). */
  readonly delayMs?: number | undefined;
}

/** What the processor needs from its runner. */
export interface ClusterProcessorDeps {
  readonly fences: TenantFences;
  /** Whether the envelope was read under the runner's current acquisition of its tenant (same token, same acquisition). */
  readonly owns: (envelope: ClusterEnvelope) => boolean;
  /** Called after an envelope's work is over (committed, refused, abandoned): releases read-ahead, records positions. */
  readonly finished: (envelope: ClusterEnvelope, outcome: "ok" | "stale" | "duplicate" | "abandoned") => void;
  readonly stats: ProcessorStats;
  readonly faults?: ClusterFaults | undefined;
  /** Unique prefix of attempt ids (runner id and incarnation). */
  readonly attemptPrefix: string;
}

interface CompensationState {
  readonly deps: ClusterProcessorDeps;
  readonly attemptId: string;
  readonly tenantId: string;
  readonly messageId: string;
}

async function compensate(s: CompensationState): Promise<void> {
  await s.deps.fences.compensate(s.attemptId, s.tenantId, s.messageId);
  s.deps.stats.compensations++;
}

const delay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * The tenant processor of a runner (seed 002's `ProcessTenantMessageAsync`, fenced): register the
 * compensation, then commit the effect and the ingress position in one fenced statement.
 *
 * Details: an envelope read under an ownership (or an acquisition of it) the runner no longer holds is abandoned unwritten (counted; the
 * new owner reads it again from the committed position). A write the fence refuses (`stale`) is the same
 * case discovered by the store: counted, never retried. With `failMarked`, the first attempt of a marked
 * envelope writes its partial work (a fenced `failures` row), then fails: the router runs the attempt's
 * compensation (a `compensations` row for that attempt) and retries the envelope under its isolate policy.
 *
 * @example
 * ```ts
 * import { createClusterProcessor } from "@pipe/app-tenant-cluster";
 * // new TenantRouter(streams.reader, { process: createClusterProcessor(deps), retain: "envelope" });
 * ```
 */
export function createClusterProcessor(deps: ClusterProcessorDeps): TenantProcessor<ClusterEnvelope> {
  const { fences, stats, faults, finished } = deps;
  const failedOnce = new Set<string>();
  let attempts = 0;
  return (context, tenantId, envelope, signal) =>
    Result.tryAsync(async () => {
      if (!deps.owns(envelope)) {
        stats.abandoned++;
        finished(envelope, "abandoned");
        return;
      }
      if (faults?.delayMs !== undefined && faults.delayMs > 0) await delay(faults.delayMs, signal);
      const attemptId = `${deps.attemptPrefix}:${++attempts}`;
      const fail =
        faults?.failMarked === true &&
        (envelope.payload as { fail?: unknown } | null)?.fail === true &&
        !failedOnce.has(envelope.messageId);
      if (fail) {
        failedOnce.add(envelope.messageId);
        context.registerCompensation<CompensationState>(
          { deps, attemptId, tenantId, messageId: envelope.messageId },
          compensate,
        );
        const partial = await fences.recordFailure(attemptId, tenantId, envelope.messageId, envelope.token);
        if (partial === "stale") {
          // Nothing was written: the compensation has nothing to undo and is released with the envelope.
          stats.stale++;
          finished(envelope, "stale");
          return;
        }
        stats.failures++;
        throw new Error(`downstream rejected ${envelope.messageId} (injected failure)`);
      }
      const outcome = await fences.commit({
        tenantId,
        messageId: envelope.messageId,
        streamId: envelope.streamId,
        token: envelope.token,
        payload: envelope.payload,
      });
      if (outcome === "ok") stats.committed++;
      else if (outcome === "stale") stats.stale++;
      else stats.duplicates++;
      finished(envelope, outcome);
    });
}
