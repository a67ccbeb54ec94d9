/** Counters of compensation actions (seed 001's three per message). */
export interface CompensationStats {
  /** Actions that ran and changed something. */
  run: number;
  /** Leases released for redelivery. */
  leasesReleased: number;
  /** Idempotency keys deleted. */
  keysDeleted: number;
  /** Compensating events published. */
  compensatingEvents: number;
  /** Actions skipped because their message had already settled (lease completed). */
  skipped: number;
  /** Actions that threw (reported in the round's rollback error). */
  failed: number;
}

/** What the worker counts while it runs (mutable, read by the progress view). */
export interface WorkerStats {
  /** Messages whose effect was committed and lease completed. */
  processed: number;
  /** Redeliveries recognised by their idempotency key and only acknowledged. */
  duplicates: number;
  /** Undecodable messages moved to the dead-letter table. */
  deadLettered: number;
  /** Failures injected by `poisonEvery`. */
  poisoned: number;
  /** Fan-in rounds started. */
  rounds: number;
  /** Rounds that ended with a failure (each followed by one rollback). */
  failures: number;
  /** Compensation counters. */
  readonly compensations: CompensationStats;
  /** The last failure, as JSON. */
  lastFailure: unknown;
}

/**
 * Fresh, zeroed worker counters.
 *
 * @example
 * ```ts
 * import { createStats } from "@pipe/app-ingest-worker";
 * console.log(createStats().processed); // 0
 * ```
 */
export function createStats(): WorkerStats {
  return {
    processed: 0,
    duplicates: 0,
    deadLettered: 0,
    poisoned: 0,
    rounds: 0,
    failures: 0,
    compensations: {
      run: 0,
      leasesReleased: 0,
      keysDeleted: 0,
      compensatingEvents: 0,
      skipped: 0,
      failed: 0,
    },
    lastFailure: undefined,
  };
}
