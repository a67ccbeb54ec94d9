import type { Handler } from "hono";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeDiffQuery } from "../query.ts";

/** `GET /control/shards/diff`: the changes between two positions, filtered. @internal */
export const diff =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const query = decodeDiffQuery(new URL(c.req.url));
    if (query.isErr) return plane.fail(c, query.error);
    const { from, to, filter } = query.value;
    return plane.respond(c, await plane.service.diff(from, to, filter, { signal: c.req.raw.signal }));
  };
