import { err, ok } from "@pipe/result";
import { describe, expect, it } from "vitest";
import {
  localityStrategy,
  parseLocalityHint,
  rendezvousStrategy,
  ringStrategy,
  ShardErrorCodes,
  type ShardHashStrategy,
  ShardHashStrategyRegistry,
  weightedRendezvousStrategy,
} from "../src/index.ts";

const shards = (n: number) => Array.from({ length: n }, (_, i) => ({ shardId: `shard-${i}` }));
const ownersOf = (s: ShardHashStrategy, request: Parameters<ShardHashStrategy["compute"]>[0]) =>
  s
    .compute(request)
    .unwrap()
    .assignments.map((a) => a.ownerNodeId);

describe("request validation (original order and codes)", () => {
  const all = [rendezvousStrategy, ringStrategy, localityStrategy, weightedRendezvousStrategy];
  it.each(all.map((s) => [s.id, s] as const))("%s", (_id, s) => {
    const code = (r: unknown) => s.compute(r as never).error?.code;
    expect(code(null)).toBe(ShardErrorCodes.hashingNamespaceRequired);
    expect(code({ namespace: " ", nodes: [], shards: [] })).toBe(ShardErrorCodes.hashingNamespaceRequired);
    expect(code({ namespace: "n", nodes: [], shards: [] })).toBe(ShardErrorCodes.hashingNodesRequired);
    expect(code({ namespace: "n", nodes: [{ nodeId: " " }], shards: [] })).toBe(
      ShardErrorCodes.hashingNodeIdInvalid,
    );
    expect(code({ namespace: "n", nodes: [{ nodeId: "a" }], shards: null })).toBe(
      ShardErrorCodes.hashingShardsMissing,
    );
    const e = s.compute({ namespace: "n", nodes: [], shards: [] }).error!;
    expect(e.metadata.strategyId).toBe(s.id);
    expect(e.message).toBe("At least one node is required to compute shard assignments.");
    expect(s.compute({ namespace: "n", nodes: [{ nodeId: "a" }], shards: [] }).unwrap().assignments).toEqual(
      [],
    );
  });
});

describe("rendezvous", () => {
  it("is deterministic and prefers the heavier node (>65% of 200 with 4:1)", () => {
    const request = {
      namespace: "ns",
      shards: shards(200),
      nodes: [
        { nodeId: "a", weight: 1 },
        { nodeId: "b", weight: 4 },
      ],
    };
    const first = ownersOf(rendezvousStrategy, request);
    expect(ownersOf(rendezvousStrategy, request)).toEqual(first);
    expect(first.filter((o) => o === "b").length).toBeGreaterThan(130);
  });

  it("a blank node id among valid ones fails with node_id_invalid", () => {
    const r = rendezvousStrategy.compute({
      namespace: "ns",
      shards: shards(1),
      nodes: [{ nodeId: "a" }, { nodeId: "" }],
    });
    expect(r.error?.code).toBe(ShardErrorCodes.hashingNodeIdInvalid);
  });

  it("ties go to the ordinally smallest node id; weight 0 is clamped to 0.001", () => {
    // identical ids score identically: the tie-break keeps the smallest, whatever the order
    const tied = rendezvousStrategy.compute({
      namespace: "ns",
      shards: shards(5),
      nodes: [
        { nodeId: "b", weight: 0 },
        { nodeId: "b", weight: 0 },
      ],
    });
    expect(tied.unwrap().assignments.every((a) => a.ownerNodeId === "b")).toBe(true);
    const zero = ownersOf(rendezvousStrategy, {
      namespace: "ns",
      shards: shards(50),
      nodes: [
        { nodeId: "z", weight: 0 },
        { nodeId: "a", weight: 1 },
      ],
    });
    expect(zero.filter((o) => o === "z").length).toBeLessThan(3);
  });
});

describe("weighted-rendezvous", () => {
  it("gives shares proportional to weight (1:3 → ~25%/75%)", () => {
    const owners = ownersOf(weightedRendezvousStrategy, {
      namespace: "ns",
      shards: shards(4000),
      nodes: [
        { nodeId: "a", weight: 1 },
        { nodeId: "b", weight: 3 },
      ],
    });
    const share = owners.filter((o) => o === "b").length / owners.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });

  it("moves only the removed node's shards", () => {
    const nodes = ["a", "b", "c", "d"].map((nodeId) => ({ nodeId }));
    const before = ownersOf(weightedRendezvousStrategy, { namespace: "ns", shards: shards(1000), nodes });
    const after = ownersOf(weightedRendezvousStrategy, {
      namespace: "ns",
      shards: shards(1000),
      nodes: nodes.slice(0, 3),
    });
    before.forEach((o, i) => {
      if (o !== "d") expect(after[i]).toBe(o);
    });
  });
});

describe("ring", () => {
  it("is deterministic over 32 shards and 3 weighted nodes; empty shard list short-circuits", () => {
    const request = {
      namespace: "ns",
      shards: shards(32),
      nodes: [
        { nodeId: "a", weight: 1 },
        { nodeId: "b", weight: 1.5 },
        { nodeId: "c", weight: 0.8 },
      ],
    };
    expect(ownersOf(ringStrategy, request)).toEqual(ownersOf(ringStrategy, request));
    // blank ids go undetected when there is nothing to place (the original's order)
    expect(
      ringStrategy.compute({ namespace: "ns", shards: [], nodes: [{ nodeId: "a" }, { nodeId: " " }] }).isOk,
    ).toBe(true);
    expect(
      ringStrategy.compute({ namespace: "ns", shards: shards(1), nodes: [{ nodeId: "a" }, { nodeId: " " }] })
        .error?.code,
    ).toBe(ShardErrorCodes.hashingNodeIdInvalid);
  });

  it("with one node every shard wraps to it; weight ≤ 0 still gets one point", () => {
    expect(
      new Set(
        ownersOf(ringStrategy, {
          namespace: "ns",
          shards: shards(40),
          nodes: [{ nodeId: "only", weight: -1 }],
        }),
      ),
    ).toEqual(new Set(["only"]));
  });
});

describe("locality", () => {
  it("parses hints like the original", () => {
    expect(parseLocalityHint("zone:x")).toEqual({ zone: "x" });
    expect(parseLocalityHint("REGION:y")).toEqual({ region: "y" });
    expect(parseLocalityHint("iad/iad-1")).toEqual({ region: "iad", zone: "iad-1" });
    expect(parseLocalityHint("/x")).toEqual({ region: "x" });
    expect(parseLocalityHint(" dub ")).toEqual({ region: "dub" });
    expect(parseLocalityHint("")).toEqual({});
  });

  it("prefers zone, then region, then all nodes", () => {
    const nodes = [
      { nodeId: "iad-zone-1", region: "iad", zone: "iad-1" },
      { nodeId: "iad-zone-2", region: "iad", zone: "iad-2" },
      { nodeId: "phx-zone-1", region: "phx", zone: "phx-1" },
    ];
    const place = (localityHint: string) =>
      localityStrategy.compute({ namespace: "ns", shards: [{ shardId: "s", localityHint }], nodes }).unwrap()
        .assignments[0]!.ownerNodeId;
    expect(place("iad/iad-1")).toBe("iad-zone-1");
    expect(place("phx/phx-1")).toBe("phx-zone-1");
    expect(["iad-zone-1", "iad-zone-2"]).toContain(place("iad"));
    expect(["iad-zone-1", "iad-zone-2"]).toContain(place("iad/nowhere"));
    expect(nodes.map((n) => n.nodeId)).toContain(place(""));
  });

  it("without hints equals rendezvous", () => {
    const request = {
      namespace: "ns",
      shards: shards(100),
      nodes: [{ nodeId: "a" }, { nodeId: "b", weight: 2 }],
    };
    expect(ownersOf(localityStrategy, request)).toEqual(ownersOf(rendezvousStrategy, request));
  });
});

describe("registry", () => {
  it("provides the built-ins case-insensitively", () => {
    const registry = new ShardHashStrategyRegistry();
    expect(registry.registeredStrategyIds).toEqual(
      expect.arrayContaining(["ring", "rendezvous", "locality", "weighted-rendezvous"]),
    );
    expect(
      registry
        .compute("Rendezvous", { namespace: "ns", shards: shards(3), nodes: [{ nodeId: "a" }] })
        .unwrap().assignments,
    ).toHaveLength(3);
    expect(registry.tryGet(" ")).toBeUndefined();
    expect(registry.resolve("nope").error?.code).toBe(ShardErrorCodes.hashingStrategyUnknown);
    expect(
      registry.compute("nope", { namespace: "ns", shards: [], nodes: [{ nodeId: "a" }] }).error?.code,
    ).toBe(ShardErrorCodes.hashingStrategyUnknown);
  });

  it("registers custom strategies; duplicates need overwrite; constructor entries overwrite built-ins", () => {
    const custom: ShardHashStrategy = {
      id: "Ring",
      compute: () =>
        err(ShardHashStrategyRegistry.prototype.resolve.call(new ShardHashStrategyRegistry(), "x").error!),
    };
    const registry = new ShardHashStrategyRegistry();
    expect(registry.register(custom).error?.code).toBe(ShardErrorCodes.hashingStrategyDuplicate);
    expect(registry.register(null as never).error?.code).toBe(ShardErrorCodes.hashingStrategyRequired);
    expect(registry.register({ id: " ", compute: () => ok(null as never) }).error?.code).toBe(
      ShardErrorCodes.hashingStrategyUnknown,
    );
    expect(registry.register(custom, { overwrite: true }).isOk).toBe(true);
    expect(new ShardHashStrategyRegistry([custom]).tryGet("ring")).toBe(custom);
  });
});
