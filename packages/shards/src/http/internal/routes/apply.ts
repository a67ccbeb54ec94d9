import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeApplyBody } from "../wire.ts";

/** `POST /control/shards/apply`: applies a simulation's moves. @internal */
export const apply =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const request = (await plane.body(c)).andThen(decodeApplyBody);
    if (request.isErr) return plane.fail(c, request.error);
    return plane.respond(c, await plane.service.apply(request.value));
  };
