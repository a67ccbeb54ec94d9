import type { PipeError } from "@pipe/pipeline";
import type { ShardRepository } from "@pipe/shards";
import type { Sql } from "./internal/db.ts";
import type { Membership } from "./membership.ts";

/** What one coordinator round did. */
export interface CoordinatorRound {
  /** `idle` (not the coordinator), `stable` (nothing to move), `applied`, or `failed` (with `error`). */
  readonly outcome: "idle" | "stable" | "applied" | "failed";
  readonly epoch: number;
  readonly liveRunners: number;
  readonly registered: number;
  readonly moves: number;
  readonly minimumMoves: number;
  readonly error?: PipeError | undefined;
}

/** Options of a {@link Coordinator} (coordinator.ts). */
export interface CoordinatorOptions {
  readonly sql: Sql;
  readonly schema: string;
  readonly namespace: string;
  /** This runner's id (the lease holder's name). */
  readonly holder: string;
  readonly membership: Membership;
  /** The shard repository of the namespace (writes go through a lease-guarded view of it). */
  readonly repository: ShardRepository;
  /** Tenant ids seen on the ingress (new ones are registered as shards and placed). */
  readonly discover: () => Promise<readonly string[]>;
  /** Coordinator lease, judged by the database clock (default: the membership lease). */
  readonly leaseMs?: number | undefined;
  /**
   * Most shard writes (moves, registrations) in flight at once within a round (default 4). Each is its own
   * transaction; the store serialises only their commit order.
   */
  readonly applyConcurrency?: number | undefined;
  /** Test hook: runs inside a round after the plan was computed and before it is applied. */
  readonly beforeApply?: (() => Promise<void>) | undefined;
}
