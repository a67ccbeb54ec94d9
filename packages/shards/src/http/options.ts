import type { TimeProvider } from "@pipe/channels";
import type { ShardControlPlaneService } from "../service.ts";
import type { ShardAccessToken, ShardScope } from "./auth.ts";

/**
 * One structured log line from the HTTP surface. It never carries a token, an `Authorization` header or a
 * query string (where an `access_token` could be).
 *
 * @example
 * ```ts
 * import type { ShardHttpLogEntry } from "@pipe/shards/http";
 * const print = (e: ShardHttpLogEntry) => console.log(`${e.level} ${e.event} ${e.method} ${e.path} ${e.status ?? ""}`);
 * console.log(typeof print);
 * ```
 */
export interface ShardHttpLogEntry {
  readonly level: "info" | "warn" | "error";
  /** `request` (one per response), `error` (a 5xx), `unmapped-code`, `watch.open`, `watch.close`. */
  readonly event: string;
  readonly method: string;
  /** The path only, without the query string. */
  readonly path: string;
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  /** For `error` events: the innermost cause's text (driver or exception text; never sent to the client). */
  readonly cause?: string | undefined;
  /** The token's configured `name`, never the token. */
  readonly principal?: string | undefined;
  readonly durationMs?: number | undefined;
}

/**
 * Options of `createShardControlPlaneApp`.
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, ShardControlPlaneService } from "@pipe/shards";
 * import type { ShardControlPlaneAppOptions } from "@pipe/shards/http";
 * const options: ShardControlPlaneAppOptions = {
 *   service: new ShardControlPlaneService({ repository: new InMemoryShardRepository() }),
 *   tokens: [{ name: "ops", token: "0123456789abcdef-operator", scopes: ["shards.operate"] }],
 *   maxBodyBytes: 256 * 1024,
 * };
 * console.log(options.maxBodyBytes);
 * ```
 */
export interface ShardControlPlaneAppOptions {
  readonly service: ShardControlPlaneService;
  /** Bearer tokens and their scopes (compared in constant time). */
  readonly tokens: readonly ShardAccessToken[];
  /**
   * Largest accepted request body in bytes (default 1 MiB); larger gets 413 `shards.http.payload_too_large`.
   * Bodies nesting arrays and objects deeper than `ShardLimits.maxJsonDepth` (16) get 400
   * `shards.http.json.too_deep`.
   */
  readonly maxBodyBytes?: number | undefined;
  /** Interval of `: heartbeat` comments on watch streams, in ms (default 15,000). */
  readonly heartbeatMs?: number | undefined;
  /** The `retry:` reconnect delay sent to EventSource clients, in ms (default 2,000). */
  readonly retryMs?: number | undefined;
  /**
   * Most simulations running at once (default 2; at least 1); more get 503 `shards.http.simulations.exhausted`
   * with `Retry-After: 1`. A simulation keeps its slot until its work stops (finished, failed or aborted by the
   * client leaving).
   */
  readonly maxConcurrentSimulations?: number | undefined;
  /** Most concurrent watch streams (default 1,000); more get 503. */
  readonly maxWatchers?: number | undefined;
  /** Clock of the heartbeats (default `TimeProvider.system`; tests pass a `VirtualTimeProvider`). */
  readonly timeProvider?: TimeProvider | undefined;
  /**
   * Accept the token as an `access_token` query parameter on `GET /control/shards/watch` (default false).
   * Browsers' `EventSource` cannot send headers; the cost is a token in a URL (proxies, history), so give
   * such clients a read-only token.
   */
  readonly allowQueryToken?: boolean | undefined;
  /** Scope `GET /metrics` needs, or `"public"` (default `shards.read`). */
  readonly metricsScope?: ShardScope | "public" | undefined;
  /**
   * Shutdown: when it aborts, every watch stream ends cleanly after a last `retry:` hint (EventSource clients
   * reconnect with `Last-Event-ID`, to the next instance) and new ones get 503 with `Retry-After`. Stop
   * accepting connections and close idle keep-alive ones in the server first, so reconnects do not land here.
   */
  readonly signal?: AbortSignal | undefined;
  /** Structured log sink (default: none). */
  readonly log?: ((entry: ShardHttpLogEntry) => void) | undefined;
}
