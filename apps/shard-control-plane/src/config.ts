/**
 * Server configuration from command-line flags and environment variables (flags win). Runtime-neutral: each
 * bootstrap passes its own argv and env.
 */
import { shardTokenProblem } from "@pipe/shards/http";

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** PGlite data directory (ignored when `databaseUrl` is set). */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly schema: string;
  /** Operator token (`shards.operate`); generated at start when not configured. */
  readonly operatorToken: string | undefined;
  /** Read-only token (`shards.read`, used by the web page's live feed); generated when not configured. */
  readonly readToken: string | undefined;
  readonly seed: boolean;
  readonly heartbeatMs: number;
  /** Changes kept in the history (older ones are compacted away every minute); 0 keeps every change. */
  readonly historyRetention: number;
  /**
   * Most recent changes the read view keeps in memory, so `diff`s and watch resumes within them cost no store
   * read; default the history retention (so the whole retained history), 1,000,000 when that is 0.
   */
  readonly recentDiffs?: number;
  readonly quiet: boolean;
  /** Log lines as text (default) or one JSON object per line (`--log-format`, env `LOG_FORMAT`). */
  readonly logFormat?: "text" | "json";
}

export const HELP = `shard-control-plane: the @pipe/shards control plane over HTTP (Node, Deno, Bun)

Usage:
  node dist/node.js [options]            (or: deno run --allow-all src/deno.ts, bun src/bun.ts)

Options (environment variable in brackets; flags win):
  --port <n>             TCP port, 0 = any free port            [PORT, default 8787]
  --host <addr>          interface to listen on                 [HOST, default 127.0.0.1]
  --data-dir <path>      PGlite data directory (embedded store) [SHARDS_DATA_DIR, default apps/shard-control-plane/.data/shards]
  --database-url <url>   use PostgreSQL instead of PGlite        [DATABASE_URL]
  --schema <name>        PostgreSQL/PGlite schema               [SHARDS_DB_SCHEMA, default public]
  --operator-token <t>   token with shards.operate               [SHARDS_OPERATOR_TOKEN, default: generated]
  --read-token <t>       token with shards.read                  [SHARDS_READ_TOKEN, default: generated]
                         (16-4096 chars of A-Z a-z 0-9 - . _ ~ + /, then optional =; surrounding white
                         space is trimmed)
  --no-seed              do not create the demo namespace        [SHARDS_SEED=0]
  --heartbeat-ms <n>     watch heartbeat interval               [SHARDS_HEARTBEAT_MS, default 15000]
  --history-retention <n> changes kept in the history, 0 = all  [SHARDS_HISTORY_RETENTION, default 1000000]
  --recent-diffs <n>     changes kept in memory for diff/watch   [SHARDS_RECENT_DIFFS, default: the retention,
                         1000000 when it is 0; ~60 B each, more when shards change often]
  --quiet                no request log                          [SHARDS_QUIET=1]
  --log-format <f>       text, or json: one JSON object per line [LOG_FORMAT, default text]
  -h, --help             this text

On start it prints the URL, the tokens and a web-page link. Stop with Ctrl-C (graceful: stops accepting,
finishes in-flight requests, closes watch streams and the store).`;

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly config: ServerConfig };

/** Most changes `--recent-diffs` may keep in memory. */
const MAX_RECENT_DIFFS = 10_000_000;

const flagNames = new Set([
  "port",
  "host",
  "data-dir",
  "database-url",
  "schema",
  "operator-token",
  "read-token",
  "heartbeat-ms",
  "history-retention",
  "recent-diffs",
  "log-format",
]);

/** Parses argv (without the runtime and script) and env; throws an Error with a usage message on bad input. */
export function parseServerArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaultDataDir: string,
): ParsedArgs {
  const flags: Record<string, string> = {};
  let seed = env.SHARDS_SEED !== "0";
  let quiet = env.SHARDS_QUIET === "1";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return { help: true };
    if (arg === "--no-seed") {
      seed = false;
      continue;
    }
    if (arg === "--quiet") {
      quiet = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m === null || !flagNames.has(m[1]!)) throw new Error(`Unknown argument '${arg}'. Try --help.`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value.`);
    flags[m[1]!] = value;
  }
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
  const token = (flag: string, envName: string): string | undefined =>
    bearerTokenFrom(flags[flag] ?? env[envName], flags[flag] === undefined ? envName : `--${flag}`);
  const logFormat = flags["log-format"] ?? (env.LOG_FORMAT || "text");
  if (logFormat !== "text" && logFormat !== "json") throw new Error('--log-format must be "text" or "json".');
  const schema = flags.schema ?? env.SHARDS_DB_SCHEMA ?? "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error("--schema must be a lowercase SQL identifier.");
  const historyRetention = int(
    "--history-retention",
    flags["history-retention"] ?? env.SHARDS_HISTORY_RETENTION,
    1_000_000,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const operatorToken = token("operator-token", "SHARDS_OPERATOR_TOKEN");
  const readToken = token("read-token", "SHARDS_READ_TOKEN");
  if (operatorToken !== undefined && operatorToken === readToken)
    throw new Error("The read token must differ from the operator token.");
  return {
    help: false,
    config: {
      port: int("--port", flags.port ?? env.PORT, 8787, 0, 65535),
      host: flags.host ?? env.HOST ?? "127.0.0.1",
      dataDir: flags["data-dir"] ?? env.SHARDS_DATA_DIR ?? defaultDataDir,
      databaseUrl: flags["database-url"] ?? (env.DATABASE_URL || undefined),
      schema,
      operatorToken,
      readToken,
      seed,
      heartbeatMs: int(
        "--heartbeat-ms",
        flags["heartbeat-ms"] ?? env.SHARDS_HEARTBEAT_MS,
        15_000,
        100,
        3_600_000,
      ),
      historyRetention,
      recentDiffs: int(
        "--recent-diffs",
        flags["recent-diffs"] ?? env.SHARDS_RECENT_DIFFS,
        historyRetention === 0 ? 1_000_000 : Math.min(historyRetention, MAX_RECENT_DIFFS),
        0,
        MAX_RECENT_DIFFS,
      ),
      quiet,
      logFormat,
    },
  };
}

/**
 * A bearer token read from a flag or the environment (the server's tokens and the CLI's), or `undefined` when
 * none is given. White space around it is trimmed: a token holds none (RFC 6750 b64token), so this changes no
 * valid token and forgives the trailing newline a secret file or `echo` leaves. Inside, the library's rule
 * holds: anything else throws an `Error` naming `source` (never the token).
 */
export function bearerTokenFrom(raw: string | undefined, source: string): string | undefined {
  const trimmed = raw?.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
  if (trimmed === undefined || trimmed === "") return undefined;
  const problem = shardTokenProblem(trimmed);
  if (problem !== undefined) throw new Error(`${source}: ${problem}.`);
  return trimmed;
}

/** A URL without its password (for logs). */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
