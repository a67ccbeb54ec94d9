/** What the app counts per tenant on top of the router's snapshot (ledger effects and stored dead letters). */
export interface TenantLedgerStats {
  /** Envelopes processed to the end (appended or found already appended, then acknowledged). */
  processed: number;
  /** Ledger rows appended (with their outbox event) by this run. */
  appended: number;
  /** Ledger rows deleted by rollback compensations (each with a `reverted` outbox event). */
  reverted: number;
  /** Appends skipped because the row already existed (a redelivery). */
  duplicates: number;
  /** Dead letters stored in the `dead_letters` table. */
  deadLettersStored: number;
}

/**
 * The app's own counters: per tenant (see {@link TenantLedgerStats}), dead letters by code, and the ones left
 * for redelivery at shutdown.
 *
 * @example
 * ```ts
 * import { AppStats } from "@pipe/app-tenant-router";
 * const stats = new AppStats();
 * stats.tenant("acme").appended++;
 * console.log(stats.tenant("acme").appended); // 1
 * ```
 */
export class AppStats {
  readonly tenants: Map<string, TenantLedgerStats> = new Map();
  readonly deadLettersByCode: Map<string, number> = new Map();
  /** Envelopes accepted but not processed at shutdown, left pending in the ingress for redelivery. */
  leftForRedelivery = 0;
  /** Dead letters that could not be stored (database error); they are not acknowledged. */
  deadLetterStoreFailures = 0;
  readonly startedAt: number = performance.now();

  tenant(tenantId: string): TenantLedgerStats {
    let s = this.tenants.get(tenantId);
    if (s === undefined) {
      s = { processed: 0, appended: 0, reverted: 0, duplicates: 0, deadLettersStored: 0 };
      this.tenants.set(tenantId, s);
    }
    return s;
  }

  countDeadLetter(code: string): void {
    this.deadLettersByCode.set(code, (this.deadLettersByCode.get(code) ?? 0) + 1);
  }
}
