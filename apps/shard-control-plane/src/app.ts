/**
 * The control plane as one fetch handler: store (PGlite by default, PostgreSQL with DATABASE_URL), demo seed,
 * `ShardControlPlaneService`, the `@pipe/shards/http` app, and the web page. Shared by the Node, Deno and Bun
 * bootstraps, which only add a listener and signal handling.
 */
import { mkdir } from "node:fs/promises";
import { ShardControlPlaneService, ShardErrorCodes, ShardReadView, type ShardRepository } from "@pipe/shards";
import { createShardControlPlaneApp } from "@pipe/shards/http";
import { PGliteShardRepository } from "@pipe/shards/pglite";
import { PostgresShardRepository } from "@pipe/shards/postgres";
import type { ServerConfig } from "./config.ts";
import { redactUrl } from "./config.ts";
import { type ControlPlaneLog, controlPlaneLog } from "./log.ts";
import { PAGE_HTML } from "./page.ts";
import { PAGE_SCRIPT } from "./page-script.ts";

export interface ControlPlane {
  readonly fetch: (request: Request) => Response | Promise<Response>;
  readonly operatorToken: string;
  readonly readToken: string;
  /** "PGlite at <dir>" or "PostgreSQL at <redacted url> (schema s)". */
  readonly store: string;
  /** Shards created by the demo seed on this start (0 when the store already had data). */
  readonly seeded: number;
  readonly service: ShardControlPlaneService;
  /** Ends every watch stream and refuses new ones (first step of a graceful shutdown). */
  closeWatchers(): void;
  /** Closes the store (last step). Idempotent. */
  close(): Promise<void>;
}

/** What a server adapter needs of a control plane: the handler and the two shutdown steps. */
export type Serving = Pick<ControlPlane, "fetch" | "closeWatchers" | "close">;

const DEMO_NAMESPACE = "demo";
const DEMO_NODES: readonly string[] = ["node-a", "node-b", "node-c", "node-d"];

/** A random URL-safe token (32 bytes of entropy). */
export function generateToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `${prefix}_${btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

async function openStore(config: ServerConfig): Promise<{ repository: ShardRepository; store: string }> {
  if (config.databaseUrl !== undefined) {
    const opened = await PostgresShardRepository.open({ url: config.databaseUrl, schema: config.schema });
    if (opened.isErr)
      throw new Error(`Cannot open PostgreSQL at ${redactUrl(config.databaseUrl)}: ${opened.error.message}`);
    return {
      repository: opened.value,
      store: `PostgreSQL at ${redactUrl(config.databaseUrl)} (schema ${config.schema})`,
    };
  }
  if (!/^[a-z]+:\/\//.test(config.dataDir)) await mkdir(config.dataDir, { recursive: true });
  const opened = await PGliteShardRepository.open({ dataDir: config.dataDir, schema: config.schema });
  if (opened.isErr) throw new Error(`Cannot open PGlite at ${config.dataDir}: ${opened.error.message}`);
  return { repository: opened.value, store: `PGlite at ${config.dataDir}` };
}

/** Creates the demo namespace (64 shards round-robin over 4 nodes) when the store is empty. */
async function seedDemo(service: ShardControlPlaneService): Promise<number> {
  const head = await service.repository.highestPosition();
  if (head.isErr) throw new Error(`Cannot read the store: ${head.error.message}`);
  if (head.value > 0) return 0;
  // Owners from the rendezvous plan over the demo nodes, so simulating a node join shows the minimal moves.
  const shards = Array.from({ length: 64 }, (_, i) => ({ shardId: `shard-${String(i).padStart(2, "0")}` }));
  const plan = service.registry.compute("rendezvous", {
    namespace: DEMO_NAMESPACE,
    shards,
    nodes: DEMO_NODES.map((nodeId) => ({ nodeId })),
  });
  if (plan.isErr) throw new Error(`Seeding failed: ${plan.error.message}`);
  let created = 0;
  for (const a of plan.value.assignments) {
    const r = await service.upsert({
      namespace: DEMO_NAMESPACE,
      shardId: a.shardId,
      strategyId: "rendezvous",
      ownerNodeId: a.ownerNodeId,
      capacityHint: 1,
      expectedVersion: 0,
      changeMetadata: { actor: "seed", reason: "demo namespace", changeTicket: "DEMO-0" },
    });
    if (r.isOk) created++;
    else if (r.error.code !== ShardErrorCodes.versionConflict)
      throw new Error(`Seeding failed: ${r.error.message}`);
  }
  return created;
}

/** Opens the store, seeds when empty, and assembles the fetch handler. */
export async function openControlPlane(
  config: ServerConfig,
  print: (line: string) => void = () => {},
): Promise<ControlPlane> {
  const log = controlPlaneLog(config.logFormat, print);
  const opened = await openStore(config);
  const store = opened.store;
  // Reads are served from an in-memory view of the store, kept current from its change log.
  const started = Date.now();
  const view = await ShardReadView.open(opened.repository, {
    recentDiffs: config.recentDiffs,
    onTailError: (e) => log.warn(`change-log tail failed, retrying from position: ${e.message}`),
  });
  if (view.isErr) {
    await opened.repository.close();
    throw new Error(`Cannot load ${store}: ${view.error.message}`);
  }
  const repository = view.value;
  if (!config.quiet)
    log.info(
      `loaded ${repository.size} shards at position ${repository.position} in ${Date.now() - started} ms`,
    );
  const service = new ShardControlPlaneService({ repository });
  let seeded = 0;
  try {
    if (config.seed) seeded = await seedDemo(service);
  } catch (e) {
    await repository.close();
    throw e;
  }
  const operatorToken = config.operatorToken ?? generateToken("op");
  const readToken = config.readToken ?? generateToken("ro");
  const shutdown = new AbortController();
  const app = createShardControlPlaneApp({
    service,
    tokens: [
      { name: "operator", token: operatorToken, scopes: ["shards.operate"] },
      { name: "reader", token: readToken, scopes: ["shards.read"] },
    ],
    heartbeatMs: config.heartbeatMs,
    allowQueryToken: true,
    signal: shutdown.signal,
    log: (e) => {
      if (e.level !== "info" || !config.quiet) log.request(e);
    },
  });
  const page = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    ...securityHeaders,
  };
  app.get("/", () => new Response(PAGE_HTML, { headers: page }));
  app.get(
    "/app.js",
    () =>
      new Response(PAGE_SCRIPT, { headers: { ...page, "content-type": "text/javascript; charset=utf-8" } }),
  );
  // History retention: every minute, compact the changes older than the newest `historyRetention` ones.
  const compact = async (): Promise<void> => {
    const through = repository.position - config.historyRetention;
    if (config.historyRetention === 0 || through <= 0) return;
    const done = await repository.compactHistory(through);
    if (done.isErr) log.warn(`history compaction failed: ${done.error.message}`);
    else if (done.value.removed > 0 && !config.quiet)
      log.info(
        `compacted ${done.value.removed} changes (history now starts after position ${done.value.compactedThrough})`,
      );
  };
  const compactor = setInterval(() => void compact(), 60_000);
  (compactor as { unref?: () => void }).unref?.();
  // The first pass runs in the background (in batches), so a long history does not delay readiness.
  void compact();
  let closed: Promise<void> | undefined;
  return {
    fetch: (request) => app.fetch(request),
    operatorToken,
    readToken,
    store,
    seeded,
    service,
    closeWatchers: () => shutdown.abort(),
    close: () => {
      clearInterval(compactor);
      shutdown.abort();
      closed ??= repository.close();
      return closed;
    },
  };
}

const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/**
 * Logs the start: the {@link banner} in text, or one `listening` record with the same facts in JSON.
 *
 * @example
 * ```ts
 * import { announce, openControlPlane } from "./app.ts";
 * import { controlPlaneLog } from "./log.ts";
 * const cp = await openControlPlane({ port: 0, host: "127.0.0.1", dataDir: "memory://", databaseUrl: undefined, schema: "public", operatorToken: undefined, readToken: undefined, seed: false, heartbeatMs: 15000, historyRetention: 0, quiet: true });
 * announce(controlPlaneLog("json", console.log), cp, "http://127.0.0.1:8787", "Node");
 * await cp.close();
 * ```
 */
export function announce(log: ControlPlaneLog, cp: ControlPlane, url: string, runtime: string): void {
  if (log.format === "text") {
    log.info(banner(cp, url, runtime));
    return;
  }
  const { store, seeded, operatorToken, readToken } = cp;
  log.info("listening", {
    url,
    runtime,
    store,
    seeded,
    operatorToken,
    readToken,
    webPage: `${url}/#token=${readToken}`,
  });
}

/** The start banner: URL, store, tokens, web-page link. */
export function banner(cp: ControlPlane, url: string, runtime: string): string {
  return [
    `shard control plane on ${runtime} listening at ${url}`,
    `  store:          ${cp.store}${cp.seeded > 0 ? ` (seeded namespace '${DEMO_NAMESPACE}' with ${cp.seeded} shards)` : ""}`,
    `  operator token: ${cp.operatorToken}   (scope shards.operate)`,
    `  read token:     ${cp.readToken}   (scope shards.read)`,
    `  web page:       ${url}/#token=${cp.readToken}`,
    `  try:            curl -H "Authorization: Bearer ${cp.operatorToken}" "${url}/control/shards?namespace=${DEMO_NAMESPACE}&pageSize=5"`,
    `  cli:            SHARDS_URL=${url} SHARDS_TOKEN=${cp.operatorToken} node dist/cli.js list --namespace ${DEMO_NAMESPACE}`,
  ].join("\n");
}
