import type { ShardDiffPage, ShardListPage } from "../../service-types.ts";

/**
 * The JSON text of each record or diff served, keyed by the object itself. A read view hands out one immutable
 * object per record version (a change makes a new object), so a fragment never goes stale, and it is released
 * with its object. A page then costs a join of fragments instead of serialising every field again.
 */
const fragments = new WeakMap<object, string>();

const fragmentOf = (value: object): string => {
  let text = fragments.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    fragments.set(value, text);
  }
  return text;
};

const arrayOf = (items: readonly object[]): string => {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += fragmentOf(items[i]);
  }
  return `${out}]`;
};

/** `JSON.stringify(page)` of a list page, from cached record fragments (byte-identical). @internal */
export const listPageJson = (page: ShardListPage): string =>
  `{"items":${arrayOf(page.items)},"nextCursor":${JSON.stringify(page.nextCursor)},"version":${JSON.stringify(page.version)}}`;

/** `JSON.stringify(page)` of a diff page, from cached diff fragments (byte-identical). @internal */
export const diffPageJson = (page: ShardDiffPage): string =>
  `{"items":${arrayOf(page.items)},"lastPosition":${JSON.stringify(page.lastPosition)}}`;
