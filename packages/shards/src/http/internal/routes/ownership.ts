import { ErrorCodes, PipeError } from "@pipe/result";
import type { Handler } from "hono";
import { validationError } from "../../../internal/decode.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { percentEscapeIssues } from "../query.ts";

/** `GET /control/shards/ownership`: shards per owner of one namespace and their balance. @internal */
export const ownership =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const url = new URL(c.req.url);
    const escapes = percentEscapeIssues(url);
    if (escapes.length > 0) return plane.fail(c, validationError("query", escapes));
    const unknown = [...url.searchParams.keys()].find((k) => k !== "namespace" && k !== "access_token");
    if (unknown !== undefined)
      return plane.fail(
        c,
        PipeError.from(`Unknown query parameter ${unknown}.`, ErrorCodes.validation, {
          metadata: { issues: [{ path: `$.query.${unknown}`, message: "Unknown query parameter" }] },
        }),
      );
    const namespaces = url.searchParams.getAll("namespace");
    if (namespaces.length > 1)
      return plane.fail(
        c,
        PipeError.from("Invalid query: $.query.namespace: Expected a single value", ErrorCodes.validation, {
          metadata: { issues: [{ path: "$.query.namespace", message: "Expected a single value" }] },
        }),
      );
    return plane.respond(
      c,
      await plane.service.ownership(namespaces[0] ?? null, { signal: c.req.raw.signal }),
    );
  };
