import type { Handler } from "hono";
import { ShardErrorCodes } from "../../../codes.ts";
import { decodeShardCursor } from "../../../cursor.ts";
import { recordsJsonOf } from "../../../internal/records-json.ts";
import { ShardReadView } from "../../../read-view.ts";
import { listPageBytes, listPageJson } from "../json-fragments.ts";
import type { ControlPlane, ShardAppEnv } from "../plane.ts";
import { decodeListQuery } from "../query.ts";

const etagOf = (position: number): string => `"shards-${position}"`;
const etagMatches = (header: string, tag: string): boolean =>
  header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === tag);

/**
 * `GET /control/shards`: one page of shards with a strong ETag of the store's position; 304 for a matching
 * `If-None-Match`, checked before the page is read. @internal
 */
export const list =
  (plane: ControlPlane): Handler<ShardAppEnv> =>
  async (c) => {
    const query = decodeListQuery(new URL(c.req.url));
    if (query.isErr) return plane.fail(c, query.error);
    const { filter, pageSize, cursor, minPosition } = query.value;
    const repository = plane.service.repository;
    // A read view answers at once from memory: the request's signal (an AbortController per request on some
    // adapters) is only taken when the answer can wait (`minPosition`) or comes from a store.
    const signal =
      repository instanceof ShardReadView && minPosition === undefined ? undefined : c.req.raw.signal;
    const inm = c.req.header("if-none-match");
    if (inm !== undefined) {
      // The service decodes the cursor; before a conditional answer it is checked here first, so an invalid
      // one is `shards.control.cursor.invalid` rather than 304.
      const decoded = cursor === undefined ? undefined : decodeShardCursor(cursor);
      if (decoded?.isErr) return plane.fail(c, decoded.error);
      const head = await repository.highestPosition({ signal });
      if (head.isOk && etagMatches(inm, etagOf(head.value)))
        return new Response(null, {
          status: 304,
          headers: { etag: etagOf(head.value), "cache-control": "no-cache" },
        });
    }
    const page = await plane.service.list(filter, { pageSize, cursor, minPosition, signal });
    if (page.isErr)
      return plane.fail(
        c,
        page.error,
        page.error.code === ShardErrorCodes.viewBehind ? { "retry-after": "1" } : {},
      );
    const tag = etagOf(page.value.version);
    const records = recordsJsonOf(repository);
    const body = records === undefined ? listPageJson(page.value) : listPageBytes(page.value, records);
    return plane.jsonText(body, 200, {
      etag: tag,
      "cache-control": "no-cache",
      "x-pipe-shards-position": String(page.value.version),
    });
  };
