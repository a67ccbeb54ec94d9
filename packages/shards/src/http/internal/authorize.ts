import { PipeError } from "@pipe/result";
import type { MiddlewareHandler } from "hono";
import { parseBearer, type ShardScope, shardScopeGranted, shardTokenMatcher } from "../auth.ts";
import { ShardHttpErrorCodes } from "../codes.ts";
import type { ControlPlane, ShardAppEnv } from "./plane.ts";

/** Options of one {@link authorize} middleware. @internal */
export interface AuthorizeOptions {
  /** Also accept an `access_token` query parameter when the app allows it (`allowQueryToken`). */
  readonly queryToken?: boolean;
}

/**
 * A factory of Hono middlewares that let a request through only with a bearer token granting a scope, and
 * store the caller in `c.var.principal`. Otherwise it answers 401 (no or an unknown token) or 403 (the scope is
 * missing) with the matching `WWW-Authenticate` challenge, before the route reads the body. @internal
 */
export function authorizer(
  plane: ControlPlane,
): (scope: ShardScope, options?: AuthorizeOptions) => MiddlewareHandler<ShardAppEnv> {
  const verify = shardTokenMatcher(plane.options.tokens);
  const allowQueryToken = plane.options.allowQueryToken === true;
  return (scope, options) => {
    const queryToken = allowQueryToken && options?.queryToken === true;
    return async function authorize(c, next) {
      let presented = parseBearer(c.req.header("authorization"));
      if (presented === undefined && queryToken)
        presented = new URL(c.req.url).searchParams.get("access_token") ?? undefined;
      if (presented === undefined)
        return plane.fail(
          c,
          PipeError.from("A bearer token is required.", ShardHttpErrorCodes.unauthorized),
          {
            "www-authenticate": 'Bearer realm="shards"',
          },
        );
      const principal = verify(presented);
      if (principal === undefined)
        return plane.fail(
          c,
          PipeError.from("The bearer token is not valid.", ShardHttpErrorCodes.unauthorized),
          {
            "www-authenticate": 'Bearer realm="shards", error="invalid_token"',
          },
        );
      c.set("principal", principal);
      if (!shardScopeGranted(principal, scope))
        return plane.fail(
          c,
          PipeError.from(`The token lacks the '${scope}' scope.`, ShardHttpErrorCodes.forbidden, {
            metadata: { scope },
          }),
          { "www-authenticate": `Bearer realm="shards", error="insufficient_scope", scope="${scope}"` },
        );
      await next();
    };
  };
}
