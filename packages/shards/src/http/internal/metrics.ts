const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

interface Counter {
  n: number;
}

/** One route's duration histogram and its request counters by method and status. */
interface RouteStats {
  readonly histogram: Histogram;
  readonly counters: Map<string, Map<number, Counter>>;
}

/** In-process Prometheus counters of the HTTP surface (labels are bounded: known routes, codes). @internal */
export class HttpMetrics {
  /** Request counters by their label text, in the order they first counted. */
  readonly #requests = new Map<string, Counter>();
  readonly #durations = new Map<string, Histogram>();
  /** The same counters and histograms by route, method and status, so counting builds no label text. */
  readonly #routes = new Map<string, RouteStats>();
  readonly #errors = new Map<string, number>();
  readonly #unmapped = new Map<string, number>();
  watchersActive = 0;
  watchEvents = 0;
  watchHeartbeats = 0;

  request(route: string, method: string, status: number, seconds: number): void {
    let stats = this.#routes.get(route);
    if (stats === undefined) {
      const histogram = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(`route="${escapeLabel(route)}"`, histogram);
      stats = { histogram, counters: new Map() };
      this.#routes.set(route, stats);
    }
    let byStatus = stats.counters.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      stats.counters.set(method, byStatus);
    }
    let counter = byStatus.get(status);
    if (counter === undefined) {
      counter = { n: 0 };
      byStatus.set(status, counter);
      this.#requests.set(`route="${escapeLabel(route)}",method="${method}",status="${status}"`, counter);
    }
    counter.n++;
    const h = stats.histogram;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  error(code: string, mapped: boolean): void {
    const key = `code="${escapeLabel(code)}"`;
    this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
    if (!mapped) this.#unmapped.set(key, (this.#unmapped.get(key) ?? 0) + 1);
  }

  render(position: number | undefined): string {
    const out: string[] = [];
    const counter = (name: string, help: string, rows: Map<string, number | Counter>): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of rows) out.push(`${name}{${labels}} ${typeof v === "number" ? v : v.n}`);
    };
    counter("shards_http_requests_total", "HTTP requests by route, method and status.", this.#requests);
    out.push(
      "# HELP shards_http_request_duration_seconds Time to the response head, by route.",
      "# TYPE shards_http_request_duration_seconds histogram",
    );
    for (const [labels, h] of this.#durations) {
      for (let i = 0; i < BUCKETS.length; i++)
        out.push(`shards_http_request_duration_seconds_bucket{${labels},le="${BUCKETS[i]}"} ${h.counts[i]}`);
      out.push(`shards_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`shards_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`shards_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    counter("shards_http_errors_total", "Error responses by error code.", this.#errors);
    counter(
      "shards_http_unmapped_codes_total",
      "Error responses whose code had no row in the status table (answered 500/499; a bug to fix).",
      this.#unmapped,
    );
    out.push(
      "# HELP shards_http_watchers_active Open watch (Server-Sent Events) streams.",
      "# TYPE shards_http_watchers_active gauge",
      `shards_http_watchers_active ${this.watchersActive}`,
      "# HELP shards_http_watch_events_total Diff events written to watch streams.",
      "# TYPE shards_http_watch_events_total counter",
      `shards_http_watch_events_total ${this.watchEvents}`,
      "# HELP shards_http_watch_heartbeats_total Heartbeat comments written to watch streams.",
      "# TYPE shards_http_watch_heartbeats_total counter",
      `shards_http_watch_heartbeats_total ${this.watchHeartbeats}`,
    );
    if (position !== undefined)
      out.push(
        "# HELP shards_store_position Highest change position in the store.",
        "# TYPE shards_store_position gauge",
        `shards_store_position ${position}`,
      );
    return `${out.join("\n")}\n`;
  }
}
