import type { MiddlewareHandler } from "hono";
import type { ControlPlane, ShardAppEnv } from "./plane.ts";

/** The request methods counted under their own name; any other (a runtime may accept any token) is `other`. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]);

/**
 * A Hono middleware that counts every response in the metrics (by route: one of `routes`, else `other`; by
 * method: a standard one, else `other`, so a client cannot add series) and logs it with its duration and
 * caller. @internal
 */
export const requestLog =
  (plane: ControlPlane, routes: Readonly<Record<string, unknown>>): MiddlewareHandler<ShardAppEnv> =>
  async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routes[c.req.path] === undefined ? "other" : c.req.path;
    const method = METHODS.has(c.req.method) ? c.req.method : "other";
    plane.metrics.request(route, method, c.res.status, seconds);
    plane.log?.({
      level: "info",
      event: "request",
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      principal: c.get("principal")?.name,
      durationMs: seconds * 1000,
    });
  };
