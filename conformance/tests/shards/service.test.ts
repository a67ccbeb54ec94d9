/**
 * @pipe/shards conformance: the byte-compatible hashing vectors, and the service suite (service-suite.ts) over
 * the in-memory store, on every runtime (the main entry loads no database driver).
 */
import { computeShardChecksum, InMemoryShardRepository, rendezvousStrategy, xxh64Hex } from "@pipe/shards";
import { describe, expect, it } from "../../src/harness.ts";
import { serviceSuite } from "./service-suite.ts";

describe("shards: hashing is byte-compatible", () => {
  it("XXH64 and checksum vectors from the reference C library", () => {
    expect(xxh64Hex("")).toBe("EF46DB3751D8E999");
    expect(xxh64Hex("abc")).toBe("44BC2CF5AD770999");
    expect(xxh64Hex("héllo wörld ✓ 𝄞")).toBe("B21827158C9ECED1");
    const sum = computeShardChecksum({
      namespace: "ns",
      shardId: "s",
      strategyId: "rendezvous",
      ownerNodeId: "n",
      leaderId: null,
      capacityHint: 1e-5,
      status: "paused",
      changeTicket: null,
    });
    expect(sum).toBe("C3A367E5F9B7B9A0");
    const plan = rendezvousStrategy.compute({
      namespace: "mesh.control",
      shards: [{ shardId: "shard-000" }],
      nodes: [
        { nodeId: "iad-zone-1", weight: 1.0 },
        { nodeId: "iad-zone-2", weight: 0.8 },
        { nodeId: "phx-zone-1", weight: 1.3 },
        { nodeId: "phx-zone-2", weight: 1.1 },
        { nodeId: "dub-zone-1", weight: 0.9 },
        { nodeId: "dub-zone-2", weight: 0.9 },
      ],
    });
    expect(plan.unwrap().assignments[0]?.ownerNodeId).toBe("phx-zone-2");
  });
});

serviceSuite({ name: "in-memory", open: async () => new InMemoryShardRepository() });
