import { ErrorCodes, PipeError } from "@pipe/result";
import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";

/** `GET /control/shards/ownership`: shards per owner of one namespace and their balance. @internal */
export const ownership =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const url = new URL(c.req.url);
    const unknown = [...url.searchParams.keys()].find((k) => k !== "namespace" && k !== "access_token");
    if (unknown !== undefined)
      return plane.fail(
        c,
        PipeError.from(`Unknown query parameter ${unknown}.`, ErrorCodes.validation, {
          metadata: { issues: [{ path: `$.query.${unknown}`, message: "Unknown query parameter" }] },
        }),
      );
    return plane.respond(
      c,
      await plane.service.ownership(url.searchParams.get("namespace"), { signal: c.req.raw.signal }),
    );
  };
