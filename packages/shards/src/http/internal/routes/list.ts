import type { Handler } from "hono";
import { ShardErrorCodes } from "../../../codes.ts";
import { recordsJsonOf } from "../../../internal/records-json.ts";
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
    const signal = c.req.raw.signal;
    const inm = c.req.header("if-none-match");
    if (inm !== undefined) {
      const head = await plane.service.repository.highestPosition({ signal });
      if (head.isOk && etagMatches(inm, etagOf(head.value)))
        return new Response(null, {
          status: 304,
          headers: { etag: etagOf(head.value), "cache-control": "no-cache" },
        });
    }
    const { filter, pageSize, cursor, minPosition } = query.value;
    const page = await plane.service.list(filter, { pageSize, cursor, minPosition, signal });
    if (page.isErr)
      return plane.fail(
        c,
        page.error,
        page.error.code === ShardErrorCodes.viewBehind ? { "retry-after": "1" } : {},
      );
    const tag = etagOf(page.value.version);
    const records = recordsJsonOf(plane.service.repository);
    const body = records === undefined ? listPageJson(page.value) : listPageBytes(page.value, records);
    return plane.jsonText(body, 200, {
      etag: tag,
      "cache-control": "no-cache",
      "x-pipe-shards-position": String(page.value.version),
    });
  };
