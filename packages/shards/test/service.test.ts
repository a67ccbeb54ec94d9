import { VirtualTimeProvider } from "@pipe/channels";
import { PipelineTracing, type TracerLike } from "@pipe/pipeline";
import { err, ok, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import {
  encodeShardCursor,
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardErrorCodes,
  ShardFilter,
  ShardHashStrategyRegistry,
  ShardReadView,
} from "../src/index.ts";
import { FlakyRepository, mutation, seed } from "./support.ts";

const all = ShardFilter.all;

describe("list", () => {
  it("validates filter, then cursor, then page size (original order and messages)", async () => {
    const service = new ShardControlPlaneService({ repository: new InMemoryShardRepository() });
    const noFilter = await service.list(null, { cursor: "!!" });
    expect(noFilter.error?.code).toBe(ShardErrorCodes.filterRequired);
    expect(noFilter.error?.message).toBe("A shard filter must be provided.");
    for (const bad of ["garbage!", "YQ", "fGI", "YXw", "YQ==", `${btoa("ns|x").replace(/=+$/, "")}=`]) {
      const r = await service.list(all, { cursor: bad });
      expect(r.error?.code).toBe(ShardErrorCodes.cursorInvalid);
      expect(r.error!.metadata.cursor).toBe(bad);
    }
    expect((await service.list(all, { pageSize: 1.5 })).error?.code).toBe("error.validation");
    expect((await service.list(all, { cursor: "  " })).isOk).toBe(true);
  });

  it("defaults the page to 100 and rejects sizes outside 1..500 as HTTP does (issue 14)", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 600, ["a"]);
    const service = new ShardControlPlaneService({ repository: repo });
    expect((await service.list(all)).unwrap().items).toHaveLength(100);
    expect((await service.list(all, { pageSize: null })).unwrap().items).toHaveLength(100);
    expect((await service.list(all, { pageSize: 1 })).unwrap().items).toHaveLength(1);
    expect((await service.list(all, { pageSize: 500 })).unwrap().items).toHaveLength(500);
    for (const pageSize of [
      0,
      -3,
      501,
      1000,
      Number.MAX_SAFE_INTEGER,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]) {
      const r = await service.list(all, { pageSize });
      expect(r.error?.code).toBe("error.validation");
      expect(r.error?.metadata.issues).toEqual([
        { path: "$.pageSize", message: "Page size must be an integer from 1 to 500." },
      ]);
    }
  });

  it("round-trips base64url cursors (shard ids with '|'), and version is the highest position", async () => {
    const repo = new InMemoryShardRepository();
    for (const id of ["a|1", "a|2", "a|3"]) await repo.upsert(mutation("ns", id, "n"));
    const service = new ShardControlPlaneService({ repository: repo });
    const first = (await service.list(ShardFilter.create({ namespace: "ns" }), { pageSize: 2 })).unwrap();
    expect(first.nextCursor).toBe(encodeShardCursor({ namespace: "ns", shardId: "a|2" }));
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = (
      await service.list(ShardFilter.create({ namespace: "ns" }), { pageSize: 2, cursor: first.nextCursor })
    ).unwrap();
    expect(second.items.map((r) => r.shardId)).toEqual(["a|3"]);
    expect(second.nextCursor).toBeNull();
    expect(second.version).toBe(3);
  });

  it("retries store failures under the repository policy on the injected clock (25 ms, then 50 ms)", async () => {
    const time = new VirtualTimeProvider();
    const flaky = new FlakyRepository();
    await seed(flaky.inner, "ns", 3, ["a"]);
    const service = new ShardControlPlaneService({ repository: flaky, timeProvider: time });
    flaky.failures.query = 2;
    const pending = service.list(all);
    await time.advance(24);
    expect(flaky.calls.query).toBe(1);
    await time.advance(1);
    expect(flaky.calls.query).toBe(2);
    await time.advance(50);
    expect((await pending).unwrap().items).toHaveLength(3);
    expect(flaky.calls.query).toBe(3);
    flaky.failures.query = 3;
    const exhausted = service.list(all);
    await time.advance(100);
    expect((await exhausted).error?.code).toBe(ShardErrorCodes.repositoryFailure);
  });
});

describe("diff", () => {
  it("is inclusive on both ends, filters on current, and reports the last included position", async () => {
    const repo = new InMemoryShardRepository();
    for (let i = 0; i < 10; i++)
      await repo.upsert(mutation(i % 2 === 0 ? "ns" : "other", `s${i % 4}`, `n${i}`));
    const service = new ShardControlPlaneService({ repository: repo });
    const d = (await service.diff(3, 8, ShardFilter.create({ namespace: "ns" }))).unwrap();
    expect(d.items.map((x) => x.position)).toEqual([3, 5, 7]);
    expect(d.lastPosition).toBe(7);
    expect((await service.diff(11, null, all)).unwrap()).toEqual({ items: [], lastPosition: null });
    expect((await service.diff(null, null, all)).unwrap().items).toHaveLength(10);
    expect((await service.diff(1, 2, null)).error?.code).toBe(ShardErrorCodes.filterRequired);
  });

  it("maps exhausted store failures to stream.failure and aborts to error.canceled", async () => {
    const time = new VirtualTimeProvider();
    const flaky = new FlakyRepository();
    const service = new ShardControlPlaneService({ repository: flaky, timeProvider: time });
    flaky.failures.readDiffs = 5;
    const pending = service.diff(null, null, all);
    await time.advance(100);
    const failed = await pending;
    expect(failed.error?.code).toBe(ShardErrorCodes.streamFailure);
    expect(failed.error?.metadata.stage).toBe("shards.diff");
    const canceled = await service.diff(null, null, all, { signal: AbortSignal.abort() });
    expect(canceled.error?.code).toBe("error.canceled");
    expect(canceled.error?.message).toBe("Shard diff canceled.");
  });
});

describe("watch and collectWatch", () => {
  it("a null filter gives one filter.required item; collectWatch returns the replay up to the head", async () => {
    const repo = new InMemoryShardRepository();
    for (let i = 0; i < 5; i++) await repo.upsert(mutation("ns", `s${i}`, "a"));
    const service = new ShardControlPlaneService({ repository: repo });
    const items = [];
    for await (const r of service.watch(null, null)) items.push(r);
    expect(items).toHaveLength(1);
    expect(items[0]!.error?.code).toBe(ShardErrorCodes.filterRequired);
    const collected = (await service.collectWatch(2, ShardFilter.create({ search: "S" }))).unwrap();
    expect(collected.map((d) => d.position)).toEqual([3, 4, 5]);
  });

  it("resumes after a transient failure from the last delivered position (no duplicates), then tails", async () => {
    const time = new VirtualTimeProvider();
    const flaky = new FlakyRepository();
    for (let i = 0; i < 3; i++) await flaky.inner.upsert(mutation("ns", `s${i}`, "a"));
    const service = new ShardControlPlaneService({ repository: flaky, timeProvider: time });
    flaky.failures.watch = 1;
    const controller = new AbortController();
    const seen: number[] = [];
    let last: PipeError | undefined;
    const running = (async () => {
      for await (const r of service.watch(0, all, { signal: controller.signal })) {
        if (r.isErr) {
          last = r.error;
          break;
        }
        seen.push(r.value.position);
        if (seen.length === 4) controller.abort();
      }
    })();
    await time.advance(25);
    await flaky.inner.upsert(mutation("ns", "s9", "b"));
    await running;
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(last?.code).toBe("error.canceled");
    expect(last?.message).toBe("Shard watch canceled.");
  });

  it("a non-retryable stream failure ends the stream with stream.failure (stage shards.watch)", async () => {
    const repo = new InMemoryShardRepository();
    const broken = Object.assign(Object.create(repo), {
      watch: () =>
        (async function* () {
          yield err(PipeError.from("boom", "custom.failure"));
        })(),
    });
    const service = new ShardControlPlaneService({ repository: broken });
    const out = [];
    for await (const r of service.watch(0, all)) out.push(r);
    expect(out.map((r) => r.error?.code)).toEqual([ShardErrorCodes.streamFailure]);
    expect(out[0]!.error?.metadata.stage).toBe("shards.watch");
  });
});

describe("upsert and apply", () => {
  it("decodes mutations at the boundary with paths and the original's governance messages", async () => {
    const service = new ShardControlPlaneService({ repository: new InMemoryShardRepository() });
    const bad = await service.upsert({
      namespace: "a|b",
      shardId: " ",
      strategyId: "r",
      ownerNodeId: "n",
      expectedVersion: -1,
    } as never);
    expect(bad.error?.code).toBe("error.validation");
    expect((bad.error!.metadata.issues as { path: string }[]).map((i) => i.path)).toEqual([
      "$.namespace",
      "$.shardId",
      "$.expectedVersion",
    ]);
    const actor = await service.upsert(
      mutation("ns", "s", "n", { changeMetadata: { actor: " ", reason: "r" } }),
    );
    expect(actor.error?.message).toBe("Actor must be provided.");
    const reason = await service.upsert(
      mutation("ns", "s", "n", { changeMetadata: { actor: "a", reason: "" } }),
    );
    expect(reason.error?.message).toBe("Reason must be provided.");
    expect((await service.upsert(mutation("ns", "s", "n"))).unwrap().created).toBe(true);
  });

  it("applies a simulation with one ticket and expected versions; a conflict rolls back what was applied", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 40, ["a", "b"]);
    const service = new ShardControlPlaneService({ repository: repo, workers: 3 });
    const sim = (
      await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }, { nodeId: "c" }] })
    ).unwrap();
    expect(sim.changes.length).toBeGreaterThan(2);
    const applied = (
      await service.apply({ simulation: sim, actor: "ops", reason: "add c", changeTicket: "CHG-1" })
    ).unwrap();
    expect(applied.applied).toHaveLength(sim.changes.length);
    expect(applied.applied.every((r) => r.changeTicket === "CHG-1" && r.version === 2)).toBe(true);
    // stale: re-applying the same simulation conflicts on the first change; nothing else changes
    const head = (await repo.highestPosition()).unwrap();
    const again = await service.apply({
      simulation: sim,
      actor: "ops",
      reason: "again",
      changeTicket: "CHG-2",
    });
    expect(again.error?.code).toBe(ShardErrorCodes.versionConflict);
    expect((await repo.highestPosition()).unwrap()).toBe(head);
    // a conflict midway rolls back the earlier changes
    const sim2 = (
      await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] })
    ).unwrap();
    const victim = sim2.changes[2]!;
    await repo.upsert(mutation("ns", victim.shardId, "zzz"));
    const partial = await service.apply({
      simulation: sim2,
      actor: "ops",
      reason: "remove c",
      changeTicket: "CHG-3",
    });
    expect(partial.error?.code).toBe(ShardErrorCodes.versionConflict);
    expect(partial.error?.metadata).toMatchObject({ applied: 2, rolledBack: 2 });
    for (const c of sim2.changes.slice(0, 2)) {
      expect((await repo.get(c)).unwrap()?.ownerNodeId).toBe(c.currentOwner);
    }
  });
});

describe("a failed apply's rollback", () => {
  it("restores each record as it was, its change ticket and checksum included, and says in history which ticket it undid (fails without the fix)", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 30, ["a", "b", "c"]);
    const service = new ShardControlPlaneService({ repository: repo, workers: 2 });
    const sim = (
      await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] })
    ).unwrap();
    expect(sim.changes.length).toBeGreaterThan(3);
    // the first change's shard carries an earlier ticket; the second none
    const first = sim.changes[0]!;
    const ticketed = (
      await repo.upsert(
        mutation("ns", first.shardId, first.currentOwner, {
          capacityHint: 1,
          changeTicket: "CHG-OLD",
          expectedVersion: first.currentVersion,
        }),
      )
    ).unwrap().record;
    const plan = {
      ...sim,
      changes: [{ ...first, currentVersion: ticketed.version }, ...sim.changes.slice(1)],
    };
    const victim = plan.changes[2]!;
    await repo.upsert(mutation("ns", victim.shardId, "zzz"));
    const before = await Promise.all(
      plan.changes.slice(0, 2).map(async (c) => (await repo.get(c)).unwrap()!),
    );
    expect(before.map((r) => r.changeTicket)).toEqual(["CHG-OLD", null]);
    const head = (await repo.highestPosition()).unwrap();
    const request = { simulation: plan, actor: "ops", reason: "shrink", changeTicket: "CHG-FAIL" };
    const failed = await service.apply(request);
    expect(failed.error?.code).toBe(ShardErrorCodes.versionConflict);
    expect(failed.error?.metadata).toMatchObject({ applied: 2, rolledBack: 2 });
    for (const b of before) {
      const after = (await repo.get(b)).unwrap()!;
      const { version, updatedAt, ...content } = after;
      const { version: v0, updatedAt: u0, ...was } = b;
      expect([b.shardId, content]).toEqual([b.shardId, was]);
      expect(version).toBe(v0 + 2);
    }
    const diffs = (await repo.readDiffs(head, { limit: 10 })).unwrap();
    expect(
      diffs.map((d) => [
        d.current.shardId,
        d.history?.changeTicket,
        d.current.changeTicket,
        d.history?.reason,
      ]),
    ).toEqual([
      [before[0]!.shardId, "CHG-FAIL", "CHG-FAIL", "shrink"],
      [before[1]!.shardId, "CHG-FAIL", "CHG-FAIL", "shrink"],
      [before[1]!.shardId, null, null, "rollback of CHG-FAIL: shrink"],
      [before[0]!.shardId, "CHG-OLD", "CHG-OLD", "rollback of CHG-FAIL: shrink"],
    ]);
    expect(diffs[3]!.current.checksum).toBe(before[0]!.checksum);
  });
});

describe("issue 14 smaller items", () => {
  it("apply rejects a change outside the plan's namespace before writing anything", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 10, ["a"]);
    await seed(repo, "other", 10, ["a"]);
    const service = new ShardControlPlaneService({ repository: repo, workers: 2 });
    const sim = (
      await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] })
    ).unwrap();
    expect(sim.changes.length).toBeGreaterThan(1);
    const stray = { ...sim.changes[1]!, namespace: "other" };
    const head = (await repo.highestPosition()).unwrap();
    const r = await service.apply({
      simulation: { ...sim, changes: [sim.changes[0]!, stray] },
      actor: "ops",
      reason: "r",
      changeTicket: "CHG-9",
    });
    expect(r.error?.code).toBe(ShardErrorCodes.planInvalid);
    expect(r.error?.metadata.issues).toEqual([
      expect.objectContaining({ path: "$.simulation.changes[1].namespace" }),
    ]);
    expect((await repo.highestPosition()).unwrap()).toBe(head);
    const badOwner = await service.apply({
      simulation: { ...sim, changes: [{ ...sim.changes[0]!, proposedOwner: "b\u0000" }] },
      actor: "ops",
      reason: "r",
      changeTicket: "CHG-9",
    });
    expect(badOwner.error?.code).toBe("error.validation");
    expect((await repo.highestPosition()).unwrap()).toBe(head);
  });

  it("a store stream that throws gives shards.control.stream.failure from watch and collectWatch", async () => {
    const flaky = new FlakyRepository();
    await seed(flaky.inner, "ns", 2, ["a"]);
    const throwing = (): AsyncIterable<never> => ({
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error("socket hang up")),
      }),
    });
    flaky.streamDiffs = throwing;
    flaky.watch = throwing;
    const service = new ShardControlPlaneService({ repository: flaky });
    const collected = await service.collectWatch(0, all);
    expect(collected.error?.code).toBe(ShardErrorCodes.streamFailure);
    expect(collected.error?.metadata.stage).toBe("shards.watch");
    expect(collected.error?.message).not.toMatch(/socket/);
    const items = [];
    for await (const r of service.watch(0, all)) items.push(r);
    expect(items).toHaveLength(1);
    expect(items[0]!.error?.code).toBe(ShardErrorCodes.streamFailure);
  });
});

describe("simulate", () => {
  const nodes = [{ nodeId: "node-a" }, { nodeId: "node-b" }, { nodeId: "node-c" }];

  it("validates in the original order: request → namespace → nodes → node ids → namespace.missing → strategy", async () => {
    const service = new ShardControlPlaneService({ repository: new InMemoryShardRepository() });
    const code = async (r: unknown) => (await service.simulate(r as never)).error?.code;
    expect(await code(null)).toBe(ShardErrorCodes.simulationRequestRequired);
    expect(await code({ namespace: " ", nodes: [] })).toBe(ShardErrorCodes.namespaceRequired);
    expect(await code({ namespace: "ns", nodes: [] })).toBe(ShardErrorCodes.nodesRequired);
    expect(await code({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "" }] })).toBe(
      ShardErrorCodes.nodeIdInvalid,
    );
    expect(await code({ namespace: "ns", nodes: [{ nodeId: "a" }], strategyId: "nope" })).toBe(
      ShardErrorCodes.namespaceMissing,
    );
    // A node listed twice would own a double share; the original accepted it silently.
    const twice = await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "a" }] });
    expect(twice.error?.code).toBe("error.validation");
    expect(twice.error?.metadata.issues).toEqual([
      { path: "$.nodes[1].nodeId", message: "Node 'a' is listed more than once." },
    ]);
    expect(await code({ namespace: 42, nodes: [] })).toBe("error.validation");
    const missing = await service.simulate({ namespace: "ns", nodes: [{ nodeId: "a" }] });
    expect(missing.error?.message).toBe("Namespace 'ns' does not contain shard records.");
    await service.upsert(mutation("ns", "s", "a"));
    expect(await code({ namespace: "ns", nodes: [{ nodeId: "a" }], strategyId: "nope" })).toBe(
      ShardErrorCodes.hashingStrategyUnknown,
    );
  });

  it("fans out, merges and returns changes in plan order with moves, minimum moves and balance", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 300, ["node-a", "node-b"]);
    const one = new ShardControlPlaneService({ repository: repo, workers: 1 });
    const many = new ShardControlPlaneService({ repository: repo, workers: 7 });
    const a = (await one.simulate({ namespace: "ns", strategyId: "Ring", nodes })).unwrap();
    const b = (await many.simulate({ namespace: "ns", strategyId: "Ring", nodes })).unwrap();
    expect(b.changes).toEqual(a.changes);
    expect(b.strategyId).toBe("Ring");
    const order = new Map(b.assignments.map((x, i) => [x.shardId, i]));
    const indices = b.changes.map((c) => order.get(c.shardId)!);
    expect([...indices].sort((x, y) => x - y)).toEqual(indices);
    expect(b.moves).toBe(b.changes.length);
    expect(b.minimumMoves).toBeLessThanOrEqual(b.moves);
    expect(b.minimumMoves).toBeGreaterThan(0);
    expect(Object.values(b.balance.perNode).reduce((x, y) => x + y, 0)).toBe(300);
    expect(b.balance.mean).toBe(100);
    expect(b.balance.ratio).toBeCloseTo(b.balance.max / 100);
    for (const c of b.changes) expect(c.currentOwner).not.toBe(c.proposedOwner);
  });

  it("unknown assignments give shards.control.assignment.missing", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 3, ["a"]);
    const registry = new ShardHashStrategyRegistry([
      {
        id: "ghost",
        compute: (r) =>
          ok({
            namespace: r.namespace,
            strategyId: "ghost",
            generatedAt: new Date(0).toISOString(),
            assignments: [
              {
                namespace: r.namespace,
                shardId: "unknown",
                ownerNodeId: "a",
                capacity: 1,
                leaderId: null,
                localityHint: null,
              },
            ],
          }),
      },
    ]);
    const service = new ShardControlPlaneService({ repository: repo, registry });
    const r = await service.simulate({ namespace: "ns", strategyId: "ghost", nodes: [{ nodeId: "a" }] });
    expect(r.error?.code).toBe(ShardErrorCodes.assignmentMissing);
    expect(r.error?.message).toBe("Shard assignment refers to missing shard 'unknown'.");
    expect(r.error!.metadata.shardId).toBe("unknown");
  });

  it("a failing worker returns its error (not masked by retry) and the other workers' compensations run", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 40, ["node-a"]);
    const compensated: string[] = [];
    let failingCalls = 0;
    const service = new ShardControlPlaneService({
      repository: repo,
      workers: 4,
      reconcile: ({ assignment, context, workerIndex }) => {
        if (assignment.shardId === "shard-0025") {
          failingCalls++;
          return err(PipeError.from("Simulated worker failure."));
        }
        if (assignment.shardId.endsWith("0"))
          context.registerCompensation(() => void compensated.push(`w${workerIndex}:${assignment.shardId}`));
        return ok(undefined);
      },
    });
    const r = await service.simulate({ namespace: "ns", nodes });
    expect(r.error?.code).toBe(ShardErrorCodes.assignmentFailed);
    expect(r.error?.message).toBe("Simulated worker failure.");
    expect(r.error!.metadata.shardId).toBe("shard-0025");
    expect(failingCalls).toBe(1);
    expect(compensated.length).toBeGreaterThan(0);
    expect(compensated.some((c) => c.startsWith("w0:"))).toBe(true);
  });

  it("retries a transient worker failure idempotently (same output as a clean run)", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 60, ["node-a", "node-b"]);
    const clean = (
      await new ShardControlPlaneService({ repository: repo, workers: 3 }).simulate({
        namespace: "ns",
        nodes,
      })
    ).unwrap();
    const time = new VirtualTimeProvider();
    const attempts: number[] = [];
    const service = new ShardControlPlaneService({
      repository: repo,
      workers: 3,
      timeProvider: time,
      reconcile: ({ assignment, attempt }) => {
        if (assignment.shardId === "shard-0030") {
          attempts.push(attempt);
          if (attempt === 1) return err(PipeError.from("flaky", ShardErrorCodes.repositoryFailure));
        }
        return ok(undefined);
      },
    });
    const pending = service.simulate({ namespace: "ns", nodes });
    await time.advance(25);
    const r = (await pending).unwrap();
    expect(attempts).toEqual([1, 2]);
    expect(r.changes).toEqual(clean.changes);
  });

  it("cancellation gives error.canceled", async () => {
    const repo = new InMemoryShardRepository();
    await seed(repo, "ns", 20, ["node-a"]);
    const controller = new AbortController();
    const service = new ShardControlPlaneService({
      repository: repo,
      workers: 2,
      reconcile: async ({ assignment }) => {
        if (assignment.shardId === "shard-0003") controller.abort("operator");
        await Promise.resolve();
        return ok(undefined);
      },
    });
    const r = await service.simulate({ namespace: "ns", nodes }, { signal: controller.signal });
    expect(r.error?.code).toBe("error.canceled");
    expect(
      (await service.simulate({ namespace: "ns", nodes }, { signal: AbortSignal.abort() })).error?.code,
    ).toBe("error.canceled");
  });
});

describe("list over a read view", () => {
  it("reads the page from memory without the retry policy; over a store the policy runs", async () => {
    const spans: string[] = [];
    const tracer: TracerLike = {
      startActiveSpan: (_name, _options, fn) =>
        fn({ setAttribute: () => {}, addEvent: () => {}, setStatus: () => {}, end: () => {} }) as never,
    };
    const record: TracerLike = {
      startActiveSpan: (name, options, fn) => {
        spans.push(name);
        return tracer.startActiveSpan(name, options, fn);
      },
    };
    const store = new InMemoryShardRepository();
    await seed(store, "ns", 3, ["a", "b"]);
    const view = (await ShardReadView.open(store)).unwrap();
    PipelineTracing.configure(record);
    try {
      const viaView = await new ShardControlPlaneService({ repository: view }).list(ShardFilter.create({}));
      expect(viaView.unwrap().items).toHaveLength(3);
      expect(spans).not.toContain("pipeline.retry");
      const viaStore = await new ShardControlPlaneService({ repository: store }).list(ShardFilter.create({}));
      expect(viaStore.unwrap()).toEqual(viaView.unwrap());
      expect(spans).toContain("pipeline.retry");
    } finally {
      PipelineTracing.reset();
      await view.close();
    }
  });
});
