import type { RecordsJson } from "../../internal/records-json.ts";
import type { ShardListPage } from "../../service-types.ts";

/** The JSON text of a list page: `JSON.stringify` of it. @internal */
export const listPageJson = (page: ShardListPage): string => JSON.stringify(page);

/**
 * The UTF-8 JSON bytes of a list page, the same bytes as encoding `JSON.stringify(page)`, with the items'
 * texts from `records` (a read view's writer, which keeps each record's text in its byte arena). @internal
 */
export const listPageBytes = (page: ShardListPage, records: RecordsJson): Uint8Array<ArrayBuffer> =>
  records(
    page.items,
    '{"items":',
    `,"nextCursor":${JSON.stringify(page.nextCursor)},"version":${JSON.stringify(page.version)}}`,
  );
