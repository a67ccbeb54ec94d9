/**
 * The `shards` CLI (list | diff | watch | simulate | apply) against a running control plane. Pure: the
 * entry point passes argv, env, output streams and `fetch`, so tests drive it in-process.
 */
import { parseArgs } from "node:util";
import { delay } from "@pipe/channels";
import { OPTIONS } from "./cli-options.ts";
import { bearerTokenFrom } from "./config.ts";
import {
  DIFF_HEADERS,
  type DiffRow,
  diffLine,
  diffTable,
  planText,
  progressLine,
  type ShardRow,
  type Simulation,
  shardTable,
  table,
} from "./format.ts";
import { DEFAULT_RECONNECT, followWatch } from "./watch.ts";

export { progressLine, table } from "./format.ts";
export { sseEvents } from "./sse-events.ts";

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
  /** Waits between `watch` reconnects (default: `delay` from `@pipe/channels`; tests pass a virtual one). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  /** Monotonic milliseconds for the `watch` reconnect deadline (default `performance.now`). */
  readonly now?: () => number;
}

const CLI_HELP = `shards: talk to a shard control plane

Usage: shards <command> [options]

Commands:
  list       list shards (--namespace, --owner, --search, --status, --page-size, --all, --limit)
  diff       changes between positions (--from, --to, filters)
  watch      follow live changes (--from <position>, --count <n>, filters); across server restarts it
             reconnects with backoff from the last position (--retries <n> attempts, default 30;
             --retry-for <s> without a connection, default 120) and exits 1 when it gives up
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
  let token: string | undefined;
  try {
    token = bearerTokenFrom(
      o.token ?? io.env.SHARDS_TOKEN,
      o.token === undefined ? "SHARDS_TOKEN" : "--token",
    );
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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
      const retries = int("retries", o.retries) ?? DEFAULT_RECONNECT.maxAttempts;
      const retryFor = int("retry-for", o["retry-for"]);
      // Without --from, start at the store's head position, so a restart before the first event loses nothing.
      const start = from ?? (await getJson<{ version: number }>("/control/shards?pageSize=1")).version;
      q.set("resumeToken", String(start));
      const path = `/control/shards/watch?${q}`;
      // The first answer decides whether the watch can work at all (unreachable, bad token: fail at once).
      const first = await request(path, {
        headers: { accept: "text/event-stream" },
        ...(io.signal ? { signal: io.signal } : {}),
      });
      if (!o.json) io.stdout(`${table(DIFF_HEADERS, [])}\n`);
      let opened: Response | undefined = first;
      const outcome = await followWatch({
        send: async (p, headers, signal) => {
          if (opened !== undefined) {
            const r = opened;
            opened = undefined;
            return r;
          }
          const h = new Headers(headers);
          if (token) h.set("authorization", `Bearer ${token}`);
          return io.fetch(new Request(`${base}${p}`, { headers: h, ...(signal ? { signal } : {}) }));
        },
        path,
        from: start,
        count,
        policy: {
          ...DEFAULT_RECONNECT,
          maxAttempts: retries,
          ...(retryFor === undefined ? {} : { deadlineMs: retryFor * 1000 }),
        },
        onDiff: (diff) => io.stdout(o.json ? `${JSON.stringify(diff)}\n` : `${diffLine(diff as DiffRow)}\n`),
        note: (line) => io.stderr(`${line}\n`),
        signal: io.signal,
        sleep: io.sleep ?? ((ms, signal) => delay(ms, signal === undefined ? {} : { signal })),
        now: io.now ?? (() => performance.now()),
      });
      if (outcome.kind === "ok") return 0;
      throw new ServerError(outcome.message);
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
