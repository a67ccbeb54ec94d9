import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { FailureMode, IsolateRollback, OverflowPolicy, UnknownTenantPolicy } from "@pipe/tenants";
import { tenantIdProblem } from "./tenant-id.ts";

/** Everything the CLI can be told (flags, then environment). */
export interface Config {
  readonly help: boolean;
  readonly demo: boolean;
  readonly json: boolean;
  /** Progress lines as text (default) or one JSON object per line (`--log-format`, env `LOG_FORMAT`). */
  readonly logFormat: "text" | "json";
  readonly view: boolean;
  readonly tenants: readonly string[];
  readonly messages: number;
  readonly rate: number;
  readonly seconds: number;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly unknownTenant: UnknownTenantPolicy;
  readonly failureMode: FailureMode;
  readonly rollback: IsolateRollback;
  readonly host: string;
  readonly port: number;
  readonly adminToken: string;
  readonly adminTokenGenerated: boolean;
  readonly redisUrl: string | undefined;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly exitWhenIdle: boolean;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly schema: string;
  readonly duration: number;
}

/** The admin server's default port (the shard control plane uses 8787, the ingest worker 8789). */
const DEFAULT_PORT = 8788;

/** The default PGlite data directory: `<app>/.data/pglite` (git-ignored). */
const DEFAULT_DATA_DIR: string = fileURLToPath(new URL("../.data/pglite", import.meta.url));

export const HELP = `tenant-router: seed 002 for real. One ingress stream, routed per tenant by @pipe/tenants; each tenant
appends to its own ledger (with a rollback compensation) and publishes to an outbox; tenants are added and
removed at run time through a token-protected admin API; per-tenant counters on /metrics and on the terminal.

Usage: node dist/main.js [--demo] [options]

Modes
  --demo                 failing + slow tenant, admin add/remove, ends by itself (about --seconds)
  (default)              route --messages generated envelopes (in memory) or the Redis stream (REDIS_URL)

Ingress
  --tenants a,b,c        tenants registered at start (default acme,globex,initech)
  --messages N           generated envelopes without Redis (default 20000)
  --rate N               generated envelopes per second, 0 = as fast as possible (default 0; demo 4000)
  --seconds N            demo length in seconds of traffic (default 5)
  REDIS_URL              read a Redis stream through a consumer group instead (XREADGROUP, XACK after the
                         envelope was processed or dead-lettered and stored)
  --stream KEY           stream key (default tenant-router:ingress); not with --demo, which produces into a
                         fresh stream per run and deletes it afterwards
  --group NAME           consumer group (default tenant-router)
  --consumer NAME        consumer name, keep it stable across restarts (default router-1)
  --exit-when-idle       with Redis: stop once the stream has nothing new (default: run until SIGINT/SIGTERM)
  --duration N           stop after N seconds (0 = no limit)

Store
  DATABASE_URL           PostgreSQL (postgres://user@host:5432/db); default PGlite, embedded
  --data-dir DIR         PGlite directory, or memory:// (default <app>/.data/pglite)
  --schema NAME          schema of ledger/outbox/dead_letters (default tenant_router)

Routing (@pipe/tenants)
  --capacity N           branch capacity per tenant (default 1000)
  --overflow P           block | deadLetter | dropOldest (default block; demo deadLetter)
  --unknown P            deadLetter | createOnFirstSight (default deadLetter)
  --failure-mode M       isolate | failFast (default isolate)
  --rollback R           tenant | envelope: what an isolate failure rolls back (default tenant, as in seed 002)

Admin / output
  --host H               admin bind address (default 127.0.0.1)
  --port N               admin port (default 8788; 0 = any free port)
  --admin-token T        bearer token (or ADMIN_TOKEN; default: a random one, printed at start)
  --no-view              no live view
  --json                 print the run summary as JSON on stdout (progress goes to stderr)
  --log-format F         text | json: progress lines as text (default) or one JSON object per line
                         (time, level, msg, fields; no live view) (or LOG_FORMAT)
  --help                 this text
`;

const list = (s: string): string[] =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

function tenantList(v: string): string[] {
  const ids = list(v);
  for (const id of ids) {
    const problem = tenantIdProblem(id);
    if (problem !== undefined) throw new RangeError(`--tenants: ${JSON.stringify(id)}: ${problem}`);
  }
  return ids;
}

function int(name: string, v: string | undefined, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`--${name} must be an integer >= ${min} (got ${v}).`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v))
    throw new RangeError(`--${name} must be one of ${allowed.join(", ")} (got ${v}).`);
  return v as T;
}

/** Parses argv and the environment; throws a RangeError/TypeError with a readable message on bad input. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const { values: v } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: "boolean", short: "h" },
      demo: { type: "boolean" },
      json: { type: "boolean" },
      "log-format": { type: "string" },
      "no-view": { type: "boolean" },
      tenants: { type: "string" },
      messages: { type: "string" },
      rate: { type: "string" },
      seconds: { type: "string" },
      capacity: { type: "string" },
      overflow: { type: "string" },
      unknown: { type: "string" },
      "failure-mode": { type: "string" },
      rollback: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      "admin-token": { type: "string" },
      stream: { type: "string" },
      group: { type: "string" },
      consumer: { type: "string" },
      "exit-when-idle": { type: "boolean" },
      duration: { type: "string" },
      "data-dir": { type: "string" },
      schema: { type: "string" },
    },
  });
  const demo = v.demo === true;
  if (demo && v.stream !== undefined)
    throw new RangeError(
      "--stream cannot be combined with --demo: the demo produces into a fresh stream (tenant-router:demo:<run>) " +
        "and deletes it afterwards. Run without --demo to read --stream.",
    );
  const token = v["admin-token"] ?? env.ADMIN_TOKEN;
  const blank = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);
  return {
    help: v.help === true,
    demo,
    json: v.json === true,
    logFormat: oneOf("log-format", v["log-format"] ?? blank(env.LOG_FORMAT), ["text", "json"], "text"),
    view: v["no-view"] !== true,
    tenants: tenantList(v.tenants ?? "acme,globex,initech"),
    messages: int("messages", v.messages, 20_000),
    rate: int("rate", v.rate, demo ? 4_000 : 0),
    seconds: int("seconds", v.seconds, 5, 1),
    capacity: int("capacity", v.capacity, 1_000, 1),
    overflow: oneOf(
      "overflow",
      v.overflow,
      ["block", "deadLetter", "dropOldest"],
      demo ? "deadLetter" : "block",
    ),
    unknownTenant: oneOf("unknown", v.unknown, ["deadLetter", "createOnFirstSight"], "deadLetter"),
    failureMode: oneOf("failure-mode", v["failure-mode"], ["isolate", "failFast"], "isolate"),
    rollback: oneOf("rollback", v.rollback, ["tenant", "envelope"], "tenant"),
    host: v.host ?? "127.0.0.1",
    port: int("port", v.port, DEFAULT_PORT),
    adminToken: blank(token) ?? randomBytes(18).toString("base64url"),
    adminTokenGenerated: blank(token) === undefined,
    redisUrl: blank(env.REDIS_URL),
    stream: v.stream ?? "tenant-router:ingress",
    group: v.group ?? "tenant-router",
    consumer: v.consumer ?? "router-1",
    exitWhenIdle: v["exit-when-idle"] === true,
    databaseUrl: blank(env.DATABASE_URL),
    dataDir: v["data-dir"] ?? DEFAULT_DATA_DIR,
    schema: v.schema ?? "tenant_router",
    duration: int("duration", v.duration, 0),
  };
}
