/**
 * The ONE repository contract suite: every store runs exactly these tests (store-*.test.ts call it).
 */
import type { Result } from "@pipe/result";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  computeShardChecksum,
  ShardErrorCodes,
  type ShardMutationRequest,
  type ShardRecordDiff,
  type ShardRepository,
} from "../src/index.ts";

/** Opens a fresh, empty store; `available` false skips (with the printed reason). */
export interface ContractTarget {
  readonly name: string;
  readonly open: () => Promise<ShardRepository>;
  readonly unavailable?: () => Promise<string | undefined>;
  /** A second instance on the same database (for cross-instance tests), when the store supports it. */
  readonly openPeer?: (first: ShardRepository) => Promise<ShardRepository>;
}

const m = (
  shardId: string,
  ownerNodeId: string,
  extra: Partial<ShardMutationRequest> = {},
): ShardMutationRequest => ({
  namespace: "mesh.control",
  shardId,
  strategyId: "rendezvous",
  ownerNodeId,
  ...extra,
});

async function collect(
  it: AsyncIterable<Result<ShardRecordDiff>>,
  max = Number.POSITIVE_INFINITY,
): Promise<Result<ShardRecordDiff>[]> {
  const out: Result<ShardRecordDiff>[] = [];
  for await (const r of it) {
    out.push(r);
    if (out.length >= max) break;
  }
  return out;
}

export function repositoryContract(target: ContractTarget): void {
  describe(`repository contract: ${target.name}`, () => {
    let repo: ShardRepository;
    let skipReason: string | undefined;
    beforeEach(async (ctx) => {
      skipReason = await target.unavailable?.();
      if (skipReason !== undefined) {
        console.warn(`[${target.name}] skipped: ${skipReason}`);
        ctx.skip(skipReason);
        return;
      }
      repo = await target.open();
    });
    afterEach(async () => {
      if (skipReason === undefined) await repo.close();
    });

    it("creates, reads and lists (version 1, default governance, null previous owner)", async () => {
      const r = (
        await repo.upsert(m("shard-01", "node-a", { capacityHint: 1, leaderId: "node-a" }))
      ).unwrap();
      expect(r.created).toBe(true);
      expect(r.record.version).toBe(1);
      expect(r.history).toMatchObject({
        actor: "system",
        reason: "unspecified",
        previousOwnerNodeId: null,
        version: 1,
      });
      expect(r.record.checksum).toBe(computeShardChecksum(r.record));
      const got = (await repo.get({ namespace: "mesh.control", shardId: "shard-01" })).unwrap();
      expect(got).toEqual(r.record);
      expect((await repo.get({ namespace: "mesh.control", shardId: "nope" })).unwrap()).toBeNull();
      const listed = (await repo.list("mesh.control")).unwrap();
      expect(listed).toHaveLength(1);
      expect(listed[0]!.checksum).toBe(r.record.checksum);
      expect((await repo.list("other")).unwrap()).toEqual([]);
    });

    it("updates with optimistic concurrency and writes exact history and diffs", async () => {
      await repo.upsert(
        m("shard-01", "node-a", {
          changeMetadata: { actor: "alice", reason: "seed", changeTicket: "chg-001" },
        }),
      );
      const u = (
        await repo.upsert(
          m("shard-01", "node-b", {
            expectedVersion: 1,
            leaderId: "node-b",
            changeMetadata: {
              actor: "bob",
              reason: "move",
              changeTicket: "chg-002",
              ownershipDeltaPercent: 0.42,
              metadata: '{"planId":42}',
            },
          }),
        )
      ).unwrap();
      expect(u.created).toBe(false);
      expect(u.record.version).toBe(2);
      expect(u.record.changeTicket).toBe("chg-002");
      expect(u.history).toMatchObject({
        previousOwnerNodeId: "node-a",
        ownershipDeltaPercent: 0.42,
        metadata: '{"planId":42}',
        actor: "bob",
      });
      const diffs = (await repo.readDiffs(0, { limit: 10 })).unwrap();
      expect(diffs).toHaveLength(2);
      expect(diffs[0]!.previous).toBeNull();
      expect(diffs[0]!.current).toMatchObject({ ownerNodeId: "node-a", version: 1, changeTicket: "chg-001" });
      expect(diffs[1]!.current).toEqual(u.record);
      expect(diffs[1]!.previous).toEqual(diffs[0]!.current);
      expect(diffs[1]!.history).toEqual(u.history);
      const after = (await repo.readDiffs(diffs[0]!.position, { limit: 10 })).unwrap();
      expect(after.map((d) => d.position)).toEqual([diffs[1]!.position]);
    });

    it("reports version conflicts with their code and writes nothing", async () => {
      await repo.upsert(m("shard-01", "node-a"));
      const stale = await repo.upsert(m("shard-01", "node-b", { expectedVersion: 5 }));
      expect(stale.error?.code).toBe(ShardErrorCodes.versionConflict);
      expect(stale.error?.message).toBe("Shard 'mesh.control/shard-01' expected version 5 but was 1.");
      expect((await repo.upsert(m("shard-01", "node-b", { expectedVersion: 0 }))).error?.code).toBe(
        ShardErrorCodes.versionConflict,
      );
      expect((await repo.upsert(m("shard-02", "node-b", { expectedVersion: 1 }))).error?.code).toBe(
        ShardErrorCodes.versionConflict,
      );
      expect((await repo.highestPosition()).unwrap()).toBe(1);
      expect((await repo.get({ namespace: "mesh.control", shardId: "shard-01" })).unwrap()?.ownerNodeId).toBe(
        "node-a",
      );
    });

    it("uses the metadata ticket when the request has none", async () => {
      const r = (
        await repo.upsert(
          m("s", "a", { changeMetadata: { actor: "x", reason: "y", changeTicket: "meta-1" } }),
        )
      ).unwrap();
      expect(r.record.changeTicket).toBe("meta-1");
      expect(r.history.changeTicket).toBe("meta-1");
      expect(r.record.checksum).toBe(computeShardChecksum({ ...r.record, changeTicket: "meta-1" }));
    });

    it("filters by namespace, owner, status and case-insensitive search; identifiers are case-sensitive", async () => {
      for (let i = 0; i < 6; i++) {
        await repo.upsert(
          m(`shard-0${i}`, i % 2 === 0 ? "node-a" : "node-b", { status: i < 4 ? "active" : "paused" }),
        );
      }
      await repo.upsert({ ...m("SHARD-09", "node-a"), namespace: "Mesh.Control" });
      await repo.upsert({ ...m("x-100%_", "node-a"), namespace: "mesh.control" });
      const q = async (o: Parameters<ShardRepository["query"]>[0]) =>
        (await repo.query(o)).unwrap().items.map((r) => r.shardId);
      expect(
        await q({
          namespace: "mesh.control",
          ownerNodeId: "node-a",
          statuses: ["active"],
          search: "SHARD-0",
          pageSize: 50,
        }),
      ).toEqual(["shard-00", "shard-02"]);
      expect(await q({ namespace: "Mesh.Control", pageSize: 50 })).toEqual(["SHARD-09"]);
      expect(await q({ ownerNodeId: "NODE-A", pageSize: 50 })).toEqual([]);
      expect(await q({ search: "shard-09", pageSize: 50 })).toEqual(["SHARD-09"]);
      expect(await q({ search: "%", pageSize: 50 })).toEqual(["x-100%_"]);
      expect(await q({ search: "0_", pageSize: 50 })).toEqual([]);
      expect(await q({ statuses: ["paused"], pageSize: 50 })).toEqual(["shard-04", "shard-05"]);
      const page = (await repo.query({ pageSize: 50 })).unwrap();
      expect(page.position).toBe(8);
    });

    it("pages with an exclusive cursor in code-point order, without a trailing empty page", async () => {
      const ids = ["b", "a", "B", "é", "z", "a|b", "\u{1F600}", "\uFFFD"];
      for (const id of ids) await repo.upsert(m(id, "n"));
      const seen: string[] = [];
      let cursor: { namespace: string; shardId: string } | undefined;
      let pages = 0;
      for (;;) {
        const page = (await repo.query({ pageSize: 3, cursor })).unwrap();
        pages++;
        seen.push(...page.items.map((r) => r.shardId));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(["B", "a", "a|b", "b", "z", "é", "\uFFFD", "\u{1F600}"]);
      expect((await repo.list()).unwrap().map((r) => r.shardId)).toEqual(seen);
      const exact = (await repo.query({ pageSize: 8 })).unwrap();
      expect(exact.nextCursor).toBeNull();
    });

    it("reads diffs with limit and inclusive upper bound; positions are dense and ascending", async () => {
      for (let i = 0; i < 7; i++) await repo.upsert(m(`s${i % 3}`, `n${i}`));
      const all = (await repo.readDiffs(0, { limit: 100 })).unwrap();
      expect(all.map((d) => d.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect((await repo.readDiffs(2, { limit: 2 })).unwrap().map((d) => d.position)).toEqual([3, 4]);
      expect((await repo.readDiffs(2, { limit: 100, upTo: 5 })).unwrap().map((d) => d.position)).toEqual([
        3, 4, 5,
      ]);
      const streamed = await collect(repo.streamDiffs(4));
      expect(streamed.map((r) => r.unwrap().position)).toEqual([5, 6, 7]);
      expect(all[3]!.previous?.ownerNodeId).toBe("n0");
      expect(all[3]!.history.previousOwnerNodeId).toBe("n0");
    });

    it("holds optimistic concurrency under concurrent writers: one winner, no lost update", async () => {
      const first = (await repo.upsert(m("hot", "n0"))).unwrap();
      const racers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          repo.upsert(m("hot", `n${i + 1}`, { expectedVersion: first.record.version })),
        ),
      );
      expect(racers.filter((r) => r.isOk)).toHaveLength(1);
      for (const r of racers.filter((x) => x.isErr))
        expect(r.error?.code).toBe(ShardErrorCodes.versionConflict);
      const creates = await Promise.all(
        Array.from({ length: 6 }, (_, i) => repo.upsert(m("fresh", `c${i}`, { expectedVersion: 0 }))),
      );
      expect(creates.filter((r) => r.isOk)).toHaveLength(1);
      // Without expectedVersion an upsert is last-writer-wins: every one succeeds, serialised.
      const blind = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.upsert(m("blind", `b${i}`))));
      const wins = blind.filter((r) => r.isOk).length;
      expect(wins).toBe(10);
      const record = (await repo.get({ namespace: "mesh.control", shardId: "blind" })).unwrap()!;
      expect(record.version).toBe(wins);
      const history = (await repo.readDiffs(0, { limit: 1000 }))
        .unwrap()
        .filter((d) => d.current.shardId === "blind");
      expect(history.map((d) => d.current.version)).toEqual(Array.from({ length: wins }, (_, i) => i + 1));
    });

    it("400 concurrent upserts without expectedVersion all succeed, serialised, each in history", async () => {
      const writes = await Promise.all(
        Array.from({ length: 400 }, (_, i) => repo.upsert(m("lww", `owner-${i}`))),
      );
      expect(writes.filter((r) => r.isErr).map((r) => r.error?.code)).toEqual([]);
      expect(writes.filter((r) => r.unwrap().created)).toHaveLength(1);
      expect(new Set(writes.map((r) => r.unwrap().record.version)).size).toBe(400);
      const record = (await repo.get({ namespace: "mesh.control", shardId: "lww" })).unwrap()!;
      expect(record.version).toBe(400);
      const history = (await repo.readDiffs(0, { limit: 1000 })).unwrap();
      expect(history.map((d) => d.current.version)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      expect(history.map((d) => d.current.ownerNodeId).sort()).toEqual(
        Array.from({ length: 400 }, (_, i) => `owner-${i}`).sort(),
      );
      expect(history[399]!.current).toEqual(record);
    }, 60_000);

    it("watch replays, then tails live changes; resume tokens are exclusive; abort ends with error.canceled", async () => {
      await repo.upsert(m("w1", "a"));
      await repo.upsert(m("w2", "a"));
      const controller = new AbortController();
      const seen: number[] = [];
      let final: Result<ShardRecordDiff> | undefined;
      const done = (async () => {
        for await (const r of repo.watch(1, { signal: controller.signal })) {
          if (r.isErr) {
            final = r;
            break;
          }
          seen.push(r.value.position);
          if (seen.length === 4) controller.abort("enough");
        }
      })();
      await repo.upsert(m("w3", "a"));
      await repo.upsert(m("w1", "b"));
      await repo.upsert(m("w2", "b"));
      await done;
      expect(seen).toEqual([2, 3, 4, 5]);
      expect(final?.error?.code).toBe("error.canceled");
      const resumed = await collect(repo.streamDiffs(5));
      expect(resumed).toEqual([]);
    });

    it("compacts history: records stay, compacted positions fail with history.compacted, never moves back", async () => {
      for (let i = 0; i < 10; i++) (await repo.upsert(m(`c${i % 4}`, `n${i}`))).unwrap();
      const compact = repo.compactHistory!.bind(repo);
      expect((await compact(6)).unwrap()).toEqual({ compactedThrough: 6, removed: 6 });
      expect((await compact(3)).unwrap()).toEqual({ compactedThrough: 6, removed: 0 });
      const gone = await repo.readDiffs(5, { limit: 10 });
      expect(gone.isErr && gone.error.code).toBe(ShardErrorCodes.historyCompacted);
      expect(gone.isErr && gone.error.metadata).toMatchObject({ compactedThrough: 6 });
      expect((await repo.readDiffs(6, { limit: 10 })).unwrap().map((d) => d.position)).toEqual([7, 8, 9, 10]);
      const watched = await collect(repo.streamDiffs(2));
      expect(watched).toHaveLength(1);
      expect(watched[0]!.isErr && watched[0]!.error.code).toBe(ShardErrorCodes.historyCompacted);
      expect((await repo.list("mesh.control")).unwrap().map((r) => r.version)).toEqual([3, 3, 2, 2]);
      expect((await compact(99)).unwrap()).toEqual({ compactedThrough: 10, removed: 4 });
      expect((await repo.highestPosition()).unwrap()).toBe(10);
      (await repo.upsert(m("c9", "z"))).unwrap();
      expect((await repo.readDiffs(10, { limit: 10 })).unwrap().map((d) => d.position)).toEqual([11]);
    });

    it("a pre-aborted call fails with error.canceled and has no effect", async () => {
      const signal = AbortSignal.abort("stop");
      expect((await repo.upsert(m("s", "a"), { signal })).error?.code).toBe("error.canceled");
      expect((await repo.query({ pageSize: 5 }, { signal })).error?.code).toBe("error.canceled");
      expect((await repo.highestPosition()).unwrap()).toBe(0);
    });

    if (target.openPeer !== undefined) {
      it("two instances on one database: no lost update across them, and watch sees the peer's writes", async () => {
        const peer = await target.openPeer!(repo);
        try {
          await repo.upsert(m("shared", "n0"));
          const controller = new AbortController();
          const seen: string[] = [];
          const watching = (async () => {
            for await (const r of peer.watch(1, { signal: controller.signal })) {
              if (r.isErr) break;
              seen.push(r.value.current.ownerNodeId);
              if (seen.length === 3) controller.abort();
            }
          })();
          const results = await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              (i % 2 === 0 ? repo : peer).upsert(m("shared", `x${i}`, { expectedVersion: 1 })),
            ),
          );
          expect(results.filter((r) => r.isOk)).toHaveLength(1);
          await repo.upsert(m("other", "y"));
          await peer.upsert(m("other2", "z"));
          await watching;
          expect(seen).toHaveLength(3);
          expect(seen.slice(1)).toEqual(["y", "z"]);
        } finally {
          await peer.close();
        }
      });
    }
  });
}
