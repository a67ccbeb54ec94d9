import { ok, type Result } from "@pipe/pipeline";
import type { ShardRecord, ShardRecordDiff, ShardRepository } from "@pipe/shards";
import { afterEach, describe, expect, it, vi } from "vitest";
import { followOwnership, OwnershipView } from "../src/internal/ownership.ts";

const record = (version: number, owner: string, shardId = "acme"): ShardRecord => ({
  namespace: "tenants",
  shardId,
  strategyId: "weighted-rendezvous",
  ownerNodeId: owner,
  leaderId: null,
  capacityHint: 0,
  status: "active" as ShardRecord["status"],
  version,
  checksum: "",
  updatedAt: "",
  changeTicket: null,
});

/** Follows `repository` as runner "a" for one second of virtual time; returns the changes reported. */
async function follow(
  repository: ShardRepository,
  resyncMs: number,
): Promise<[string, number | undefined][]> {
  const stop = new AbortController();
  const changes: [string, number | undefined][] = [];
  void followOwnership(
    repository,
    "tenants",
    "a",
    (t, token) => changes.push([t, token]),
    stop.signal,
    resyncMs,
  );
  await vi.advanceTimersByTimeAsync(1_000);
  stop.abort();
  return changes;
}

describe("ownership as a runner sees it", () => {
  it("takes a new token when a list shows it as owner past a version gap (a move away and back may hide there)", () => {
    const view = new OwnershipView("a");
    expect(view.see(record(3, "a"))).toEqual({ token: 3 });
    // The change stream lags: a list shows v5 (owner a) before v4 (owner b) arrives. b raised the fence to 4,
    // so a's token 3 would be refused forever; a must work the tenant with token 5.
    expect(view.see(record(5, "a"))).toEqual({ token: 5 });
    expect(view.see(record(4, "b"))).toBeNull();
    // A version that directly follows the last one seen keeps the token (no move can hide in between).
    expect(view.see(record(6, "a"))).toBeNull();
    expect(view.see(record(7, "b"))).toEqual({ token: undefined });
    expect(view.see(record(8, "a"))).toEqual({ token: 8 });
  });

  describe("following a store", () => {
    afterEach(() => vi.useRealTimers());

    it("never runs two resync lists at once on a slow store", async () => {
      vi.useFakeTimers();
      let lists = 0;
      const never = new Promise<never>(() => undefined);
      const repository = {
        highestPosition: async () => ok(0),
        list: () => {
          lists++;
          return lists === 1 ? Promise.resolve(ok([record(1, "a")])) : never;
        },
        watch: async function* (): AsyncIterable<Result<ShardRecordDiff>> {
          yield await never;
        },
      } as unknown as ShardRepository;
      const changes = await follow(repository, 100);
      expect(changes).toEqual([["acme", 1]]);
      expect(lists).toBe(2); // the first list, then one resync still waiting on the store
    });

    it("lists again after the change stream fails, so a change is not waited for forever", async () => {
      vi.useFakeTimers();
      let lists = 0;
      const repository = {
        highestPosition: async () => ok(10),
        list: async () => ok([++lists === 1 ? record(1, "a") : record(2, "b")]),
        watch: async function* (): AsyncIterable<Result<ShardRecordDiff>> {
          yield* [];
          throw new Error("history compacted past 10");
        },
      } as unknown as ShardRepository;
      const changes = await follow(repository, 60_000);
      expect(changes).toEqual([
        ["acme", 1],
        ["acme", undefined],
      ]);
    });
  });
});
