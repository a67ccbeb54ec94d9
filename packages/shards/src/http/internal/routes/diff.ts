import type { Handler } from "hono";
import { streamedJsonResponse } from "../json-stream.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeDiffQuery } from "../query.ts";

/**
 * `GET /control/shards/diff`: the changes between two positions, filtered. The body is streamed in chunks
 * with yields between them (`streamedJsonResponse`): a diff of thousands of changes never holds up other
 * requests for longer than one chunk, and no whole-body text is built. @internal
 */
export const diff =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const query = decodeDiffQuery(new URL(c.req.url));
    if (query.isErr) return plane.fail(c, query.error);
    const { from, to, filter } = query.value;
    const page = await plane.service.diff(from, to, filter, { signal: c.req.raw.signal });
    return page.isOk ? streamedJsonResponse(page.value) : plane.fail(c, page.error);
  };
