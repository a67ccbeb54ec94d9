import type { TenantRouterSnapshot, TenantSnapshot } from "@pipe/tenants";
import type { IngressStats } from "./ingress.ts";
import type { AppStats, TenantLedgerStats } from "./stats.ts";

const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * Escapes a Prometheus label value (backslash, double quote, newline) and replaces a lone surrogate with U+FFFD
 * (the text format is UTF-8; such a value has no UTF-8 form). The app refuses such tenant ids at every entry;
 * this keeps the output valid for ids registered in code.
 */
export const escapeLabel = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(LONE_SURROGATE, "\ufffd");

type Family = readonly [name: string, type: "counter" | "gauge", help: string];

const TENANT_FAMILIES: readonly (readonly [Family, (t: TenantSnapshot) => number])[] = [
  [["tenant_router_received_total", "counter", "Envelopes routed to the tenant."], (t) => t.received],
  [["tenant_router_processed_total", "counter", "Envelopes the tenant processed."], (t) => t.processed],
  [["tenant_router_failed_total", "counter", "Failed processing attempts."], (t) => t.failed],
  [["tenant_router_dead_lettered_total", "counter", "Envelopes dead-lettered."], (t) => t.deadLettered],
  [["tenant_router_dropped_total", "counter", "Envelopes evicted by dropOldest."], (t) => t.dropped],
  [["tenant_router_restarts_total", "counter", "Isolate restarts."], (t) => t.restarts],
  [["tenant_router_queue_depth", "gauge", "Envelopes buffered in the tenant's branch."], (t) => t.depth],
  [["tenant_router_queue_capacity", "gauge", "Capacity of the tenant's branch."], (t) => t.capacity],
];

const LEDGER_FAMILIES: readonly (readonly [Family, (t: TenantLedgerStats) => number])[] = [
  [
    ["tenant_router_ledger_appended_total", "counter", "Ledger rows appended (with an outbox event)."],
    (t) => t.appended,
  ],
  [
    ["tenant_router_ledger_reverted_total", "counter", "Ledger rows rolled back by compensations."],
    (t) => t.reverted,
  ],
  [
    ["tenant_router_ledger_duplicates_total", "counter", "Redelivered envelopes already in the ledger."],
    (t) => t.duplicates,
  ],
];

const STATES = ["pending", "running", "restarting", "parked", "removing", "stopped"] as const;

/**
 * Renders the router snapshot and the app counters in the Prometheus text exposition format (0.0.4).
 *
 * Details: per-tenant families carry a `tenant` label; `tenant_router_tenant_state` is 1 for the tenant's
 * current state and 0 for the others. Tenants removed during the run leave the router families (their
 * counters remain in the totals) but keep their ledger families.
 *
 * @example
 * ```ts
 * import { AppStats, renderMetrics } from "@pipe/app-tenant-router";
 * // renderMetrics(router.snapshot(), new AppStats(), ingress.stats)
 * ```
 */
export function renderMetrics(
  snapshot: TenantRouterSnapshot,
  stats: AppStats,
  ingress: IngressStats,
): string {
  const out: string[] = [];
  const head = ([name, type, help]: Family): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  for (const [family, read] of TENANT_FAMILIES) {
    head(family);
    for (const t of snapshot.tenants)
      out.push(`${family[0]}{tenant="${escapeLabel(t.tenantId)}"} ${read(t)}`);
  }
  head(["tenant_router_tenant_state", "gauge", "1 for the tenant's current state."]);
  for (const t of snapshot.tenants)
    for (const s of STATES)
      out.push(
        `tenant_router_tenant_state{tenant="${escapeLabel(t.tenantId)}",state="${s}"} ${t.state === s ? 1 : 0}`,
      );
  for (const [family, read] of LEDGER_FAMILIES) {
    head(family);
    for (const [id, t] of stats.tenants) out.push(`${family[0]}{tenant="${escapeLabel(id)}"} ${read(t)}`);
  }
  head(["tenant_router_dead_letters_total", "counter", "Dead letters by code."]);
  for (const [code, n] of stats.deadLettersByCode)
    out.push(`tenant_router_dead_letters_total{code="${escapeLabel(code)}"} ${n}`);
  const single: readonly (readonly [Family, number])[] = [
    [["tenant_router_tenants", "gauge", "Registered tenants."], snapshot.tenants.length],
    [
      [
        "tenant_router_processed_all_total",
        "counter",
        "Envelopes processed, all tenants (removed ones included).",
      ],
      snapshot.totals.processed,
    ],
    [["tenant_router_unknown_total", "counter", "Envelopes for unknown tenants."], snapshot.unknown],
    [
      ["tenant_router_invalid_keys_total", "counter", "Envelopes with an invalid tenant key."],
      snapshot.invalidKeys,
    ],
    [["tenant_router_ingress_read_total", "counter", "Envelopes read from the ingress."], ingress.read],
    [
      ["tenant_router_ingress_acked_total", "counter", "Envelopes acknowledged to the ingress."],
      ingress.acked,
    ],
    [
      ["tenant_router_ingress_ack_failures_total", "counter", "Failed acknowledgements."],
      ingress.ackFailures,
    ],
    [
      ["tenant_router_uptime_seconds", "gauge", "Seconds since the app started."],
      (performance.now() - stats.startedAt) / 1000,
    ],
  ];
  for (const [family, value] of single) {
    head(family);
    out.push(`${family[0]} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  }
  return `${out.join("\n")}\n`;
}
