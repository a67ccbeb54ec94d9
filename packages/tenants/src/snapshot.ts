import type { PipeError } from "@pipe/result";
import type { OverflowPolicy } from "./policies.ts";

/**
 * Where a tenant is in its life.
 *
 * `"pending"` (registered, run not started), `"running"`, `"restarting"` (waiting out a retry back-off after a
 * failure), `"parked"` (past its retry budget: its envelopes are dead-lettered), `"removing"` (removed,
 * draining what it accepted), `"stopped"` (its worker ended).
 *
 * @example
 * ```ts
 * import type { TenantState } from "@pipe/tenants";
 * const healthy = (s: TenantState) => s === "running";
 * ```
 */
export type TenantState = "pending" | "running" | "restarting" | "parked" | "removing" | "stopped";

/**
 * Counters and state of one tenant at one moment.
 *
 * Details: `received` counts envelopes routed to the tenant (buffered, or dead-lettered by its overflow or
 * parked state); `processed` counts envelopes its processor completed successfully; `failed` counts failed
 * attempts (a retried envelope can fail several times); `deadLettered` and `dropped` count envelopes that left
 * the tenant that way; `depth` is the branch's current backlog; `restarts` counts isolate restarts.
 *
 * @example
 * ```ts
 * import type { TenantSnapshot } from "@pipe/tenants";
 * const backlog = (s: TenantSnapshot) => `${s.tenantId}: ${s.depth} queued, ${s.processed} done`;
 * ```
 */
export interface TenantSnapshot {
  readonly tenantId: string;
  readonly state: TenantState;
  readonly overflow: OverflowPolicy;
  readonly capacity: number;
  readonly received: number;
  readonly processed: number;
  readonly failed: number;
  readonly deadLettered: number;
  readonly dropped: number;
  readonly depth: number;
  readonly restarts: number;
  /** The park error (`tenants.parked`, cause: the last failure) or, under failFast, the failure. */
  readonly error: PipeError | undefined;
}

/**
 * Where a router is in its life: `"idle"` (not run yet), `"running"`, `"stopping"` (ingress ended or the run
 * aborted; tenants are draining and compensations may be running), `"stopped"` (`run` resolved).
 *
 * @example
 * ```ts
 * import type { TenantRouterState } from "@pipe/tenants";
 * const done = (s: TenantRouterState) => s === "stopped";
 * ```
 */
export type TenantRouterState = "idle" | "running" | "stopping" | "stopped";

/**
 * A router-wide snapshot: each registered tenant plus totals.
 *
 * Details: totals include tenants that were removed and stopped (they leave `tenants`). `unknown` counts
 * envelopes for unknown tenants dead-lettered with `tenants.unknown`; `invalidKeys` those with
 * `tenants.key.invalid`; `rejectedEvents` registry events that could not be applied.
 *
 * @example
 * ```ts
 * import type { TenantRouterSnapshot } from "@pipe/tenants";
 * const summary = (s: TenantRouterSnapshot) => `${s.tenants.length} tenants, ${s.totals.processed} processed`;
 * ```
 */
export interface TenantRouterSnapshot {
  readonly state: TenantRouterState;
  readonly tenants: readonly TenantSnapshot[];
  readonly totals: {
    readonly received: number;
    readonly processed: number;
    readonly failed: number;
    readonly deadLettered: number;
    readonly dropped: number;
    readonly restarts: number;
  };
  readonly unknown: number;
  readonly invalidKeys: number;
  readonly rejectedEvents: number;
}
