/**
 * Text output of the `shards` CLI: aligned tables, the progress line, diff rows and plans.
 */

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A progress bar on stderr: a fraction when the total is known, else a running count. */
export function progressLine(done: number, total: number | undefined, pages: number): string {
  if (total === undefined || total <= 0) return `paging: ${done} shards, ${pages} page(s)…`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * 30);
  return `[${"#".repeat(filled)}${".".repeat(30 - filled)}] ${done}/${total} shards, ${pages} page(s)`;
}

export interface ShardRow {
  namespace: string;
  shardId: string;
  ownerNodeId: string;
  status: string;
  version: number;
  updatedAt: string;
  changeTicket: string | null;
}
export interface DiffRow {
  position: number;
  current: ShardRow;
  previous: ShardRow | null;
  history: { actor: string; reason: string; changeTicket: string | null } | null;
}
export interface Simulation {
  namespace: string;
  strategyId: string;
  changes: { shardId: string; currentOwner: string; proposedOwner: string }[];
  assignments: unknown[];
  moves: number;
  minimumMoves: number;
  balance: { ratio: number; perNode: Record<string, number> };
}

export const shardTable = (items: readonly ShardRow[]): string =>
  table(
    ["NAMESPACE", "SHARD", "OWNER", "STATUS", "VERSION", "TICKET", "UPDATED"],
    items.map((r) => [
      r.namespace,
      r.shardId,
      r.ownerNodeId,
      r.status,
      String(r.version),
      r.changeTicket ?? "",
      r.updatedAt,
    ]),
  );

export const DIFF_HEADERS = ["POSITION", "NAMESPACE", "SHARD", "OWNER", "VERSION", "ACTOR", "TICKET"];
const diffCells = (d: DiffRow): string[] => [
  String(d.position),
  d.current.namespace,
  d.current.shardId,
  d.previous !== null && d.previous.ownerNodeId !== d.current.ownerNodeId
    ? `${d.previous.ownerNodeId} -> ${d.current.ownerNodeId}`
    : d.current.ownerNodeId,
  String(d.current.version),
  d.history?.actor ?? "",
  d.history?.changeTicket ?? "",
];
export const diffTable = (items: readonly DiffRow[]): string => table(DIFF_HEADERS, items.map(diffCells));
export const diffLine = (d: DiffRow): string => diffCells(d).join("  ");

export const planText = (p: Simulation): string => {
  const nodes = Object.entries(p.balance.perNode).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    `Plan for '${p.namespace}' (${p.strategyId}): ${p.assignments.length} shard(s)`,
    "",
    table(
      ["NODE", "SHARDS"],
      nodes.map(([n, c]) => [n, String(c)]),
    ),
    "",
    `Changes (${p.moves} move(s), minimum ${p.minimumMoves}, balance max/mean ${p.balance.ratio.toFixed(2)}):`,
    p.changes.length === 0
      ? "  (none)"
      : table(
          ["SHARD", "FROM", "TO"],
          p.changes.map((c) => [c.shardId, c.currentOwner, c.proposedOwner]),
        ),
  ].join("\n");
};
