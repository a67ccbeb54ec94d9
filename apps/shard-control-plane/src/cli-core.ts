/**
 * The `shards` CLI (list | diff | watch | simulate | apply) against a running control plane. Pure: the
 * entry point passes argv, env, output streams and `fetch`, so tests drive it in-process.
 */
import { parseArgs } from "node:util";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress bar redraws in place only then). */
  readonly stderrIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: (request: Request) => Promise<Response>;
  readonly readFile?: (path: string) => Promise<string>;
  /** Aborts a running `watch` (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export const CLI_HELP = `shards: talk to a shard control plane

Usage: shards <command> [options]

Commands:
  list       list shards (--namespace, --owner, --search, --status, --page-size, --all, --limit)
  diff       changes between positions (--from, --to, filters)
  watch      follow live changes (--from <position>, --count <n>, filters)
  simulate   what-if plan: shards simulate --namespace demo [--strategy ring] node-a node-b:2 node-c:1:iad:iad-1
  apply      simulate and persist: same arguments plus --reason, --ticket [--actor]; or --plan <file.json>

Common options:
  --url <url>      server (env SHARDS_URL, default http://127.0.0.1:8787)
  --token <t>      bearer token (env SHARDS_TOKEN)
  --json           JSON output instead of tables
  -h, --help       this text

Exit codes: 0 ok, 1 the server answered an error, 2 bad usage (checked before any request).`;

const STATUSES = ["active", "draining", "paused", "disabled", "0", "1", "2", "3"];

class UsageError extends Error {}
class ServerError extends Error {}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly status?: number;
}

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

/** Parses `nodeId[:weight[:region[:zone]]]`. */
export function parseNode(token: string): {
  nodeId: string;
  weight?: number;
  region?: string;
  zone?: string;
} {
  const [nodeId, weight, region, zone] = token.split(":");
  if (nodeId === undefined || nodeId.trim() === "")
    throw new UsageError(`Invalid node '${token}': empty node id.`);
  const node: { nodeId: string; weight?: number; region?: string; zone?: string } = { nodeId };
  if (weight !== undefined && weight !== "") {
    const w = Number(weight);
    if (!Number.isFinite(w) || w <= 0)
      throw new UsageError(`Invalid node '${token}': weight must be a positive number.`);
    node.weight = w;
  }
  if (region) node.region = region;
  if (zone) node.zone = zone;
  return node;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof ServerError) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    io.stdout(`${CLI_HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nTry: shards --help`);
  }
  const o = parsed.values;
  if (o.help) {
    io.stdout(`${CLI_HELP}\n`);
    return 0;
  }
  const base = (o.url ?? io.env.SHARDS_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  const token = o.token ?? io.env.SHARDS_TOKEN;
  const statuses = (o.status ?? []).flatMap((s) => s.split(/[\s,;]+/)).filter((s) => s !== "");
  for (const s of statuses)
    if (!STATUSES.includes(s.toLowerCase()))
      throw new UsageError(`Invalid shard status '${s}' (active, draining, paused, disabled).`);
  const filter = new URLSearchParams();
  if (o.namespace) filter.set("namespace", o.namespace);
  if (o.owner) filter.set("owner", o.owner);
  if (o.search) filter.set("search", o.search);
  for (const s of statuses) filter.append("status", s);

  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    let res: Response;
    try {
      res = await io.fetch(new Request(`${base}${path}`, { ...init, headers }));
    } catch (e) {
      throw new ServerError(`cannot reach ${base}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as Problem;
      throw new ServerError(
        `${res.status} ${problem.code ?? ""}: ${problem.detail ?? res.statusText}`.trim(),
      );
    }
    return res;
  };
  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await (await request(path, init)).json()) as T;
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer.`);
    return Number(v);
  };

  switch (command) {
    case "list": {
      const pageSize = int("page-size", o["page-size"]) ?? (o.all ? 500 : 100);
      if (pageSize < 1 || pageSize > 500) throw new UsageError("--page-size must be from 1 to 500.");
      const limit = int("limit", o.limit);
      const items: ShardRow[] = [];
      let cursor: string | null = null;
      let pages = 0;
      const follow = o.all || limit !== undefined;
      do {
        const q = new URLSearchParams(filter);
        q.set("pageSize", String(pageSize));
        if (cursor !== null) q.set("cursor", cursor);
        const page: { items: ShardRow[]; nextCursor: string | null } = await getJson(`/control/shards?${q}`);
        items.push(...page.items);
        cursor = page.nextCursor;
        pages++;
        if (follow) {
          const line = progressLine(items.length, limit, pages);
          io.stderr(io.stderrIsTty ? `\r${line}` : `${line}\n`);
        }
      } while (follow && cursor !== null && (limit === undefined || items.length < limit));
      if (follow && io.stderrIsTty) io.stderr("\n");
      const shown = limit === undefined ? items : items.slice(0, limit);
      if (o.json) io.stdout(`${JSON.stringify({ items: shown, nextCursor: cursor }, null, 2)}\n`);
      else {
        io.stdout(`${shardTable(shown)}\n`);
        io.stdout(`${shown.length} shard(s)${cursor !== null ? " (more: --all, or --limit N)" : ""}\n`);
      }
      return 0;
    }
    case "diff": {
      const q = new URLSearchParams(filter);
      const from = int("from", o.from);
      const to = int("to", o.to);
      if (from !== undefined) q.set("fromPosition", String(from));
      if (to !== undefined) q.set("toPosition", String(to));
      const page: { items: DiffRow[]; lastPosition: number | null } = await getJson(
        `/control/shards/diff?${q}`,
      );
      if (o.json) io.stdout(`${JSON.stringify(page, null, 2)}\n`);
      else
        io.stdout(
          `${diffTable(page.items)}\n${page.items.length} change(s), last position ${page.lastPosition ?? "-"}\n`,
        );
      return 0;
    }
    case "watch": {
      const q = new URLSearchParams(filter);
      const from = int("from", o.from);
      const count = int("count", o.count);
      if (from !== undefined) q.set("resumeToken", String(from));
      const res = await request(`/control/shards/watch?${q}`, {
        ...(io.signal ? { signal: io.signal } : {}),
      });
      let seen = 0;
      if (!o.json) io.stdout(`${table(DIFF_HEADERS, [])}\n`);
      try {
        for await (const event of sseEvents(res.body!)) {
          if (event.event === "shard.error") throw new ServerError(`stream failed: ${event.data}`);
          if (event.event !== "shard.diff" || event.data === undefined) continue;
          const diff = JSON.parse(event.data) as DiffRow;
          io.stdout(o.json ? `${JSON.stringify(diff)}\n` : `${diffLine(diff)}\n`);
          if (count !== undefined && ++seen >= count) break;
        }
      } catch (e) {
        if (io.signal?.aborted) return 0;
        throw e;
      }
      return 0;
    }
    case "simulate":
    case "apply": {
      let plan: Simulation;
      if (command === "apply" && o.plan !== undefined) {
        if (io.readFile === undefined) throw new UsageError("--plan is not supported here.");
        plan = JSON.parse(await io.readFile(o.plan)) as Simulation;
      } else {
        if (!o.namespace) throw new UsageError(`${command} needs --namespace.`);
        const nodes = parsed.positionals.map(parseNode);
        if (nodes.length === 0)
          throw new UsageError(`${command} needs at least one node: nodeId[:weight[:region[:zone]]].`);
        const body = { namespace: o.namespace, ...(o.strategy ? { strategyId: o.strategy } : {}), nodes };
        plan = await getJson("/control/shards/simulate", { method: "POST", body: JSON.stringify(body) });
      }
      if (command === "simulate") {
        if (o.json) io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
        else io.stdout(`${planText(plan)}\n`);
        return 0;
      }
      if (!o.reason || !o.ticket) throw new UsageError("apply needs --reason and --ticket.");
      const actor = o.actor ?? io.env.USER ?? "cli";
      const result: { changeTicket: string; applied: ShardRow[] } = await getJson("/control/shards/apply", {
        method: "POST",
        body: JSON.stringify({ simulation: plan, actor, reason: o.reason, changeTicket: o.ticket }),
      });
      if (o.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout(`${planText(plan)}\n\n`);
        io.stdout(`Applied ${result.applied.length} move(s) under ${result.changeTicket}.\n`);
      }
      return 0;
    }
    default:
      throw new UsageError(`Unknown command '${command}'. Try: shards --help`);
  }
}

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  namespace: { type: "string", short: "n" },
  owner: { type: "string" },
  search: { type: "string" },
  status: { type: "string", multiple: true },
  "page-size": { type: "string" },
  all: { type: "boolean" },
  limit: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  count: { type: "string" },
  strategy: { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  ticket: { type: "string" },
  plan: { type: "string" },
} as const;

interface ShardRow {
  namespace: string;
  shardId: string;
  ownerNodeId: string;
  status: string;
  version: number;
  updatedAt: string;
  changeTicket: string | null;
}
interface DiffRow {
  position: number;
  current: ShardRow;
  previous: ShardRow | null;
  history: { actor: string; reason: string; changeTicket: string | null } | null;
}
interface Simulation {
  namespace: string;
  strategyId: string;
  changes: { shardId: string; currentOwner: string; proposedOwner: string }[];
  assignments: unknown[];
  moves: number;
  minimumMoves: number;
  balance: { ratio: number; perNode: Record<string, number> };
}

const shardTable = (items: readonly ShardRow[]): string =>
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

const DIFF_HEADERS = ["POSITION", "NAMESPACE", "SHARD", "OWNER", "VERSION", "ACTOR", "TICKET"];
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
const diffTable = (items: readonly DiffRow[]): string => table(DIFF_HEADERS, items.map(diffCells));
const diffLine = (d: DiffRow): string => diffCells(d).join("  ");

const planText = (p: Simulation): string => {
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

/** Parses a Server-Sent Events body into events. */
export async function* sseEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ id?: string; event?: string; data?: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: { id?: string; event?: string; data?: string } = {};
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const i = line.indexOf(":");
          const key = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
          if (key === "id" || key === "event") e[key] = value;
          else if (key === "data") e.data = e.data === undefined ? value : `${e.data}\n${value}`;
        }
        if (e.event !== undefined || e.data !== undefined) yield e;
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
