import { createHash, timingSafeEqual } from "node:crypto";
import { ErrorCodes } from "@pipe/pipeline";
import { type OverflowPolicy, TenantErrorCodes } from "@pipe/tenants";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { TenantRouterApp } from "./app.ts";
import { renderMetrics } from "./metrics.ts";
import { problemResponse, routerProblem, TenantAdminErrorCodes, validationProblem } from "./problem.ts";
import { NOT_AN_ID, tenantIdProblem } from "./tenant-id.ts";

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Compares a presented token with the expected one in constant time (both are hashed first, so neither the
 * length nor the first differing byte leaks through timing).
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

const OVERFLOWS = new Set<string>(["block", "deadLetter", "dropOldest"]);

/** The largest branch capacity `POST /admin/tenants` accepts (a larger one would leave the branch unbounded in practice). */
export const MAX_TENANT_CAPACITY = 1_000_000;
/** The largest `POST /admin/tenants` body, in bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The admin HTTP API and `/metrics`, as a Hono app (serve it with `@hono/node-server`, bound to 127.0.0.1).
 *
 * Routes: `GET /healthz` and `GET /metrics` (Prometheus text) are open; `/admin/*` needs
 * `Authorization: Bearer <token>`: 401 when the header is missing or not a bearer token, 403 when the token is
 * wrong. `GET /admin/tenants` lists tenants with counters; `POST /admin/tenants` `{ tenantId, capacity?,
 * overflow? }` adds one (201; 409 `tenants.duplicate` / `tenants.closed`; 400 `error.validation` for a bad
 * field: a tenant id that is blank, over 200 characters, padded with white space or holding control,
 * invisible or bidi format characters, line/paragraph separators or lone surrogates, a capacity that is not an integer in 1..{@link MAX_TENANT_CAPACITY}, an
 * unknown overflow; 400 `tenant-router.http.json.malformed` when the body is not JSON; 413 over 64 KiB);
 * `DELETE /admin/tenants/:id` removes one, waiting until it drained what it accepted (200; 404
 * `tenants.not_found`).
 *
 * Details: every error is `application/problem+json` in the shard control plane's shape (`type`, `title`,
 * `status`, `detail`, `code`, `metadata`; `metadata.issues` `{ path, message }[]` for `error.validation`);
 * the codes of the API's own failures are `TenantAdminErrorCodes`.
 *
 * @example
 * ```ts
 * import { createAdminApp } from "@pipe/app-tenant-router";
 * // const admin = createAdminApp(app, "s3cret"); serve({ fetch: admin.fetch, hostname: "127.0.0.1", port: 8788 })
 * ```
 */
export function createAdminApp(app: TenantRouterApp, token: string): Hono {
  if (token.length === 0) throw new RangeError("createAdminApp: the admin token must not be empty.");
  const router = app.router;
  const api = new Hono();

  api.get("/healthz", (c) => c.json({ ok: true, state: router.state }));
  api.get("/metrics", (c) =>
    c.body(renderMetrics(router.snapshot(), app.stats, app.ingress.stats), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }),
  );

  api.use("/admin/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) {
      return problemResponse(
        401,
        TenantAdminErrorCodes.unauthorized,
        "Send Authorization: Bearer <token>.",
        {},
        { "www-authenticate": 'Bearer realm="tenant-router"' },
      );
    }
    if (!tokenMatches(match[1] as string, token))
      return problemResponse(403, TenantAdminErrorCodes.forbidden, "Wrong token.");
    await next();
  });

  api.get("/admin/tenants", (c) => {
    const snapshot = router.snapshot();
    return c.json({
      state: snapshot.state,
      tenants: snapshot.tenants.map((t) => ({
        ...t,
        error: t.error?.toJSON(),
        ledger: app.stats.tenant(t.tenantId),
      })),
      totals: snapshot.totals,
      unknown: snapshot.unknown,
    });
  });

  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () =>
      problemResponse(
        413,
        TenantAdminErrorCodes.payloadTooLarge,
        `The body must be at most ${MAX_BODY_BYTES} bytes.`,
        { maxBytes: MAX_BODY_BYTES },
      ),
  });
  api.post("/admin/tenants", limit, async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problemResponse(
        400,
        TenantAdminErrorCodes.malformedJson,
        "The body must be JSON: { tenantId }.",
      );
    }
    const { tenantId, capacity, overflow } = (body ?? {}) as Record<string, unknown>;
    const problem = typeof tenantId === "string" ? tenantIdProblem(tenantId) : NOT_AN_ID;
    if (problem !== undefined || typeof tenantId !== "string")
      return validationProblem("$.tenantId", problem ?? NOT_AN_ID);
    if (
      capacity !== undefined &&
      (!Number.isInteger(capacity) || (capacity as number) < 1 || (capacity as number) > MAX_TENANT_CAPACITY)
    )
      return validationProblem("$.capacity", `capacity must be an integer from 1 to ${MAX_TENANT_CAPACITY}.`);
    if (overflow !== undefined && !OVERFLOWS.has(overflow as string))
      return validationProblem("$.overflow", "overflow must be block, deadLetter or dropOldest.");
    const added = router.add(tenantId, {
      ...(capacity === undefined ? {} : { capacity: capacity as number }),
      ...(overflow === undefined ? {} : { overflow: overflow as OverflowPolicy }),
    });
    if (added.isErr) return routerProblem(409, added.error);
    const snap = router.snapshot().tenants.find((t) => t.tenantId === tenantId);
    return c.json({ tenantId, state: snap?.state, capacity: snap?.capacity, overflow: snap?.overflow }, 201);
  });

  api.delete("/admin/tenants/:id", async (c) => {
    const tenantId = c.req.param("id");
    const removed = await router.remove(tenantId);
    if (removed.isErr) {
      const status = removed.error.code === TenantErrorCodes.notFound ? 404 : 409;
      return routerProblem(status, removed.error);
    }
    return c.json({ tenantId, removed: true, ledger: app.stats.tenant(tenantId) });
  });

  api.notFound((c) =>
    problemResponse(
      404,
      TenantAdminErrorCodes.routeNotFound,
      `No endpoint at ${c.req.method} ${c.req.path}.`,
    ),
  );
  api.onError((e) => problemResponse(500, ErrorCodes.exception, String(e)));
  return api;
}
