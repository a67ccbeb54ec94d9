import type { PipeError, Result } from "@pipe/pipeline";
import { TenantErrorCodes, type TenantRouterSnapshot, type TenantSnapshot } from "@pipe/tenants";
import type { Ingress, IngressStats } from "./ingress.ts";
import type { AppStats } from "./stats.ts";
import type { LedgerStore, TenantTableCounts } from "./store.ts";

/** One tenant in the summary: the router's counters plus the ledger's. */
export interface TenantSummary {
  readonly tenantId: string;
  /** Router state at the end (`removed` when it was removed during the run: its router counters are then
   * gone from the snapshot, so `processed` comes from the app's own count and the others read 0). */
  readonly state: string;
  readonly received: number;
  readonly processed: number;
  readonly failed: number;
  readonly deadLettered: number;
  readonly dropped: number;
  readonly restarts: number;
  readonly appended: number;
  readonly reverted: number;
  readonly duplicates: number;
  /** Rows in the tenant's ledger table now (earlier runs on a persistent store included). */
  readonly ledgerRows: number;
  readonly error?: string | undefined;
}

/** What `run()` resolves to and what `--json` prints. */
export interface RunSummary {
  /** `ok`, or the run's failure (`error.canceled` for a stop; an aggregate of `tenants.parked` ...). */
  readonly outcome: { readonly ok: boolean; readonly code?: string | undefined; readonly message?: string };
  /** True when the run ended cleanly or only with tenants parked by isolation (the app did its job). */
  readonly healthy: boolean;
  readonly ingress: "memory" | "redis";
  readonly store: "pglite" | "postgres";
  readonly elapsedMs: number;
  /** Envelopes processed per second over the run. */
  readonly processedPerSecond: number;
  readonly totals: TenantRouterSnapshot["totals"];
  readonly unknown: number;
  readonly invalidKeys: number;
  readonly deadLettersByCode: Readonly<Record<string, number>>;
  readonly leftForRedelivery: number;
  readonly deadLetterStoreFailures: number;
  readonly ingressStats: IngressStats;
  readonly tenants: readonly TenantSummary[];
}

/**
 * A tenant's state for display: a parked tenant's worker ends as `stopped` when the run ends (the router's
 * snapshot then says `stopped`); its park error says what happened, so it is shown as `parked`.
 */
export const displayState = (t: TenantSnapshot): string =>
  t.state === "stopped" && t.error?.code === TenantErrorCodes.parked ? "parked" : t.state;

const benign = new Set<string>([TenantErrorCodes.parked, "error.canceled"]);

function isHealthy(result: Result<void>): boolean {
  if (result.isOk) return true;
  const e: PipeError = result.error;
  if (e.errors.length === 0) return benign.has(e.code ?? "");
  return e.errors.every((c) => benign.has(c.code ?? ""));
}

/** Builds the run summary from the router snapshot, the app counters and the store's row counts. */
export function buildSummary(input: {
  readonly result: Result<void>;
  readonly elapsedMs: number;
  readonly snapshot: TenantRouterSnapshot;
  readonly stats: AppStats;
  readonly ingress: Ingress;
  readonly store: LedgerStore;
  readonly counts: readonly TenantTableCounts[];
}): RunSummary {
  const { result, snapshot, stats } = input;
  const rows = new Map(input.counts.map((c) => [c.tenantId, c.ledger]));
  const ids = new Set<string>([...snapshot.tenants.map((t) => t.tenantId), ...stats.tenants.keys()]);
  const tenants: TenantSummary[] = [];
  for (const id of [...ids].sort()) {
    const t = snapshot.tenants.find((s) => s.tenantId === id);
    const l = stats.tenant(id);
    tenants.push({
      tenantId: id,
      // A parked tenant's worker ends as "stopped" when the run ends; its park error says what happened.
      state:
        t === undefined
          ? "removed"
          : t.state === "stopped" && t.error?.code === TenantErrorCodes.parked
            ? "parked"
            : t.state,
      received: t?.received ?? 0,
      processed: t?.processed ?? l.processed,
      failed: t?.failed ?? 0,
      deadLettered: t?.deadLettered ?? 0,
      dropped: t?.dropped ?? 0,
      restarts: t?.restarts ?? 0,
      appended: l.appended,
      reverted: l.reverted,
      duplicates: l.duplicates,
      ledgerRows: rows.get(id) ?? 0,
      error: t?.error?.message,
    });
  }
  const seconds = Math.max(input.elapsedMs, 1) / 1000;
  return {
    outcome: result.isOk
      ? { ok: true }
      : { ok: false, code: result.error.code, message: result.error.message },
    healthy: isHealthy(result) && stats.deadLetterStoreFailures === 0,
    ingress: input.ingress.kind,
    store: input.store.kind,
    elapsedMs: Math.round(input.elapsedMs),
    processedPerSecond: Math.round(snapshot.totals.processed / seconds),
    totals: snapshot.totals,
    unknown: snapshot.unknown,
    invalidKeys: snapshot.invalidKeys,
    deadLettersByCode: Object.fromEntries([...stats.deadLettersByCode].sort()),
    leftForRedelivery: stats.leftForRedelivery,
    deadLetterStoreFailures: stats.deadLetterStoreFailures,
    ingressStats: { ...input.ingress.stats },
    tenants,
  };
}
