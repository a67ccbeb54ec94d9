import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FeedStats } from "./feed.ts";
import type { WorkerStats } from "./stats.ts";

/** Where the worker is in its life: `/healthz` answers 200 only while `running`. */
export type WorkerPhase = "starting" | "running" | "stopping" | "stopped";

/** What the health server reads on each request (live values). */
export interface HealthSource {
  phase(): WorkerPhase;
  /** The counters, once the run has started. */
  stats(): WorkerStats | undefined;
  /** The feeds' counters, once the run has started. */
  feeds(): readonly FeedStats[];
  /** Seconds since the process started. */
  uptimeSeconds(): number;
}

/** A listening health server. */
export interface HealthServer {
  /** `http://host:port` (the real port when 0 was asked for). */
  readonly url: string;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

const labelValue = (s: string): string => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Renders the worker's counters in the Prometheus text format (0.0.4). */
export function renderMetrics(source: HealthSource): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: "counter" | "gauge",
    help: string,
    samples: [string, number][],
  ): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const phase = source.phase();
  metric("ingest_ready", "gauge", "1 while the worker is running (start-up done, not stopping).", [
    ["", phase === "running" ? 1 : 0],
  ]);
  metric("ingest_uptime_seconds", "gauge", "Seconds since the process started.", [
    ["", Math.round(source.uptimeSeconds() * 1000) / 1000],
  ]);
  const s = source.stats();
  if (s !== undefined) {
    const c = s.compensations;
    metric("ingest_messages_processed_total", "counter", "Messages committed and acknowledged.", [
      ["", s.processed],
    ]);
    metric(
      "ingest_duplicates_total",
      "counter",
      "Redeliveries recognised by their key and only acknowledged.",
      [["", s.duplicates]],
    );
    metric("ingest_dead_letters_total", "counter", "Invalid messages moved to the dead-letter table.", [
      ["", s.deadLettered],
    ]);
    metric("ingest_rounds_total", "counter", "Fan-in rounds started.", [["", s.rounds]]);
    metric("ingest_round_failures_total", "counter", "Rounds that failed and were rolled back.", [
      ["", s.failures],
    ]);
    metric("ingest_compensations_total", "counter", "Compensation actions by outcome.", [
      ['{action="compensating_event"}', c.compensatingEvents],
      ['{action="key_deleted"}', c.keysDeleted],
      ['{action="lease_released"}', c.leasesReleased],
      ['{action="skipped"}', c.skipped],
      ['{action="failed"}', c.failed],
    ]);
  }
  const feeds = source.feeds();
  if (feeds.length > 0) {
    const per = (pick: (f: FeedStats) => number): [string, number][] =>
      feeds.map((f) => [`{feed="${labelValue(f.name)}"}`, pick(f)]);
    metric(
      "ingest_feed_delivered_total",
      "counter",
      "Deliveries read from the feed.",
      per((f) => f.delivered),
    );
    metric(
      "ingest_feed_completed_total",
      "counter",
      "Leases completed (acknowledged).",
      per((f) => f.completed),
    );
    metric(
      "ingest_feed_released_total",
      "counter",
      "Leases released for redelivery.",
      per((f) => f.released),
    );
    metric(
      "ingest_feed_reclaimed_total",
      "counter",
      "Leases reclaimed from other consumers.",
      per((f) => f.reclaimed),
    );
    metric(
      "ingest_feed_vanished_total",
      "counter",
      "Pending entries deleted from the broker before they were handled (their data is lost).",
      per((f) => f.vanished),
    );
    metric(
      "ingest_feed_lag",
      "gauge",
      "Messages waiting in the feed.",
      per((f) => f.lag),
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Serves `GET /healthz` and `GET /metrics` for the worker (loopback by default).
 *
 * When to use: the CLI starts it before anything else, so probes see `starting` during the start-up (opening
 * the store, connecting to Redis), then `ready`.
 *
 * Details: `/healthz` answers 200 `{"status":"ready"}` while the run is going and 503 with
 * `{"status":"starting"|"stopping"|"stopped"}` otherwise (a readiness probe). `/metrics` is the Prometheus
 * text of {@link renderMetrics}. Other paths answer 404 and other methods 405, as JSON.
 *
 * Errors: rejects with the listen error (e.g. `EADDRINUSE`) when the port cannot be bound.
 *
 * @example
 * ```ts
 * import { type HealthSource, startHealthServer } from "@pipe/app-ingest-worker";
 * const source: HealthSource = { phase: () => "starting", stats: () => undefined, feeds: () => [], uptimeSeconds: () => 0 };
 * const server = await startHealthServer(source, { host: "127.0.0.1", port: 0 });
 * console.log(server.url); // http://127.0.0.1:<port>
 * await server.close();
 * ```
 */
export function startHealthServer(
  source: HealthSource,
  options: { readonly host: string; readonly port: number },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
      res.end(JSON.stringify(body));
    };
    if (path !== "/healthz" && path !== "/metrics") return json(404, { error: `no endpoint at ${path}` });
    if (req.method !== "GET" && req.method !== "HEAD")
      return json(405, { error: `${req.method} is not supported` }, { allow: "GET, HEAD" });
    if (path === "/metrics") {
      res.writeHead(200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
        "cache-control": "no-store",
      });
      res.end(renderMetrics(source));
      return;
    }
    const phase = source.phase();
    json(phase === "running" ? 200 : 503, { status: phase === "running" ? "ready" : phase });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      let closed: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        close: () => {
          closed ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closed;
        },
      });
    });
  });
}
