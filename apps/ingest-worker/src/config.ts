import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isLogFormat, type LogFormat } from "@pipe/pipeline";
import { DEFAULT_MAX_DELIVERIES } from "./handler.ts";

/** Everything the CLI can configure (see {@link HELP}). */
export interface IngestConfig {
  readonly feeds: readonly string[];
  readonly messages: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly retain: "message" | "pipeline";
  readonly messageTimeout: number;
  readonly roundTimeout: number;
  readonly leaseTimeout: number;
  readonly poisonEvery: number;
  readonly invalidEvery: number;
  readonly trackCompensations: boolean;
  readonly maxFailures: number | undefined;
  readonly maxDeliveries: number;
  readonly duration: number;
  readonly runId: string;
  readonly dataDir: string;
  readonly schema: string;
  readonly redisUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly streamPrefix: string;
  readonly group: string;
  readonly consumer: string;
  readonly produce: number;
  readonly exitWhenDrained: boolean;
  readonly batch: number;
  readonly json: boolean;
  readonly quiet: boolean;
  /** How the operational lines on stderr are written: `text` (default) or one JSON object per line. */
  readonly logFormat: LogFormat;
  readonly progressInterval: number;
  /** Serve `/healthz` and `/metrics` (default true; `--no-http` turns it off). */
  readonly http: boolean;
  /** Address of the health server (default 127.0.0.1). */
  readonly host: string;
  /** Port of the health server (default {@link DEFAULT_PORT}; 0 = any free port). */
  readonly port: number;
  readonly help: boolean;
}

/** The health server's default port (the shard control plane uses 8787, the tenant router 8788). */
export const DEFAULT_PORT = 8789;

/** The default PGlite data directory: `.data/pglite` under the app. */
export const DEFAULT_DATA_DIR: string = fileURLToPath(new URL("../.data/pglite", import.meta.url));

/** `--help` text. */
export const HELP: string = `ingest-worker: drains lease-backed feeds with ResultPipelineChannels.fanIn (seed 001)

Per message: decode + validate (Effect Schema), record an idempotency key and append the domain
events to an outbox (one transaction), complete the lease. Each message registers compensations
(publish a compensating event, delete the key, release the lease) that a failed round replays.

Usage: ingest-worker [options]

Transport and store (environment variables work too):
  --redis-url <url>          Redis Streams consumer groups (env REDIS_URL); default: in-memory feeds
  --database-url <url>       PostgreSQL (env DATABASE_URL); default: PGlite
  --data-dir <dir>           PGlite data directory, or memory:// (default: <app>/.data/pglite)
  --schema <name>            SQL schema for the tables (default: ingest)

Feeds:
  --feeds <a,b,c>            feed names (default: orders,payments,stock)
  --messages <n>             in-memory: messages per feed, 0 = endless (default: 5000)
  --rate <n>                 in-memory: messages/s per feed (default: as fast as consumed)
  --run-id <id>              part of every generated message id (default: random); reuse it to
                             replay the same messages and watch them be recognised as duplicates
  --stream-prefix <p>        Redis: stream key is <p>:<feed> (default: ingest)
  --group <name>             Redis: consumer group (default: ingest-worker)
  --consumer <name>          Redis: consumer name (default: the host name)
  --produce <n>              Redis: first append n generated messages to each stream
  --exit-when-drained        Redis: stop once nothing is new and nothing is pending
  --batch <n>                Redis: entries per XREADGROUP/XAUTOCLAIM (default: 100)
  --lease-timeout <ms>       reclaim a lease idle this long (default: 30000)

Processing:
  --concurrency <n>          messages in flight across all feeds (default: 8)
  --retain <message|pipeline>  when a message's compensations are dropped (default: message)
  --message-timeout <ms>     bound for one message (default: 30000)
  --round-timeout <ms>       deadline for one fan-in round, 0 = none (default: 0)
  --max-failures <n>         stop after n failed rounds (default: unlimited)
  --max-deliveries <n>       dead-letter a message delivered more than n times (ingest.delivery-limit;
                             default 10)
  --duration <ms>            stop after this long (default: until drained or Ctrl-C)

Demo faults:
  --poison-every <n>         every nth message fails on first delivery after publishing its
                             events and before completing its lease: watch the rollback
  --invalid-every <n>        in-memory/--produce: every nth message is invalid (dead-lettered)
  --no-compensation          register no compensations (to measure their cost; unsafe)

Health and metrics (HTTP, started first, before the store and the feeds):
  --port <n>                 port of GET /healthz (503 until start-up is done, 200 while running) and
                             GET /metrics (Prometheus text); env INGEST_PORT; 0 = any free port
                             (default: 8789)
  --host <addr>              address to listen on (default: 127.0.0.1)
  --no-http                  no health server

Output:
  --json                     print the final summary as JSON on stdout
  --quiet                    no progress lines (stderr)
  --log-format <text|json>   stderr lines as text (default) or one JSON object per line
                             (time, level, msg, fields); env LOG_FORMAT
  --progress-interval <ms>   progress line period (default: 1000)
  -h, --help                 this text

SIGINT/SIGTERM at any time, start-up included, stops gracefully and prints the summary; a second one exits
at once (status 130).

Exit status: 0 when drained or stopped, 1 when the worker gave up (or could not start), 2 on bad usage.
`;

const int = (name: string, raw: string | undefined, fallback: number, min = 0): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`--${name} must be an integer >= ${min} (got "${raw}").`);
  return n;
};

const port = (raw: string | undefined): number => {
  const n = int("port", raw, DEFAULT_PORT);
  if (n > 65535) throw new RangeError(`--port must be an integer from 0 to 65535 (got "${raw}").`);
  return n;
};

/**
 * Parses command-line arguments and the environment into an {@link IngestConfig}.
 *
 * Errors: throws a `RangeError`/`TypeError` with a message for bad usage (the CLI prints it and exits 2).
 *
 * @example
 * ```ts
 * import { parseConfig } from "@pipe/app-ingest-worker";
 * console.log(parseConfig(["--messages", "10"], {}).messages); // 10
 * ```
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): IngestConfig {
  const { values: v } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      feeds: { type: "string" },
      messages: { type: "string" },
      rate: { type: "string" },
      concurrency: { type: "string" },
      retain: { type: "string" },
      "message-timeout": { type: "string" },
      "round-timeout": { type: "string" },
      "lease-timeout": { type: "string" },
      "poison-every": { type: "string" },
      "max-deliveries": { type: "string" },
      "invalid-every": { type: "string" },
      "no-compensation": { type: "boolean" },
      "max-failures": { type: "string" },
      duration: { type: "string" },
      "run-id": { type: "string" },
      "data-dir": { type: "string" },
      schema: { type: "string" },
      "redis-url": { type: "string" },
      "database-url": { type: "string" },
      "stream-prefix": { type: "string" },
      group: { type: "string" },
      consumer: { type: "string" },
      produce: { type: "string" },
      "exit-when-drained": { type: "boolean" },
      batch: { type: "string" },
      json: { type: "boolean" },
      quiet: { type: "boolean" },
      "log-format": { type: "string" },
      "progress-interval": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "no-http": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const feeds = (v.feeds ?? "orders,payments,stock")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (feeds.length === 0 || new Set(feeds).size !== feeds.length) {
    throw new RangeError("--feeds must name at least one feed, without repeats.");
  }
  const retain = v.retain ?? "message";
  if (retain !== "message" && retain !== "pipeline")
    throw new RangeError('--retain must be "message" or "pipeline".');
  const nonEmpty = (s: string | undefined): string | undefined =>
    s === undefined || s === "" ? undefined : s;
  const logFormat = v["log-format"] ?? nonEmpty(env.LOG_FORMAT) ?? "text";
  if (!isLogFormat(logFormat))
    throw new RangeError(`--log-format must be "text" or "json" (got "${logFormat}").`);
  const maxFailures =
    v["max-failures"] === undefined ? undefined : int("max-failures", v["max-failures"], 1, 1);
  return {
    feeds,
    messages: int("messages", v.messages, 5000),
    rate: int("rate", v.rate, 0),
    concurrency: int("concurrency", v.concurrency, 8, 1),
    retain,
    messageTimeout: int("message-timeout", v["message-timeout"], 30_000, 1),
    roundTimeout: int("round-timeout", v["round-timeout"], 0),
    leaseTimeout: int("lease-timeout", v["lease-timeout"], 30_000, 1),
    poisonEvery: int("poison-every", v["poison-every"], 0),
    invalidEvery: int("invalid-every", v["invalid-every"], 0),
    trackCompensations: v["no-compensation"] !== true,
    maxFailures,
    maxDeliveries: int("max-deliveries", v["max-deliveries"], DEFAULT_MAX_DELIVERIES, 1),
    duration: int("duration", v.duration, 0),
    runId: v["run-id"] ?? crypto.randomUUID().slice(0, 8),
    dataDir: v["data-dir"] ?? DEFAULT_DATA_DIR,
    schema: v.schema ?? "ingest",
    redisUrl: nonEmpty(v["redis-url"] ?? env.REDIS_URL),
    databaseUrl: nonEmpty(v["database-url"] ?? env.DATABASE_URL),
    streamPrefix: v["stream-prefix"] ?? "ingest",
    group: v.group ?? "ingest-worker",
    consumer: v.consumer ?? hostname(),
    produce: int("produce", v.produce, 0),
    exitWhenDrained: v["exit-when-drained"] === true,
    batch: int("batch", v.batch, 100, 1),
    json: v.json === true,
    quiet: v.quiet === true,
    logFormat,
    progressInterval: int("progress-interval", v["progress-interval"], 1000, 50),
    http: v["no-http"] !== true,
    host: v.host ?? "127.0.0.1",
    port: port(v.port ?? nonEmpty(env.INGEST_PORT)),
    help: v.help === true,
  };
}
