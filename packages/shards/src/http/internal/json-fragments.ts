import type { ShardDiffPage, ShardListPage } from "../../service-types.ts";

/**
 * The JSON text of one record or diff: `JSON.stringify` of it, with nothing kept. A cache of record texts holds
 * about 0.3 KB per record served (about 300 MB for a view of 1M shards, past the view's memory budget), and a
 * page joined from cached texts is not cheaper to write than one serialised again (measurements in
 * benchmarks/README.md).
 */
const fragmentOf = (value: object): string => JSON.stringify(value);

/** `JSON.stringify(page)` of a list page. @internal */
export const listPageJson = (page: ShardListPage): string => JSON.stringify(page);

const arrayOf = (items: readonly object[]): string => {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += fragmentOf(items[i]);
  }
  return `${out}]`;
};

/** `JSON.stringify(page)` of a diff page (byte-identical). @internal */
export const diffPageJson = (page: ShardDiffPage): string =>
  `{"items":${arrayOf(page.items)},"lastPosition":${JSON.stringify(page.lastPosition)}}`;
