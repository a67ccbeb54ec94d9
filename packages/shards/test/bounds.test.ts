/**
 * Issue 14 item 2: every number that drives work has a bound enforced at the boundary, and legitimately large
 * simulations share the event loop and stop when their client leaves.
 */
import { ok, type Result } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp, type ShardControlPlaneAppOptions } from "../src/http/index.ts";
import {
  InMemoryShardRepository,
  rendezvousStrategy,
  ringStrategy,
  ShardControlPlaneService,
  type ShardControlPlaneServiceOptions,
  ShardHashStrategyRegistry,
  ShardLimits,
  type ShardRecord,
} from "../src/index.ts";
import { FlakyRepository } from "./support.ts";

const OPS = "ops-token-0123456789abcdef";
const auth = { authorization: `Bearer ${OPS}` };

/** A repository whose namespace `big` lists `count` synthetic records without storing them. */
function bigNamespace(count: number): FlakyRepository {
  const repo = new FlakyRepository();
  const inner = repo.list;
  repo.list = async (namespace, options) => {
    if (namespace !== "big") return inner(namespace, options);
    const records: ShardRecord[] = new Array(count);
    for (let i = 0; i < count; i++)
      records[i] = {
        namespace,
        shardId: `s-${i}`,
        strategyId: "rendezvous",
        ownerNodeId: "n-0",
        leaderId: null,
        capacityHint: 1,
        status: "active",
        version: 1,
        checksum: "0",
        updatedAt: "1970-01-01T00:00:00.000Z",
        changeTicket: null,
      };
    return ok(records);
  };
  return repo;
}

function app(
  repository = new InMemoryShardRepository() as ShardControlPlaneServiceOptions["repository"],
  extra: Partial<ShardControlPlaneAppOptions> = {},
  serviceExtra: Partial<ShardControlPlaneServiceOptions> = {},
) {
  const service = new ShardControlPlaneService({ repository, ...serviceExtra });
  return createShardControlPlaneApp({
    service,
    tokens: [{ token: OPS, scopes: ["shards.operate"] }],
    ...extra,
  });
}

const simulate = async (a: ReturnType<typeof app>, body: unknown, signal?: AbortSignal): Promise<Response> =>
  a.fetch(
    new Request("http://shards.test/control/shards/simulate", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    }),
  );

const nodesOf = (n: number, weight?: number) =>
  Array.from({ length: n }, (_, i) => ({ nodeId: `n-${i}`, ...(weight === undefined ? {} : { weight }) }));

const paths = (r: Result<unknown>) =>
  (r.error?.metadata.issues as { path: string }[] | undefined)?.map((i) => i.path);

/** Polls `condition` on real macrotasks until it holds (bounded). */
async function until(condition: () => boolean, rounds = 10_000): Promise<void> {
  for (let i = 0; i < rounds && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(condition()).toBe(true);
}

describe("simulation bounds (service)", () => {
  const service = (repo = bigNamespace(10)) => new ShardControlPlaneService({ repository: repo });

  it("rejects weights outside 0..1,000 with the path, before reading the store", async () => {
    const repo = bigNamespace(10);
    for (const weight of [50_000, 1e6, 1e9, -1, 1000.5]) {
      const r = await service(repo).simulate({
        namespace: "demo",
        strategyId: "ring",
        nodes: [{ nodeId: "a", weight }],
      });
      expect(r.error?.code).toBe("error.validation");
      expect(paths(r)).toEqual(["$.nodes[0].weight"]);
    }
    expect(repo.calls.list).toBeUndefined();
    expect(
      (await service(repo).simulate({ namespace: "big", nodes: [{ nodeId: "a", weight: 1000 }] })).isOk,
    ).toBe(true);
  });

  it("rejects more than 10,000 nodes and more than 262,144 ring points", async () => {
    const many = await service().simulate({ namespace: "big", nodes: nodesOf(ShardLimits.maxNodes + 1) });
    expect(paths(many)).toEqual(["$.nodes"]);
    const ring = await service().simulate({ namespace: "big", strategyId: "RING", nodes: nodesOf(5, 1000) });
    expect(ring.error?.code).toBe("error.validation");
    expect(paths(ring)).toEqual(["$.nodes"]);
    expect(ring.error?.metadata.limit).toBe(262_144);
    // 4,096 points per node: 64 nodes are exactly the cap
    expect(
      (await service().simulate({ namespace: "big", strategyId: "ring", nodes: nodesOf(64, 64) })).isOk,
    ).toBe(true);
    // the strategy itself refuses an oversized ring instead of allocating it (a library caller skips the decoder)
    const direct = ringStrategy.compute({
      namespace: "x",
      shards: [{ shardId: "s" }],
      nodes: [{ nodeId: "a", weight: 1e9 }],
    });
    expect(direct.error?.code).toBe("error.validation");
  });

  it("bounds the namespace size and shards × nodes by what the namespace holds", async () => {
    const tooMany = await service(bigNamespace(ShardLimits.maxShards + 1)).simulate({
      namespace: "big",
      nodes: nodesOf(1),
    });
    expect(paths(tooMany)).toEqual(["$.namespace"]);
    const work = await service(bigNamespace(100_001)).simulate({ namespace: "big", nodes: nodesOf(10_000) });
    expect(paths(work)).toEqual(["$.nodes"]);
    expect(work.error?.metadata.work).toBe(1_000_010_000);
  });

  it("places in slices with the same plan as one compute", async () => {
    const repo = bigNamespace(1_000);
    const nodes = nodesOf(150, 0.5); // 873 shards per slice: two slices
    for (const strategyId of ["rendezvous", "ring", "locality", "weighted-rendezvous"]) {
      const sim = (await service(repo).simulate({ namespace: "big", strategyId, nodes })).unwrap();
      const records = (await repo.list("big")).unwrap();
      const whole = new ShardHashStrategyRegistry()
        .compute(strategyId, {
          namespace: "big",
          shards: records.map((r) => ({ shardId: r.shardId, capacity: 1 })),
          nodes,
        })
        .unwrap();
      expect(sim.assignments).toEqual(whole.assignments);
    }
  });
});

describe("simulation bounds (HTTP)", () => {
  it("answers the 80-byte request of issue 14 with 400 problem+json naming the weight", async () => {
    const body = '{"namespace":"demo","strategyId":"ring","nodes":[{"nodeId":"a","weight":50000}]}';
    expect(body.length).toBe(80);
    const res = await simulate(app(bigNamespace(10)), body);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await res.json();
    expect(problem.code).toBe("error.validation");
    expect(problem.metadata.issues.map((i: { path: string }) => i.path)).toEqual(["$.nodes[0].weight"]);
  });

  it("rejects JSON nested deeper than 16 levels with 400 and accepts 16", async () => {
    const nested = (depth: number) =>
      `{"namespace":"big","nodes":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    const deep = await simulate(app(bigNamespace(1)), nested(17));
    expect(deep.status).toBe(400);
    expect(deep.headers.get("content-type")).toBe("application/problem+json");
    expect((await deep.json()).code).toBe("shards.http.json.too_deep");
    const brackets = await simulate(
      app(bigNamespace(1)),
      `{"namespace":"x","strategyId":"[[[[[[[[[[[[[[[[[[[[","nodes":[{"nodeId":"a"}]}`,
    );
    expect(brackets.status).toBe(404); // brackets inside strings do not count
    const fine = await simulate(app(bigNamespace(1)), nested(16));
    expect((await fine.json()).code).toBe("error.validation");
    const huge = await simulate(app(bigNamespace(1)), "[".repeat(500_000));
    expect(huge.status).toBe(400);
  });

  it("answers a body over maxBodyBytes with 413 problem+json", async () => {
    const res = await simulate(app(bigNamespace(1), { maxBodyBytes: 1024 }), { namespace: "x".repeat(2048) });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json()).code).toBe("shards.http.payload_too_large");
  });

  it("caps concurrent simulations with 503, a code and Retry-After, and frees the slot afterwards", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered = false;
    const a = app(
      bigNamespace(5),
      { maxConcurrentSimulations: 1 },
      {
        workers: 1,
        reconcile: async () => {
          entered = true;
          await gate;
          return ok(undefined);
        },
      },
    );
    const first = simulate(a, { namespace: "big", nodes: nodesOf(2) });
    await until(() => entered);
    const second = await simulate(a, { namespace: "big", nodes: nodesOf(2) });
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(second.headers.get("content-type")).toBe("application/problem+json");
    expect((await second.json()).code).toBe("shards.http.simulations.exhausted");
    release();
    expect((await first).status).toBe(200);
    expect((await simulate(a, { namespace: "big", nodes: nodesOf(2) })).status).toBe(200);
  });

  it("keeps answering /healthz while a large legal simulation runs", async () => {
    // 4,000 shards × 1,000 nodes = 4M scores: many slices. Health is asked from a macrotask queued once the
    // namespace is read, i.e. while the plan is being computed.
    const repo = bigNamespace(4_000);
    const inner = repo.list;
    const order: string[] = [];
    const a = app(repo);
    let health: Promise<void> | undefined;
    repo.list = async (namespace, options) => {
      const r = await inner(namespace, options);
      setTimeout(() => {
        health = Promise.resolve(a.fetch(new Request("http://shards.test/healthz"))).then((res) => {
          order.push(`health ${res.status}`);
        });
      }, 0);
      return r;
    };
    const res = await simulate(a, { namespace: "big", nodes: nodesOf(1_000) });
    order.push(`simulate ${res.status}`);
    await until(() => health !== undefined);
    await health;
    expect(order).toEqual(["health 200", "simulate 200"]);
  });

  it("stops placing and reconciling when the client disconnects", async () => {
    for (const phase of ["place", "reconcile"] as const) {
      let placed = 0;
      let reconciled = 0;
      const counting = {
        id: "counting",
        compute: (...args: Parameters<typeof rendezvousStrategy.compute>) => {
          placed += args[0].shards.length;
          return rendezvousStrategy.compute(...args);
        },
      };
      const controller = new AbortController();
      const total = 20_000;
      const a = app(
        bigNamespace(total),
        {},
        {
          workers: 1,
          registry: new ShardHashStrategyRegistry([counting]),
          reconcile: () => {
            reconciled++;
            return undefined;
          },
        },
      );
      // the client leaves as soon as the phase under test has begun (a macrotask, like a socket close)
      const watch = setInterval(() => {
        if ((phase === "place" ? placed : reconciled) > 0) controller.abort(new Error("client left"));
      }, 0);
      const res = await simulate(
        a,
        { namespace: "big", strategyId: "counting", nodes: nodesOf(phase === "place" ? 200 : 1) },
        controller.signal,
      ).catch((e: unknown) => e);
      clearInterval(watch);
      const seen = phase === "place" ? placed : reconciled;
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(total);
      if (res instanceof Response) expect(res.status).toBe(499);
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 1));
      expect(phase === "place" ? placed : reconciled).toBe(seen);
    }
  });
});
