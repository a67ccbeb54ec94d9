/**
 * Golden vectors from the reference XXH64 (python-xxhash 4.0.1 = the xxHash C library) and an independent
 * Python re-implementation of the original's algorithms: see vectors/derive_vectors.py (it produced
 * vectors/vectors.json, read here).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeShardChecksum,
  localityStrategy,
  rendezvousStrategy,
  ringStrategy,
  type ShardNodeDescriptor,
  type ShardStatus,
  xxh64,
  xxh64Hex,
} from "../src/index.ts";
import { formatDotNetDouble } from "../src/internal/dotnet-number.ts";

interface Vectors {
  xxh64: Record<string, string>;
  formatted: Record<string, string>;
  checksums: [string, string][];
  rendezvous: string[];
  weighted_linear_1_4: number;
  ring: string[];
  ring_other_ns: string[];
  locality: string[];
}
const vectors = JSON.parse(
  readFileSync(new URL("./vectors/vectors.json", import.meta.url), "utf8"),
) as Vectors;

/** Straight BigInt transcription of XXH64 (xxhash.h), an independent cross-check of the limb version. */
function referenceXxh64(bytes: Uint8Array): bigint {
  const M = (1n << 64n) - 1n;
  const P1 = 0x9e3779b185ebca87n;
  const P2 = 0xc2b2ae3d27d4eb4fn;
  const P3 = 0x165667b19e3779f9n;
  const P4 = 0x85ebca77c2b2ae63n;
  const P5 = 0x27d4eb2f165667c5n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
  const u64 = (i: number) => {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k]!);
    return v;
  };
  const u32 = (i: number) =>
    BigInt(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16)) | (BigInt(bytes[i + 3]!) << 24n);
  const round = (acc: bigint, input: bigint) => (rotl((acc + input * P2) & M, 31n) * P1) & M;
  const merge = (acc: bigint, v: bigint) => ((((acc ^ round(0n, v)) * P1) & M) + P4) & M;
  let i = 0;
  let h: bigint;
  const n = bytes.length;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(i));
      v2 = round(v2, u64(i + 8));
      v3 = round(v3, u64(i + 16));
      v4 = round(v4, u64(i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else h = P5;
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) h = (((rotl(h ^ round(0n, u64(i)), 27n) * P1) & M) + P4) & M;
  if (i + 4 <= n) {
    h = (((rotl(h ^ ((u32(i) * P1) & M), 23n) * P2) & M) + P3) & M;
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(bytes[i]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

const NODES: ShardNodeDescriptor[] = [
  { nodeId: "iad-zone-1", weight: 1.0, region: "iad", zone: "iad-1" },
  { nodeId: "iad-zone-2", weight: 0.8, region: "iad", zone: "iad-2" },
  { nodeId: "phx-zone-1", weight: 1.3, region: "phx", zone: "phx-1" },
  { nodeId: "phx-zone-2", weight: 1.1, region: "phx", zone: "phx-2" },
  { nodeId: "dub-zone-1", weight: 0.9, region: "dub", zone: "dub-1" },
  { nodeId: "dub-zone-2", weight: 0.9, region: "dub", zone: "dub-2" },
];
const SHARDS = Array.from({ length: 24 }, (_, i) => `shard-${String(i).padStart(3, "0")}`);
const HINTS = ["iad/iad-1", "phx/phx-1", "dub", "zone:dub-2", "region:phx", "", "/iad", "IAD/IAD-2"];
const owners = (r: ReturnType<typeof rendezvousStrategy.compute>) =>
  r.unwrap().assignments.map((a) => a.ownerNodeId);

describe("XXH64 (seed 0)", () => {
  it("matches the reference C library on the published and derived vectors", () => {
    for (const [input, hex] of Object.entries(vectors.xxh64)) expect(xxh64Hex(input)).toBe(hex);
    expect(xxh64("").toString(16)).toBe("ef46db3751d8e999");
    expect(xxh64("a").toString(16)).toBe("d24ec4f1a98c6e5b");
    expect(xxh64("abc").toString(16)).toBe("44bc2cf5ad770999");
  });

  it("agrees with a BigInt transcription of xxhash.h on random inputs of every length class", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 140 }), (bytes) => {
        expect(xxh64(bytes)).toBe(referenceXxh64(bytes));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        expect(xxh64(s)).toBe(referenceXxh64(new TextEncoder().encode(s)));
      }),
    );
  });
});

describe("checksum", () => {
  it("formats capacity like .NET invariant double.ToString()", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [1, "1"],
      [0.5, "0.5"],
      [1.2, "1.2"],
      [1.3, "1.3"],
      [100, "100"],
      [1e14, "100000000000000"],
      [1e15, "1E+15"],
      [1.5e15, "1.5E+15"],
      [0.0001, "0.0001"],
      [1e-5, "1E-05"],
      [1.25e-7, "1.25E-07"],
      [-0, "-0"],
      [-2.5, "-2.5"],
      [123456.789, "123456.789"],
    ];
    for (const [value, text] of cases) expect(formatDotNetDouble(value)).toBe(text);
    expect(Object.values(vectors.formatted)).toEqual(cases.map((c) => c[1]));
  });

  it("reproduces the golden checksums (field order, null → empty, status integer, uppercase hex)", () => {
    const inputs: [string, string, string, string, string | null, number, ShardStatus, string | null][] = [
      ["mesh.control", "shard-01", "rendezvous", "node-a", null, 1, "active", null],
      ["mesh.control", "shard-01", "rendezvous", "node-a", "node-b", 1, "active", null],
      ["mesh.control", "shard-01", "rendezvous", "node-a", null, 1, "active", "CHG-42"],
      ["mesh.control", "shard-01", "ring", "node-b", null, 0.5, "draining", null],
      ["ns", "a|b", "locality", "nödé-ü", "", 1e15, "disabled", "t"],
      ["ns", "s", "rendezvous", "n", null, 1e-5, "paused", null],
    ];
    inputs.forEach(
      ([namespace, shardId, strategyId, ownerNodeId, leaderId, capacityHint, status, changeTicket], i) => {
        const sum = computeShardChecksum({
          namespace,
          shardId,
          strategyId,
          ownerNodeId,
          leaderId,
          capacityHint,
          status,
          changeTicket,
        });
        expect(sum).toBe(vectors.checksums[i]![1]);
      },
    );
  });

  it("changes with the leader or ticket, not with anything outside the eight fields", () => {
    const base = {
      namespace: "n",
      shardId: "s",
      strategyId: "ring",
      ownerNodeId: "a",
      leaderId: null,
      capacityHint: 1,
      status: "active" as const,
      changeTicket: null,
    };
    const sum = computeShardChecksum(base);
    expect(computeShardChecksum({ ...base, leaderId: "l" })).not.toBe(sum);
    expect(computeShardChecksum({ ...base, changeTicket: "t" })).not.toBe(sum);
    expect(computeShardChecksum({ ...base, updatedAt: "2030-01-01T00:00:00Z" } as typeof base)).toBe(sum);
  });
});

describe("strategies against the derived owners", () => {
  it("rendezvous", () => {
    const plan = rendezvousStrategy.compute({
      namespace: "mesh.control",
      shards: SHARDS.map((shardId) => ({ shardId })),
      nodes: NODES,
    });
    expect(owners(plan)).toEqual(vectors.rendezvous);
  });

  it("rendezvous is linear in weight: 1 vs 4 gives the heavy node the derived 174 of 200", () => {
    const plan = rendezvousStrategy.compute({
      namespace: "w",
      shards: Array.from({ length: 200 }, (_, i) => ({ shardId: `s-${i}` })),
      nodes: [
        { nodeId: "light", weight: 1 },
        { nodeId: "heavy", weight: 4 },
      ],
    });
    expect(owners(plan).filter((o) => o === "heavy")).toHaveLength(vectors.weighted_linear_1_4);
  });

  it("ring (64 virtual nodes per weight, namespace-independent points)", () => {
    const shards = SHARDS.map((shardId) => ({ shardId }));
    expect(owners(ringStrategy.compute({ namespace: "mesh.control", shards, nodes: NODES }))).toEqual(
      vectors.ring,
    );
    expect(owners(ringStrategy.compute({ namespace: "other", shards, nodes: NODES }))).toEqual(
      vectors.ring_other_ns,
    );
  });

  it("locality (zone, region, r/z, bare region, fallbacks)", () => {
    const shards = SHARDS.map((shardId, i) => ({ shardId, localityHint: HINTS[i % HINTS.length]! }));
    expect(owners(localityStrategy.compute({ namespace: "mesh.control", shards, nodes: NODES }))).toEqual(
      vectors.locality,
    );
  });
});
