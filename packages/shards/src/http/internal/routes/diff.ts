import type { Handler } from "hono";
import { diffPageJson } from "../json-fragments.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeDiffQuery } from "../query.ts";

/** `GET /control/shards/diff`: the changes between two positions, filtered. @internal */
export const diff =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const query = decodeDiffQuery(new URL(c.req.url));
    if (query.isErr) return plane.fail(c, query.error);
    const { from, to, filter } = query.value;
    const page = await plane.service.diff(from, to, filter, { signal: c.req.raw.signal });
    return page.isOk ? plane.jsonText(diffPageJson(page.value)) : plane.fail(c, page.error);
  };
