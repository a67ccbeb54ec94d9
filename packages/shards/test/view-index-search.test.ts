/**
 * The read view's index answers every query (search by trigram lists, owner, status, cursor, page size) exactly
 * as a plain filter over its records with the stores' rules does, under random writes, with trigram lists that
 * saturate early or never; and its search lists cost what they should (common trigrams are not listed).
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ShardQueryOptions, ShardRecord, ShardStatus } from "../src/index.ts";
import { compareCodePoints } from "../src/internal/ordinal.ts";
import { foldSearch } from "../src/internal/search-fold.ts";
import { ViewIndex } from "../src/internal/view-index.ts";

const statuses: readonly ShardStatus[] = ["active", "draining", "paused", "disabled"];
/** Code points that fold to longer, shorter or equal texts, an astral one, combining marks, SQL wildcards. */
const units = [..."abAsSßẞiİ\u0307ﬁfΣσς𝔘ée\u0301_%-1"];
const text = (max: number) => fc.array(fc.constantFrom(...units), { maxLength: max }).map((u) => u.join(""));
const shardId = text(8).filter((s) => s.length > 0);

const record = (
  namespace: string,
  id: string,
  owner: string,
  status: ShardStatus,
  version: number,
): ShardRecord => ({
  namespace,
  shardId: id,
  strategyId: "rendezvous",
  ownerNodeId: owner,
  leaderId: null,
  capacityHint: 1,
  status,
  version,
  checksum: "c",
  updatedAt: "2025-01-01T00:00:00.000Z",
  changeTicket: null,
});

/** The page the stores answer: key order, exclusive cursor, every filter checked on each record. */
function model(records: Iterable<ShardRecord>, q: ShardQueryOptions): { ids: string[]; more: boolean } {
  const search = q.search === undefined ? undefined : foldSearch(q.search);
  const matching = [...records]
    .filter(
      (r) =>
        (q.namespace === undefined || r.namespace === q.namespace) &&
        (q.ownerNodeId === undefined || r.ownerNodeId === q.ownerNodeId) &&
        (q.statuses === undefined || q.statuses.length === 0 || q.statuses.includes(r.status)) &&
        (search === undefined || foldSearch(r.shardId).includes(search)) &&
        (q.cursor === undefined ||
          (compareCodePoints(r.namespace, q.cursor.namespace) ||
            compareCodePoints(r.shardId, q.cursor.shardId)) > 0),
    )
    .sort((a, b) => compareCodePoints(a.namespace, b.namespace) || compareCodePoints(a.shardId, b.shardId));
  return {
    ids: matching.slice(0, q.pageSize).map((r) => `${r.namespace}/${r.shardId}@${r.version}`),
    more: matching.length > q.pageSize,
  };
}

const write = fc.record({
  namespace: fc.constantFrom("n1", "n2"),
  shardId,
  owner: fc.constantFrom("o1", "o2"),
  status: fc.constantFrom(...statuses),
});

describe("view index search", () => {
  it("answers every query as a plain filter over its records does, whether trigram lists saturate early or never", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 2, 1024),
        fc.array(write, { minLength: 1, maxLength: 60 }),
        fc.array(
          fc.record({
            namespace: fc.option(fc.constantFrom("n1", "n2", "n3"), { nil: undefined }),
            ownerNodeId: fc.option(fc.constantFrom("o1", "o2", "o3"), { nil: undefined }),
            statuses: fc.option(fc.subarray([...statuses], { minLength: 1 }), { nil: undefined }),
            // A term cut from a written id (so searches hit), or any text (so they miss).
            search: fc.option(fc.oneof(text(5), fc.tuple(fc.nat(), fc.nat(), fc.nat())), { nil: undefined }),
            cursor: fc.option(fc.nat(), { nil: undefined }),
            pageSize: fc.integer({ min: 1, max: 6 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (saturate, writes, queries) => {
          const index = new ViewIndex({ gramsSaturateAbove: saturate });
          const held = new Map<string, ShardRecord>();
          let version = 0;
          for (const w of writes) {
            const r = record(w.namespace, w.shardId, w.owner, w.status, ++version);
            expect(index.apply(r)).toBe(true);
            held.set(`${r.namespace}/${r.shardId}`, r);
            // A replayed older version changes nothing.
            expect(index.apply({ ...r, version: r.version - 1 })).toBe(false);
          }
          const keys = [...held.values()];
          for (const raw of queries) {
            const search =
              typeof raw.search === "string" || raw.search === undefined
                ? raw.search
                : (() => {
                    const id = keys[raw.search[0] % keys.length].shardId;
                    const from = raw.search[1] % id.length;
                    return id.slice(from, from + 1 + (raw.search[2] % 6));
                  })();
            const at = raw.cursor === undefined ? undefined : keys[raw.cursor % keys.length];
            const q: ShardQueryOptions = {
              namespace: raw.namespace,
              ownerNodeId: raw.ownerNodeId,
              statuses: raw.statuses,
              search,
              cursor: at === undefined ? undefined : { namespace: at.namespace, shardId: at.shardId },
              pageSize: raw.pageSize,
            };
            const page = index.query(q);
            expect({
              ids: page.items.map((r) => `${r.namespace}/${r.shardId}@${r.version}`),
              more: page.more,
            }).toEqual(model(held.values(), q));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("lists each id under its rare trigrams only, and narrows a search to one of them", () => {
    const index = new ViewIndex();
    for (let i = 0; i < 20_000; i++)
      index.apply(record("ns", `shard-${String(i).padStart(6, "0")}`, "o", "active", 1));
    const stats = index.searchStats;
    // At least "sha", "har", "ard", "rd-" and "d-0" (in every id) are saturated, not listed.
    expect(stats.saturated).toBeGreaterThanOrEqual(5);
    expect(stats.listed).toBeLessThan(20_000 * 6);
    const page = index.query({ namespace: "ns", search: "SHARD-0123", pageSize: 500 });
    expect(page.items.map((r) => r.shardId)).toEqual(
      Array.from({ length: 100 }, (_, k) => `shard-0123${String(k).padStart(2, "0")}`),
    );
    expect(index.query({ namespace: "ns", search: "shard-x", pageSize: 5 }).items).toEqual([]);
    expect(index.query({ namespace: "ns", search: "ard-", pageSize: 2 }).items.map((r) => r.shardId)).toEqual(
      ["shard-000000", "shard-000001"],
    );
  });
});
