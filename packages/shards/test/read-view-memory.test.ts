/**
 * ShardReadView memory: what the view holds follows what it keeps. The history's text columns release the
 * texts of dropped positions, long actor/reason texts are not kept in the shared table, and the index's id
 * table releases ids no record uses any more. Each test fails without its fix (the heap grows by tens of MB).
 */
import { describe, expect, it } from "vitest";
import { heapGrowthOverRounds } from "../../../test-support/heap.ts";
import type { ShardHistoryRecord, ShardRecord } from "../src/index.ts";
import { DiffHistory } from "../src/internal/diff-history.ts";
import { ViewIndex } from "../src/internal/view-index.ts";

const record = (shardId: string, version: number, ownerNodeId: string): ShardRecord => ({
  namespace: "ns",
  shardId,
  strategyId: "ring",
  ownerNodeId,
  leaderId: null,
  capacityHint: 0,
  status: "active",
  version,
  checksum: "c",
  updatedAt: `t${version}`,
  changeTicket: null,
});

const FILL = "x".repeat(10_000);
/** A flat text of `length` characters of its own (as a store's decoder gives: not a rope over a shared text). */
const own = (prefix: string, length: number): string =>
  JSON.parse(JSON.stringify(prefix + FILL.slice(prefix.length, length))) as string;

const row = (r: ShardRecord, length: number): ShardHistoryRecord => ({
  namespace: r.namespace,
  shardId: r.shardId,
  version: r.version,
  strategyId: r.strategyId,
  actor: own(`actor ${r.version}`, length),
  reason: own(`reason ${r.version}`, length),
  changeTicket: r.changeTicket,
  createdAt: r.updatedAt,
  ownerNodeId: r.ownerNodeId,
  previousOwnerNodeId: null,
  ownershipDeltaPercent: null,
  metadata: own(`metadata ${r.version}`, length),
});

describe("ShardReadView memory", () => {
  it("a history of 3 diffs holds the texts of 3 diffs, not of every position written", async () => {
    const history = new DiffHistory(3);
    let position = 0;
    const grown = await heapGrowthOverRounds(() => {
      // 800 positions a round, each with distinct 4 KB actor, reason and metadata texts (about 10 MB a round).
      for (let i = 0; i < 800; i++) {
        position++;
        const r = record("s", position, "o");
        history.push(position, r, null, row(r, 4_000));
      }
    });
    expect(history.size).toBe(3);
    expect(grown).toBeLessThan(3_000_000);
  });

  it("the index keeps no owner id that no record uses any more", async () => {
    const index = new ViewIndex();
    const pad = "n".repeat(100);
    let version = 0;
    const grown = await heapGrowthOverRounds((r) => {
      // One shard moved to 65,536 distinct owners a round (about 7 MB of ids a round).
      for (let i = 0; i < 65_536; i++) index.apply(record("s", ++version, `owner-${r}-${i}-${pad}`));
    });
    expect(index.size).toBe(1);
    expect(grown).toBeLessThan(3_000_000);
  });
});
