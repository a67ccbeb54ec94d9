import { TimeProvider } from "@pipe/channels";
import { ErrorCodes, PipeError, type Result } from "@pipe/result";
import { type Context, Hono } from "hono";
import { ShardErrorCodes } from "../codes.ts";
import {
  createShardTokenVerifier,
  parseBearer,
  type ShardPrincipal,
  type ShardScope,
  shardScopeGranted,
} from "./auth.ts";
import { ShardHttpErrorCodes } from "./codes.ts";
import { readJsonBody } from "./internal/body.ts";
import { causeText } from "./internal/cause.ts";
import { HttpMetrics } from "./internal/metrics.ts";
import { decodeDiffQuery, decodeListQuery, decodeWatchQuery } from "./internal/query.ts";
import { type SseWatch, sseWatch } from "./internal/sse.ts";
import { decodeApplyBody, decodeSimulateBody, decodeUpsertBody } from "./internal/wire.ts";
import type { ShardControlPlaneAppOptions } from "./options.ts";
import { shardProblemResponse } from "./problem.ts";
import { shardHttpStatusOf } from "./status.ts";

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

const simulationsExhausted = (max: number): PipeError =>
  PipeError.from(`At most ${max} simulations run at once.`, ShardHttpErrorCodes.simulationsExhausted, {
    metadata: { maxConcurrentSimulations: max },
  });
const etagOf = (position: number): string => `"shards-${position}"`;
const etagMatches = (header: string, tag: string): boolean =>
  header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === tag);

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
 *   `fromVersion`/`toVersion`). Answers `{ items, lastPosition }`.
 * - `GET /control/shards/watch` (read): Server-Sent Events; `resumeToken` or `Last-Event-ID` (exclusive, the
 *   header wins); `id: <position>` + `event: shard.diff` per change, `: heartbeat` comments, one
 *   `event: shard.error` before closing on a failure. The service watch is aborted when the client leaves.
 *   On shutdown (`signal`) open streams end cleanly after a last `retry:` hint, so clients reconnect.
 * - `POST /control/shards/simulate` (operate): `{ namespace, strategyId?, nodes: [{ nodeId, weight?, region?,
 *   zone? }] }` (duplicate node ids are rejected). `POST /control/shards/upsert` (operate): a mutation with
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
 * parameters are rejected (400), so typos do not silently widen a filter.
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
  const { service, log } = options;
  const verify = createShardTokenVerifier(options.tokens);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const time = options.timeProvider ?? TimeProvider.system;
  const maxWatchers = options.maxWatchers ?? 1000;
  const metricsScope = options.metricsScope ?? "shards.read";
  const maxSimulations = Math.max(1, Math.floor(options.maxConcurrentSimulations ?? 2));
  let simulations = 0;
  const metrics = new HttpMetrics();
  const sessions = new Set<SseWatch>();
  const shutdown = options.signal;
  shutdown?.addEventListener(
    "abort",
    () => {
      for (const s of [...sessions]) s.close();
    },
    { once: true },
  );

  const fail = (c: Context, error: PipeError, headers?: HeadersInit): Response => {
    const mapping = shardHttpStatusOf(error);
    const code = error.code ?? "error.unspecified";
    metrics.error(code, mapping.mapped);
    if (!mapping.mapped)
      log?.({
        level: "warn",
        event: "unmapped-code",
        method: c.req.method,
        path: c.req.path,
        code,
        status: mapping.status,
      });
    if (mapping.status >= 500 || code === ShardErrorCodes.repositoryRejected)
      log?.({
        level: "error",
        event: "error",
        method: c.req.method,
        path: c.req.path,
        code,
        message: error.message,
        cause: causeText(error),
        status: mapping.status,
      });
    return shardProblemResponse(error, c.req.path, headers);
  };

  const authorize = async (
    c: Context,
    scope: ShardScope,
    queryToken = false,
  ): Promise<ShardPrincipal | Response> => {
    let presented = parseBearer(c.req.header("authorization"));
    if (presented === undefined && queryToken && options.allowQueryToken === true)
      presented = new URL(c.req.url).searchParams.get("access_token") ?? undefined;
    if (presented === undefined)
      return fail(c, PipeError.from("A bearer token is required.", ShardHttpErrorCodes.unauthorized), {
        "www-authenticate": 'Bearer realm="shards"',
      });
    const principal = await verify(presented);
    if (principal === undefined)
      return fail(c, PipeError.from("The bearer token is not valid.", ShardHttpErrorCodes.unauthorized), {
        "www-authenticate": 'Bearer realm="shards", error="invalid_token"',
      });
    c.set("principal" as never, principal.name as never);
    if (!shardScopeGranted(principal, scope))
      return fail(
        c,
        PipeError.from(`The token lacks the '${scope}' scope.`, ShardHttpErrorCodes.forbidden, {
          metadata: { scope },
        }),
        { "www-authenticate": `Bearer realm="shards", error="insufficient_scope", scope="${scope}"` },
      );
    return principal;
  };

  const json = (value: unknown, status = 200, headers?: Record<string, string>): Response =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    });
  const respond = <T>(c: Context, result: Result<T>, status: (v: T) => number = () => 200): Response =>
    result.isOk ? json(result.value, status(result.value)) : fail(c, result.error);
  const body = async (c: Context): Promise<Result<unknown>> => readJsonBody(c.req.raw, maxBody);

  const app = new Hono();

  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = ROUTES[c.req.path] === undefined ? "other" : c.req.path;
    metrics.request(route, c.req.method, c.res.status, seconds);
    log?.({
      level: "info",
      event: "request",
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      principal: c.get("principal" as never) as string | undefined,
      durationMs: seconds * 1000,
    });
  });

  app.get("/healthz", async (c) => {
    const head = await service.repository.highestPosition({ signal: c.req.raw.signal });
    return head.isOk ? json({ status: "ok", position: head.value }) : fail(c, head.error);
  });

  app.get("/metrics", async (c) => {
    if (metricsScope !== "public") {
      const who = await authorize(c, metricsScope);
      if (who instanceof Response) return who;
    }
    metrics.watchersActive = sessions.size;
    const head = await service.repository.highestPosition();
    return new Response(metrics.render(head.isOk ? head.value : undefined), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
    });
  });

  app.get("/control/shards", async (c) => {
    const who = await authorize(c, "shards.read");
    if (who instanceof Response) return who;
    const query = decodeListQuery(new URL(c.req.url));
    if (query.isErr) return fail(c, query.error);
    const signal = c.req.raw.signal;
    const inm = c.req.header("if-none-match");
    if (inm !== undefined) {
      const head = await service.repository.highestPosition({ signal });
      if (head.isOk && etagMatches(inm, etagOf(head.value)))
        return new Response(null, {
          status: 304,
          headers: { etag: etagOf(head.value), "cache-control": "no-cache" },
        });
    }
    const { filter, pageSize, cursor, minPosition } = query.value;
    const page = await service.list(filter, { pageSize, cursor, minPosition, signal });
    if (page.isErr)
      return fail(
        c,
        page.error,
        page.error.code === ShardErrorCodes.viewBehind ? { "retry-after": "1" } : {},
      );
    const tag = etagOf(page.value.version);
    return json(page.value, 200, {
      etag: tag,
      "cache-control": "no-cache",
      "x-pipe-shards-position": String(page.value.version),
    });
  });

  app.get("/control/shards/ownership", async (c) => {
    const who = await authorize(c, "shards.read");
    if (who instanceof Response) return who;
    const url = new URL(c.req.url);
    const unknown = [...url.searchParams.keys()].find((k) => k !== "namespace" && k !== "access_token");
    if (unknown !== undefined)
      return fail(
        c,
        PipeError.from(`Unknown query parameter ${unknown}.`, ErrorCodes.validation, {
          metadata: { issues: [{ path: `$.query.${unknown}`, message: "Unknown query parameter" }] },
        }),
      );
    return respond(
      c,
      await service.ownership(url.searchParams.get("namespace"), { signal: c.req.raw.signal }),
    );
  });

  app.get("/control/shards/diff", async (c) => {
    const who = await authorize(c, "shards.operate");
    if (who instanceof Response) return who;
    const query = decodeDiffQuery(new URL(c.req.url));
    if (query.isErr) return fail(c, query.error);
    const { from, to, filter } = query.value;
    return respond(c, await service.diff(from, to, filter, { signal: c.req.raw.signal }));
  });

  app.get("/control/shards/watch", async (c) => {
    const who = await authorize(c, "shards.read", true);
    if (who instanceof Response) return who;
    const query = decodeWatchQuery(new URL(c.req.url), c.req.header("last-event-id") ?? null);
    if (query.isErr) return fail(c, query.error);
    if (shutdown?.aborted)
      return fail(c, PipeError.from("The server is shutting down.", ShardHttpErrorCodes.watchersExhausted), {
        "retry-after": "5",
      });
    if (sessions.size >= maxWatchers)
      return fail(
        c,
        PipeError.from(
          `At most ${maxWatchers} watch streams are served at once.`,
          ShardHttpErrorCodes.watchersExhausted,
          {
            metadata: { maxWatchers },
          },
        ),
        { "retry-after": "5" },
      );
    const { filter, resumeToken } = query.value;
    const path = c.req.path;
    const session: SseWatch = sseWatch({
      source: (signal) => service.watch(resumeToken, filter, { signal }),
      time,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      retryMs: options.retryMs ?? 2000,
      requestSignal: c.req.raw.signal,
      hooks: {
        onEvent: () => {
          metrics.watchEvents++;
        },
        onHeartbeat: () => {
          metrics.watchHeartbeats++;
        },
        onError: (e) => {
          const mapping = shardHttpStatusOf(e);
          metrics.error(e.code ?? "error.unspecified", mapping.mapped);
          if (mapping.status >= 500)
            log?.({ level: "error", event: "error", method: "GET", path, code: e.code, message: e.message });
        },
        onClose: () => {
          sessions.delete(session);
          metrics.watchersActive = sessions.size;
          log?.({ level: "info", event: "watch.close", method: "GET", path, principal: who.name });
        },
      },
    });
    sessions.add(session);
    metrics.watchersActive = sessions.size;
    log?.({ level: "info", event: "watch.open", method: "GET", path, principal: who.name });
    return session.response;
  });

  app.post("/control/shards/simulate", async (c) => {
    const who = await authorize(c, "shards.operate");
    if (who instanceof Response) return who;
    const request = (await body(c)).andThen(decodeSimulateBody);
    if (request.isErr) return fail(c, request.error);
    if (simulations >= maxSimulations)
      return fail(c, simulationsExhausted(maxSimulations), { "retry-after": "1" });
    simulations++;
    try {
      return respond(c, await service.simulate(request.value, { signal: c.req.raw.signal }));
    } finally {
      simulations--;
    }
  });

  app.post("/control/shards/upsert", async (c) => {
    const who = await authorize(c, "shards.operate");
    if (who instanceof Response) return who;
    const mutation = (await body(c)).andThen(decodeUpsertBody);
    if (mutation.isErr) return fail(c, mutation.error);
    return respond(c, await service.upsert(mutation.value), (r) => (r.created ? 201 : 200));
  });

  app.post("/control/shards/apply", async (c) => {
    const who = await authorize(c, "shards.operate");
    if (who instanceof Response) return who;
    const request = (await body(c)).andThen(decodeApplyBody);
    if (request.isErr) return fail(c, request.error);
    return respond(c, await service.apply(request.value));
  });

  for (const [path, methods] of Object.entries(ROUTES))
    app.all(path, (c) =>
      fail(
        c,
        PipeError.from(`${c.req.method} is not supported on ${path}.`, ShardHttpErrorCodes.methodNotAllowed, {
          metadata: { allow: methods },
        }),
        { allow: methods.join(", ") },
      ),
    );
  app.notFound((c) =>
    fail(c, PipeError.from(`No endpoint at ${c.req.path}.`, ShardHttpErrorCodes.routeNotFound)),
  );
  app.onError((e, c) => fail(c, PipeError.fromException(e)));
  return app;
}
