import { createServer, type Server } from "node:http";
import type { Runner } from "./runner.ts";

const esc = (s: string): string => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * The runner's metrics in Prometheus text format: processor counters, membership, coordinator totals (moves
 * against the theoretical minimum), and the router's per-tenant counters (`tenant` label).
 *
 * @example
 * ```ts
 * import { renderMetrics } from "@pipe/app-tenant-cluster";
 * // response.end(renderMetrics(runner));
 * ```
 */
export function renderMetrics(runner: Runner): string {
  const out: string[] = [];
  const gauge = (name: string, help: string, value: number, type = "gauge"): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  const s = runner.stats;
  gauge(
    "tenant_cluster_committed_total",
    "Envelopes whose effect and position committed.",
    s.committed,
    "counter",
  );
  gauge(
    "tenant_cluster_stale_writes_total",
    "Writes the fence refused (ownership lost).",
    s.stale,
    "counter",
  );
  gauge(
    "tenant_cluster_abandoned_total",
    "Envelopes of a lost ownership dropped unwritten.",
    s.abandoned,
    "counter",
  );
  gauge(
    "tenant_cluster_duplicates_total",
    "Writes refused because the position was already past them.",
    s.duplicates,
    "counter",
  );
  gauge("tenant_cluster_failures_total", "Failed attempts (partial writes recorded).", s.failures, "counter");
  gauge("tenant_cluster_compensations_total", "Compensations run.", s.compensations, "counter");
  gauge("tenant_cluster_owned_tenants", "Tenants this runner owns now.", runner.held.size);
  gauge(
    "tenant_cluster_heartbeat_max_ms",
    "Longest heartbeat round trip so far, in ms.",
    runner.heartbeatMaxMs,
  );
  const loop = runner.eventLoopDelay;
  gauge(
    "tenant_cluster_event_loop_delay_p99_ms",
    "Event loop delay, 99th percentile since start, in ms.",
    loop.p99Ms,
  );
  gauge(
    "tenant_cluster_event_loop_delay_max_ms",
    "Event loop delay, maximum since start, in ms.",
    loop.maxMs,
  );
  gauge("tenant_cluster_incarnation", "Membership incarnation.", runner.incarnation);
  gauge(
    "tenant_cluster_healthy",
    "1 when the lease was renewed within the lease period.",
    runner.healthy ? 1 : 0,
  );
  for (const [k, v] of Object.entries(runner.counters))
    gauge(
      `tenant_cluster_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`,
      `Runner counter ${k}.`,
      v,
      "counter",
    );
  for (const [k, v] of Object.entries(runner.deadLetterCounts))
    gauge(`tenant_cluster_dead_letters_${k}_total`, `Dead letters ${k}.`, v, "counter");
  const c = runner.coordinator;
  gauge(
    "tenant_cluster_coordinator",
    "1 while this runner holds the coordinator lease.",
    c?.isLeader === true ? 1 : 0,
  );
  if (c !== undefined) {
    gauge(
      "tenant_cluster_coordinator_moves_total",
      "Owner moves applied by this coordinator.",
      c.totals.moves,
      "counter",
    );
    gauge(
      "tenant_cluster_coordinator_minimum_moves_total",
      "Theoretical minimum of those moves.",
      c.totals.minimumMoves,
      "counter",
    );
    gauge(
      "tenant_cluster_coordinator_registered_total",
      "Tenants registered as shards.",
      c.totals.registered,
      "counter",
    );
  }
  const snap = runner.router?.snapshot();
  if (snap !== undefined) {
    out.push(
      "# HELP tenant_cluster_tenant_processed_total Router counter per tenant.",
      "# TYPE tenant_cluster_tenant_processed_total counter",
    );
    for (const t of snap.tenants)
      out.push(`tenant_cluster_tenant_processed_total{tenant="${esc(t.tenantId)}"} ${t.processed}`);
    out.push(
      "# HELP tenant_cluster_tenant_queue_depth Buffered envelopes per tenant.",
      "# TYPE tenant_cluster_tenant_queue_depth gauge",
    );
    for (const t of snap.tenants)
      out.push(`tenant_cluster_tenant_queue_depth{tenant="${esc(t.tenantId)}"} ${t.depth}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Serves `GET /healthz` (200 with the runner's id, incarnation and owned tenants while its lease is renewed,
 * else 503) and `GET /metrics` on `host:port` (port 0: any free port). Resolves with the bound port.
 *
 * @example
 * ```ts
 * import { serveRunner } from "@pipe/app-tenant-cluster";
 * // const { port, server } = await serveRunner(runner, "127.0.0.1", 0);
 * ```
 */
export async function serveRunner(
  runner: Runner,
  host: string,
  port: number,
  runnerId: string,
): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const body = JSON.stringify({
        status: runner.healthy ? "ok" : "unhealthy",
        runnerId,
        incarnation: runner.incarnation,
        coordinator: runner.coordinator?.isLeader === true,
        tenants: [...runner.held.keys()].sort(),
      });
      res.writeHead(runner.healthy ? 200 : 503, { "content-type": "application/json" }).end(body);
    } else if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(renderMetrics(runner));
    } else {
      res
        .writeHead(404, { "content-type": "application/problem+json" })
        .end(
          JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, code: "cluster.not_found" }),
        );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { port: typeof address === "object" && address !== null ? address.port : port, server };
}
