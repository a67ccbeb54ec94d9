/**
 * Rows stored before the identifier grammar (control characters, surrounding spaces, ids over 512 bytes, keys
 * folded by the old `toLowerCase` rule) stay readable: listed, paged, filtered, searched, and movable by
 * `apply` (issue 14 item 3).
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import {
  ShardControlPlaneService,
  ShardFilter,
  type ShardListPage,
  shardIdentifierProblem,
} from "../src/index.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";

let engine: PGlite | undefined;
afterAll(async () => {
  await engine?.close();
});

const LEGACY = ["tab\there", " padded ", "x".repeat(1000), "ΟΔΟΣ"];
const NAMESPACE = "legacy\u0001ns";

describe("legacy rows", () => {
  it("stay listable, pageable, filterable, searchable and movable by apply", async () => {
    engine = await PGlite.create();
    const open = async () =>
      (await PGliteShardRepository.open({ pglite: engine, schema: "legacy" })).unwrap();
    const first = await open();
    await engine.query("DELETE FROM legacy.shard_migrations WHERE version = 3");
    for (const [i, shardId] of LEGACY.entries())
      await engine.query(
        `INSERT INTO legacy.shard_records (namespace, shard_id, strategy_id, owner_node_id, capacity_hint, status, version, checksum, updated_at, search_key)
         VALUES ($1, $2, 'rendezvous', $3, 1, 0, 1, 'c', now(), $4)`,
        [NAMESPACE, shardId, `node-${i % 2}`, shardId.toLowerCase()],
      );
    await first.close();
    for (const id of [NAMESPACE, ...LEGACY.slice(0, 3)]) expect(shardIdentifierProblem(id)).toBeDefined();
    // Reopening applies migration 3, which refolds the old keys.
    const repo = await open();
    const service = new ShardControlPlaneService({ repository: repo, workers: 2 });

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: ShardListPage = (
        await service.list(ShardFilter.create({ namespace: NAMESPACE }), { pageSize: 1, cursor })
      ).unwrap();
      seen.push(...page.items.map((r) => r.shardId));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(seen.sort()).toEqual([...LEGACY].sort());
    const search = async (text: string) =>
      (await service.list(ShardFilter.create({ namespace: NAMESPACE, search: text })))
        .unwrap()
        .items.map((r) => r.shardId);
    expect(await search("Σ")).toEqual(["ΟΔΟΣ"]);
    expect(await search("ος")).toEqual(["ΟΔΟΣ"]);
    expect(await search("B\tH")).toEqual(["tab\there"]);
    expect(
      (await service.list(ShardFilter.create({ namespace: NAMESPACE, ownerNodeId: "node-1" }))).unwrap()
        .items,
    ).toHaveLength(2);

    const sim = (
      await service.simulate({ namespace: NAMESPACE, nodes: [{ nodeId: "node-0" }, { nodeId: "node-9" }] })
    ).unwrap();
    expect(sim.changes.length).toBeGreaterThan(0);
    const applied = (
      await service.apply({ simulation: sim, actor: "ops", reason: "move", changeTicket: "CHG-L" })
    ).unwrap();
    expect(applied.applied.map((r) => r.shardId).sort()).toEqual(sim.changes.map((c) => c.shardId).sort());
    for (const c of sim.changes)
      expect((await repo.get({ namespace: NAMESPACE, shardId: c.shardId })).unwrap()?.ownerNodeId).toBe(
        c.proposedOwner,
      );
    await repo.close();
  }, 60_000);
});
