/**
 * A simulation in pages: the pages together are the whole plan, each page is bounded, and the errors name the
 * page's inputs.
 */

import { ErrorCodes } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardFilter,
  ShardReadView,
  type ShardSimulationChange,
  type ShardSimulationPage,
} from "../src/index.ts";
import { seed } from "./support.ts";

const nodesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ nodeId: `node-${i}` }));

describe("simulatePage", () => {
  it("pages through the same plan as one simulate, each shard on exactly one page", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 25 }),
        fc.constantFrom("rendezvous", "weighted-rendezvous", "ring"),
        async (shards, nodeCount, pageSize, strategyId) => {
          const repository = new InMemoryShardRepository();
          await seed(repository, "ns", shards, ["node-0", "node-1", "old"]);
          await seed(repository, "other", 3, ["node-0"]);
          const service = new ShardControlPlaneService({ repository });
          const request = { namespace: "ns", strategyId, nodes: nodesOf(nodeCount) };
          const whole = (await service.simulate(request)).unwrap();
          const assignments: unknown[] = [];
          const changes: ShardSimulationChange[] = [];
          let moves = 0;
          let cursor: string | null = null;
          for (let pages = 1; ; pages++) {
            expect(pages).toBeLessThanOrEqual(Math.ceil(shards / pageSize));
            const page: ShardSimulationPage = (
              await service.simulatePage(request, { pageSize, cursor })
            ).unwrap();
            expect(page.assignments.length).toBeLessThanOrEqual(pageSize);
            expect(page.moves).toBe(page.changes.length);
            assignments.push(...page.assignments);
            changes.push(...page.changes);
            moves += page.moves;
            cursor = page.nextCursor;
            if (cursor === null) break;
          }
          expect(assignments).toEqual(whole.assignments);
          expect(changes).toEqual(whole.changes);
          expect(moves).toBe(whole.moves);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("returns every shard present throughout exactly once while others are written", async () => {
    const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
    await seed(view, "ns", 40, ["a"]);
    const service = new ShardControlPlaneService({ repository: view });
    const request = { namespace: "ns", nodes: nodesOf(3) };
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 100; round++) {
      const page: ShardSimulationPage = (
        await service.simulatePage(request, { pageSize: 7, cursor })
      ).unwrap();
      seen.push(...page.assignments.map((a) => a.shardId));
      expect(page.version).toBe(view.position);
      // Writes behind and ahead of the cursor: new shards, and a moved one.
      await service.upsert({
        namespace: "ns",
        shardId: `new-${round}`,
        strategyId: "rendezvous",
        ownerNodeId: "a",
      });
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    for (let i = 0; i < 40; i++)
      expect(seen.filter((s) => s === `shard-${String(i).padStart(4, "0")}`)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
    await view.close();
  });

  it("rejects a page size out of range, a foreign or broken cursor, and an empty namespace", async () => {
    const repository = new InMemoryShardRepository();
    await seed(repository, "ns", 3, ["a"]);
    await seed(repository, "other", 3, ["a"]);
    const service = new ShardControlPlaneService({ repository });
    const request = { namespace: "ns", nodes: nodesOf(2) };
    for (const pageSize of [0, 10_001, 1.5]) {
      const r = await service.simulatePage(request, { pageSize });
      expect(r.error?.code).toBe(ErrorCodes.validation);
      expect(r.error?.metadata.issues).toEqual([expect.objectContaining({ path: "$.pageSize" })]);
    }
    const foreign = (
      await service.simulatePage({ ...request, namespace: "other" }, { pageSize: 1 })
    ).unwrap();
    const r = await service.simulatePage(request, { cursor: foreign.nextCursor });
    expect(r.error?.metadata.issues).toEqual([expect.objectContaining({ path: "$.cursor" })]);
    expect((await service.simulatePage(request, { cursor: "!!" })).error?.code).toBe(
      "shards.control.cursor.invalid",
    );
    expect((await service.simulatePage({ ...request, namespace: "none" })).error?.code).toBe(
      "shards.control.namespace.missing",
    );
    expect((await service.simulatePage(request, { pageSize: 10_000 })).unwrap().nextCursor).toBeNull();
  });
  it("throws a TypeError naming the method for a cursor that is not a string, in simulatePage and list", async () => {
    const repository = new InMemoryShardRepository();
    await seed(repository, "ns", 3, ["node-0"]);
    const service = new ShardControlPlaneService({ repository });
    const request = { namespace: "ns", strategyId: "rendezvous", nodes: nodesOf(2) };
    await expect(service.simulatePage(request, { cursor: 7 as never })).rejects.toThrow(
      /simulatePage: options.cursor must be a string, got number/,
    );
    const filter = ShardFilter.create({ namespace: "ns" });
    await expect(service.list(filter, { cursor: {} as never })).rejects.toThrow(
      /list: options.cursor must be a string, got object/,
    );
    await expect(service.list({ namespace: "ns" } as never)).rejects.toThrow(
      /list: filter must be a ShardFilter/,
    );
    await expect(service.list(filter, { cursor: "  " })).resolves.toMatchObject({ isOk: true });
  });
});
