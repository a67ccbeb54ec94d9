/**
 * The queries of the shard control plane's load benchmarks (`shards-load.ts`, `shards-ab.ts`): paths for list
 * pages of namespace `ns-3` at cursors collected from the app, filtered lists, and diffs of 1,000 positions.
 *
 * @module
 */

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** Cursors to vary pages: every page start of `ns-3` in pages of 500, at most 400 of them. */
export async function collectCursors(url: string, token: string): Promise<string[]> {
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 400; i++) {
    const res = await fetch(
      `${url}/control/shards?namespace=ns-3&pageSize=500${cursor === null ? "" : `&cursor=${cursor}`}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const page = (await res.json()) as { nextCursor: string | null };
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
    cursors.push(cursor);
  }
  return cursors;
}

/** Each query by name: a fresh path per request. `head` is the store's highest change position. */
export function shardQueries(cursors: readonly string[], head: number): Record<string, () => string> {
  return {
    "list 100": () => `/control/shards?namespace=ns-3&pageSize=100&cursor=${pick(cursors)}`,
    "list 500": () => `/control/shards?namespace=ns-3&pageSize=500&cursor=${pick(cursors)}`,
    "list 100 owner": () =>
      `/control/shards?namespace=ns-3&pageSize=100&owner=node-${String(Math.floor(Math.random() * 1000)).padStart(4, "0")}`,
    "list 100 status": () =>
      `/control/shards?namespace=ns-3&pageSize=100&status=paused&cursor=${pick(cursors)}`,
    "list 100 search": () =>
      `/control/shards?namespace=ns-3&pageSize=100&search=${String(Math.floor(Math.random() * 100)).padStart(2, "0")}3`,
    "diff 1k recent": () => {
      const from = head - 5_000 + Math.floor(Math.random() * 4_000);
      return `/control/shards/diff?fromPosition=${from}&toPosition=${from + 999}`;
    },
    "diff 1k anywhere": () => {
      const from = 1 + Math.floor(Math.random() * (head - 1_000));
      return `/control/shards/diff?fromPosition=${from}&toPosition=${from + 999}`;
    },
  };
}
