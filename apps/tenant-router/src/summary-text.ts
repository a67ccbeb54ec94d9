import type { RunSummary } from "./summary.ts";

const fmt = (n: number): string => n.toLocaleString("en-US");

/** The human-readable end-of-run report. */
export function formatSummary(s: RunSummary): string {
  const lines = [
    "",
    `summary: ${s.outcome.ok ? "ok" : `${s.outcome.code}: ${s.outcome.message}`}`,
    `  ${fmt(s.totals.processed)} processed in ${(s.elapsedMs / 1000).toFixed(2)} s = ${fmt(s.processedPerSecond)} envelopes/s (${s.ingress} ingress, ${s.store} store)`,
    `  received ${fmt(s.totals.received)}, failed attempts ${fmt(s.totals.failed)}, dead-lettered ${fmt(s.totals.deadLettered)}, restarts ${fmt(s.totals.restarts)}, unknown ${fmt(s.unknown)}`,
    `  dead letters by code: ${
      Object.entries(s.deadLettersByCode)
        .map(([c, n]) => `${c}=${fmt(n)}`)
        .join(", ") || "none"
    }`,
    `  ingress: read ${fmt(s.ingressStats.read)}, acked ${fmt(s.ingressStats.acked)}, ack failures ${s.ingressStats.ackFailures}, left for redelivery ${s.leftForRedelivery}`,
    "  tenant        state       processed  dead-lettered  restarts  appended  reverted  ledger rows (all runs)",
  ];
  for (const t of s.tenants) {
    lines.push(
      `  ${t.tenantId.padEnd(13)} ${t.state.padEnd(10)} ${fmt(t.processed).padStart(10)} ${fmt(t.deadLettered).padStart(14)} ${String(t.restarts).padStart(9)} ${fmt(t.appended).padStart(9)} ${fmt(t.reverted).padStart(9)} ${fmt(t.ledgerRows).padStart(12)}${t.error === undefined ? "" : `  (${t.error})`}`,
    );
  }
  lines.push(
    s.healthy
      ? "  healthy: every tenant either completed or was isolated"
      : "  NOT healthy: see the outcome above",
    "",
  );
  return lines.join("\n");
}
