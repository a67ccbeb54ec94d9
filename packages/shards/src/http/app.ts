import { PipeError } from "@pipe/result";
import { Hono } from "hono";
import { ShardHttpErrorCodes } from "./codes.ts";
import { authorizer } from "./internal/authorize.ts";
import { createControlPlane, type ShardAppEnv } from "./internal/plane.ts";
import { requestLog } from "./internal/request-log.ts";
import { apply } from "./internal/routes/apply.ts";
import { diff } from "./internal/routes/diff.ts";
import { health } from "./internal/routes/health.ts";
import { list } from "./internal/routes/list.ts";
import { metrics } from "./internal/routes/metrics.ts";
import { ownership } from "./internal/routes/ownership.ts";
import { simulate } from "./internal/routes/simulate.ts";
import { upsert } from "./internal/routes/upsert.ts";
import { watch } from "./internal/routes/watch.ts";
import type { ShardControlPlaneAppOptions } from "./options.ts";

/** The routes and their methods; other methods on them get 405 with `Allow`. */
const ROUTES: Readonly<Record<string, readonly string[]>> = {
  "/control/shards": ["GET"],
  "/control/shards/diff": ["GET"],
  "/control/shards/ownership": ["GET"],
  "/control/shards/watch": ["GET"],
  "/control/shards/simulate": ["POST"],
  "/control/shards/upsert": ["POST"],
  "/control/shards/apply": ["POST"],
  "/healthz": ["GET"],
  "/metrics": ["GET"],
};

/**
 * Builds the shard control plane's HTTP surface: a runtime-agnostic Hono app (use `app.fetch` with any
 * server: `@hono/node-server`, Deno's `serve`, Bun's `serve`, or call it in-process).
 *
 * When to use: to expose a `ShardControlPlaneService` over HTTP with access control.
 *
 * Details:
 * - `GET /control/shards` (read): query `namespace`, `owner`, `search`, `status` (repeatable or separated by
 *   space/comma/semicolon; names in any case or 0-3), `pageSize` (1..500, default 100), `cursor`. Answers
 *   `{ items, nextCursor, version }` with a strong `ETag: "shards-<position>"` (the store's highest change
 *   position) and 304 for a matching `If-None-Match` (checked before the page is read).
 * - `GET /control/shards/ownership` (read): `namespace`; answers `{ namespace, shards, balance: { perNode, max,
 *   mean, ratio }, version }` (shards per owner; counted by the read view when the service has one).
 * - `GET /control/shards/diff` (operate): filters plus `fromPosition`/`toPosition` (inclusive; aliases
 *   `fromVersion`/`toVersion`). Answers `{ items, lastPosition }`, written in chunks with yields to the event loop
 *   between them (no `Content-Length`), so a large diff does not hold up other requests.
 * - `GET /control/shards/watch` (read): Server-Sent Events; `resumeToken` or `Last-Event-ID` (exclusive, the
 *   header wins); `id: <position>` + `event: shard.diff` per change, `: heartbeat` comments, one
 *   `event: shard.error` before closing on a failure. The service watch is aborted when the client leaves.
 *   On shutdown (`signal`) open streams end cleanly after a last `retry:` hint, so clients reconnect.
 * - `POST /control/shards/simulate` (operate): `{ namespace, strategyId?, nodes: [{ nodeId, weight?, region?,
 *   zone? }] }` (duplicate node ids are rejected). With query `pageSize` (1..10,000, default 1,000) and/or
 *   `cursor` it answers one page of the plan (`simulatePage`: the next shards after `cursor`, with
 *   `nextCursor` and `version`), so a plan of 1,000,000 shards comes back in pages. `POST /control/shards/upsert` (operate): a mutation with
 *   `expectedVersion` and `changeMetadata` (201 when created, else 200). `POST /control/shards/apply`
 *   (operate): `{ simulation, actor, reason, changeTicket, metadata? }`.
 * - `GET /healthz` (public), `GET /metrics` (Prometheus text; `metricsScope`).
 * - Statuses are lowercase names on the wire (integers 0-3 accepted on input); JSON is camelCase.
 * - Every failure is `application/problem+json` with `code` (see `shardHttpStatuses`): 401 +
 *   `WWW-Authenticate` without a valid token, 403 without the scope, 413 over `maxBodyBytes`, 415 for a
 *   non-JSON body, 400 for malformed JSON, for JSON nested deeper than 16 levels and for every decode problem
 *   (`error.validation` with `issues` paths, including every bound of `ShardLimits`), 404/405 for unknown
 *   routes/methods, 503 + `Retry-After` over `maxConcurrentSimulations` or `maxWatchers`.
 *
 * Gotchas: mutations are not interrupted when the client disconnects (they finish or roll back); reads and
 * simulations are (`error.canceled`, 499). The token is checked before the body is read. Unknown query
 * parameters are rejected (400), so typos do not silently widen a filter, and so are percent-escapes that are
 * not UTF-8 (`%FF`, `%ED%A0%80`: URL parsing would turn them into U+FFFD and ask for other text).
 *
 * @example
 * ```ts
 * import { InMemoryShardRepository, ShardControlPlaneService } from "@pipe/shards";
 * import { createShardControlPlaneApp } from "@pipe/shards/http";
 * const service = new ShardControlPlaneService({ repository: new InMemoryShardRepository() });
 * const app = createShardControlPlaneApp({ service, tokens: [{ token: "0123456789abcdef-reader", scopes: ["shards.read"] }] });
 * const res = await app.request("/control/shards", { headers: { authorization: "Bearer 0123456789abcdef-reader" } });
 * console.log(res.status, await res.json()); // 200 { items: [], nextCursor: null, version: 0 }
 * ```
 */
export function createShardControlPlaneApp(options: ShardControlPlaneAppOptions): Hono {
  const plane = createControlPlane(options);
  const authorize = authorizer(plane);
  const metricsScope = options.metricsScope ?? "shards.read";
  const app = new Hono<ShardAppEnv>();

  app.use("*", requestLog(plane, ROUTES));
  app.get("/healthz", health(plane));
  if (metricsScope === "public") app.get("/metrics", metrics(plane));
  else app.get("/metrics", authorize(metricsScope), metrics(plane));
  app.get("/control/shards", authorize("shards.read"), list(plane));
  app.get("/control/shards/ownership", authorize("shards.read"), ownership(plane));
  app.get("/control/shards/diff", authorize("shards.operate"), diff(plane));
  app.get("/control/shards/watch", authorize("shards.read", { queryToken: true }), watch(plane));
  app.post("/control/shards/simulate", authorize("shards.operate"), simulate(plane));
  app.post("/control/shards/upsert", authorize("shards.operate"), upsert(plane));
  app.post("/control/shards/apply", authorize("shards.operate"), apply(plane));

  for (const [path, methods] of Object.entries(ROUTES))
    app.all(path, (c) =>
      plane.fail(
        c,
        PipeError.from(`${c.req.method} is not supported on ${path}.`, ShardHttpErrorCodes.methodNotAllowed, {
          metadata: { allow: methods },
        }),
        { allow: methods.join(", ") },
      ),
    );
  app.notFound((c) =>
    plane.fail(c, PipeError.from(`No endpoint at ${c.req.path}.`, ShardHttpErrorCodes.routeNotFound)),
  );
  app.onError((e, c) => plane.fail(c, PipeError.fromException(e)));
  // Callers get a plain Hono: the `principal` variable is the app's own business.
  return app as unknown as Hono;
}
