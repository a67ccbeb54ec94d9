/**
 * The @pipe/shards service conformance suite over one store (seed 000's fan-out/merge criteria among it), run by
 * service.test.ts on the in-memory store and by service-pglite.test.ts on PGlite.
 */
import { err, ok, PipeError } from "@pipe/result";
import {
  ShardControlPlaneService,
  ShardErrorCodes,
  ShardFilter,
  ShardHashStrategyRegistry,
  type ShardRepository,
} from "@pipe/shards";
import { describe, expect, it } from "../../src/harness.ts";

async function seed(
  repo: ShardRepository,
  namespace: string,
  count: number,
  owners: readonly string[],
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const shardId = `shard-${String(i).padStart(4, "0")}`;
    (
      await repo.upsert({
        namespace,
        shardId,
        strategyId: "rendezvous",
        ownerNodeId: owners[i % owners.length]!,
        capacityHint: 1,
      })
    ).unwrap();
  }
}

const nodes = [{ nodeId: "node-a" }, { nodeId: "node-b" }, { nodeId: "node-c" }];

/** Registers the service tests over `store`. */
export function serviceSuite(store: {
  readonly name: string;
  readonly open: () => Promise<ShardRepository>;
}): void {
  describe(`shards service on ${store.name}`, () => {
    it("lists with cursors, reports conflicts, diffs inclusively", async () => {
      const repo = await store.open();
      try {
        await seed(repo, "ns", 25, ["node-a", "node-b"]);
        const service = new ShardControlPlaneService({ repository: repo });
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: readonly { shardId: string }[]; nextCursor: string | null } = (
            await service.list(ShardFilter.create({ namespace: "ns" }), { pageSize: 10, cursor })
          ).unwrap();
          seen.push(...page.items.map((r) => r.shardId));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(new Set(seen).size).toBe(25);
        const conflict = await service.upsert({
          namespace: "ns",
          shardId: "shard-0000",
          strategyId: "ring",
          ownerNodeId: "x",
          expectedVersion: 0,
        });
        expect(conflict.error?.code).toBe(ShardErrorCodes.versionConflict);
        const diff = (await service.diff(5, 7, ShardFilter.all)).unwrap();
        expect(diff.items.map((d) => d.position)).toEqual([5, 6, 7]);
        expect(diff.lastPosition).toBe(7);
        expect((await service.list(ShardFilter.all, { cursor: "%%%" })).error?.code).toBe(
          ShardErrorCodes.cursorInvalid,
        );
      } finally {
        await repo.close();
      }
    });

    it("watch replays then tails live changes, ending with error.canceled on abort", async () => {
      const repo = await store.open();
      try {
        await seed(repo, "ns", 2, ["node-a"]);
        const service = new ShardControlPlaneService({ repository: repo });
        const controller = new AbortController();
        const positions: number[] = [];
        let last: string | undefined;
        const watching = (async () => {
          for await (const r of service.watch(0, ShardFilter.all, { signal: controller.signal })) {
            if (r.isErr) {
              last = r.error.code;
              break;
            }
            positions.push(r.value.position);
            if (positions.length === 3) controller.abort();
          }
        })();
        await service.upsert({ namespace: "ns", shardId: "live", strategyId: "ring", ownerNodeId: "node-b" });
        await watching;
        expect(positions).toEqual([1, 2, 3]);
        expect(last).toBe("error.canceled");
      } finally {
        await repo.close();
      }
    });

    it("seed 000: partial failure fails with the worker's error and the other workers' compensations run", async () => {
      const repo = await store.open();
      try {
        await seed(repo, "ns", 24, ["node-a"]);
        const compensated: number[] = [];
        const cleanups: string[] = [];
        const service = new ShardControlPlaneService({
          repository: repo,
          workers: 4,
          reconcile: ({ assignment, context, workerIndex }) => {
            if (assignment.shardId === "shard-0020") return err(PipeError.from("Simulated worker failure."));
            context.registerCompensation(() => {
              compensated.push(workerIndex);
            });
            if (assignment.shardId.endsWith("0"))
              context.registerCompensation(async () => void cleanups.push(assignment.shardId));
            return ok(undefined);
          },
        });
        const r = await service.simulate({ namespace: "ns", nodes });
        expect(r.error?.code).toBe(ShardErrorCodes.assignmentFailed);
        expect(r.error?.metadata.shardId).toBe("shard-0020");
        expect(new Set(compensated)).toEqual(new Set([0, 1, 2, 3]));
        expect(cleanups).toContain("shard-0000");
      } finally {
        await repo.close();
      }
    });

    it("seed 000: cancellation gives error.canceled; unknown assignments give the missing code", async () => {
      const repo = await store.open();
      try {
        await seed(repo, "ns", 12, ["node-a"]);
        const controller = new AbortController();
        const canceling = new ShardControlPlaneService({
          repository: repo,
          workers: 3,
          reconcile: async ({ assignment }) => {
            if (assignment.shardId === "shard-0005") controller.abort("operator");
            await Promise.resolve();
            return ok(undefined);
          },
        });
        const canceled = await canceling.simulate({ namespace: "ns", nodes }, { signal: controller.signal });
        expect(canceled.error?.code).toBe("error.canceled");
        const registry = new ShardHashStrategyRegistry([
          {
            id: "ghost",
            compute: (req) =>
              ok({
                namespace: req.namespace,
                strategyId: "ghost",
                generatedAt: new Date(0).toISOString(),
                assignments: [
                  {
                    namespace: req.namespace,
                    shardId: "nowhere",
                    ownerNodeId: "node-a",
                    capacity: 1,
                    leaderId: null,
                    localityHint: null,
                  },
                ],
              }),
          },
        ]);
        const missing = await new ShardControlPlaneService({ repository: repo, registry }).simulate({
          namespace: "ns",
          strategyId: "ghost",
          nodes,
        });
        expect(missing.error?.code).toBe(ShardErrorCodes.assignmentMissing);
      } finally {
        await repo.close();
      }
    });

    it("simulate is deterministic across worker counts and reports moves and balance", async () => {
      const repo = await store.open();
      try {
        await seed(repo, "ns", 90, ["node-a", "node-b"]);
        const one = (
          await new ShardControlPlaneService({ repository: repo, workers: 1 }).simulate({
            namespace: "ns",
            nodes,
          })
        ).unwrap();
        const six = (
          await new ShardControlPlaneService({ repository: repo, workers: 6 }).simulate({
            namespace: "ns",
            nodes,
          })
        ).unwrap();
        expect(six.changes).toEqual(one.changes);
        expect(six.moves).toBe(six.changes.length);
        expect(six.minimumMoves).toBeLessThanOrEqual(six.moves);
        expect(six.balance.mean).toBe(30);
      } finally {
        await repo.close();
      }
    });
  });
}
