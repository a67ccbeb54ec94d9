import type { ShardListPage } from "../../service-types.ts";

/**
 * The JSON text of a list page: `JSON.stringify` of it, with nothing kept. A cache of record texts holds about
 * 0.3 KB per record served (about 300 MB for a view of 1M shards, past the view's memory budget), and a page
 * joined from cached texts is not cheaper to write than one serialised again (measurements in
 * benchmarks/README.md). @internal
 */
export const listPageJson = (page: ShardListPage): string => JSON.stringify(page);
