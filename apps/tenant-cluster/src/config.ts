import { hostname } from "node:os";
import { parseArgs } from "node:util";
import type { FailureMode, OverflowPolicy } from "@pipe/tenants";

/** Everything `tenant-cluster` can be told (flags, then environment). */
export interface ClusterConfig {
  readonly command: "run" | "produce" | "help";
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly schema: string;
  readonly namespace: string;
  readonly prefix: string;
  readonly runnerId: string;
  readonly leaseMs: number;
  readonly weight: number;
  readonly host: string;
  readonly port: number;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly failureMode: FailureMode;
  readonly failMarked: boolean;
  readonly delayMs: number;
  readonly stopTimeoutMs: number;
  readonly commitBatch: number;
  readonly tenants: number;
  readonly messages: number;
  readonly failEvery: number;
  readonly runId: string;
  /** Output lines as text (default) or one JSON object per line (`--log-format`, env `LOG_FORMAT`). */
  readonly logFormat: "text" | "json";
}

export const HELP = `tenant-cluster: a cluster of @pipe/tenants routers ("runners") whose tenant ownership is governed by the
@pipe/shards control plane (PostgreSQL), each tenant read from its own Redis stream.

Usage:
  node dist/main.js run [options]        start a runner (until SIGINT/SIGTERM: a graceful leave)
  node dist/main.js produce [options]    append generated traffic to the tenants' streams

Servers
  DATABASE_URL        PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
  REDIS_URL           Redis (default redis://127.0.0.1:6379)
  --schema NAME       schema of the shard and cluster tables (default tenant_cluster)
  --namespace NS      shard namespace of the tenants (default tenants)
  --prefix P          Redis key prefix of the streams (default tenant-cluster)

run
  --runner-id ID      this runner's id (default <hostname>-<pid>)
  --lease-ms N        membership and coordinator lease, database clock (default 5000)
  --weight W          placement weight (default 1)
  --host H --port N   /healthz and /metrics (default 127.0.0.1, port 0 = any free port)
  --capacity N        per-tenant branch capacity and read-ahead (default 256)
  --overflow P        block | deadLetter | dropOldest (default block)
  --failure-mode M    isolate | failFast (default isolate; failFast stops this runner only)
  --fail-marked       fail the first attempt of envelopes whose payload has "fail": true (demo, tests)
  --delay-ms N        extra time per envelope (a slow downstream; default 0)
  --stop-timeout-ms N longest wait for tenants to move away on SIGTERM (default 10000)
  --commit-batch N    most envelopes of different tenants committed in one statement (default 64; 1 = each alone)

produce
  --tenants N         tenants t000..t(N-1) (default 10)
  --messages N        envelopes, round-robin over the tenants (default 1000)
  --fail-every N      mark every Nth envelope with "fail": true (default 0 = none)
  --run-id ID         message id prefix (default: a timestamp)

Output (both commands):
  --log-format F      text | json: lines as text (default) or one JSON object per line (time, level, msg,
                      app, runner) for log collectors (or LOG_FORMAT)
`;

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
export function parseClusterConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ClusterConfig {
  const { values: v, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      schema: { type: "string" },
      namespace: { type: "string" },
      prefix: { type: "string" },
      "runner-id": { type: "string" },
      "lease-ms": { type: "string" },
      weight: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      capacity: { type: "string" },
      overflow: { type: "string" },
      "failure-mode": { type: "string" },
      "fail-marked": { type: "boolean" },
      "delay-ms": { type: "string" },
      "stop-timeout-ms": { type: "string" },
      "commit-batch": { type: "string" },
      tenants: { type: "string" },
      messages: { type: "string" },
      "fail-every": { type: "string" },
      "run-id": { type: "string" },
      "log-format": { type: "string" },
    },
  });
  const verb = positionals[0];
  if (positionals.length > 1) throw new RangeError(`Unexpected argument "${positionals[1]}". Try --help.`);
  if (verb !== undefined && verb !== "run" && verb !== "produce")
    throw new RangeError(`Unknown command "${verb}". Try --help.`);
  const weight = Number(v.weight ?? "1");
  if (!Number.isFinite(weight) || weight <= 0 || weight > 1000)
    throw new RangeError("--weight must be a number in (0, 1000].");
  const blank = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);
  return {
    command: v.help === true || verb === undefined ? "help" : verb,
    databaseUrl: blank(env.DATABASE_URL) ?? "postgres://postgres@127.0.0.1:5432/test",
    redisUrl: blank(env.REDIS_URL) ?? "redis://127.0.0.1:6379",
    schema: v.schema ?? "tenant_cluster",
    namespace: v.namespace ?? "tenants",
    prefix: v.prefix ?? "tenant-cluster",
    runnerId: v["runner-id"] ?? `${hostname()}-${process.pid}`,
    leaseMs: int("lease-ms", v["lease-ms"], 5_000, 200),
    weight,
    host: v.host ?? "127.0.0.1",
    port: int("port", v.port, 0),
    capacity: int("capacity", v.capacity, 256, 1),
    overflow: oneOf("overflow", v.overflow, ["block", "deadLetter", "dropOldest"], "block"),
    failureMode: oneOf("failure-mode", v["failure-mode"], ["isolate", "failFast"], "isolate"),
    failMarked: v["fail-marked"] === true,
    delayMs: int("delay-ms", v["delay-ms"], 0),
    stopTimeoutMs: int("stop-timeout-ms", v["stop-timeout-ms"], 10_000),
    commitBatch: int("commit-batch", v["commit-batch"], 64, 1),
    tenants: int("tenants", v.tenants, 10, 1),
    messages: int("messages", v.messages, 1_000),
    failEvery: int("fail-every", v["fail-every"], 0),
    runId: v["run-id"] ?? Date.now().toString(36),
    logFormat: oneOf("log-format", v["log-format"] ?? blank(env.LOG_FORMAT), ["text", "json"], "text"),
  };
}
