/**
 * The rendezvous hashing kernel: the WebAssembly XXH64 and the TypeScript one give the same digests for every
 * key (ASCII, non-ASCII, short and multi-stripe), the generated module matches its `.wat` source, and the
 * strategies answer the same with either.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShardNodeHasher } from "../src/hashing/node-hasher.ts";
import { xxh64 } from "../src/index.ts";

const digestsOf = (hasher: ShardNodeHasher, prefix: string): bigint[] => {
  const d = hasher.hash(prefix);
  return Array.from({ length: d.length / 2 }, (_, i) => (BigInt(d[i * 2 + 1]!) << 32n) | BigInt(d[i * 2]!));
};

describe("ShardNodeHasher", () => {
  it("uses WebAssembly on this runtime", () => {
    expect(ShardNodeHasher.create(["a"]).usesWasm).toBe(true);
    expect(ShardNodeHasher.create(["a"], { wasm: false }).usesWasm).toBe(false);
  });

  it("gives XXH64(prefix + nodeId) on both paths, for any prefix and node ids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 40 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ unit: "grapheme", maxLength: 120 }), { minLength: 1, maxLength: 6 }),
        (nodes, prefixes) => {
          const wasm = ShardNodeHasher.create(nodes);
          const js = ShardNodeHasher.create(nodes, { wasm: false });
          for (const prefix of prefixes) {
            const expected = nodes.map((n) => xxh64(prefix + n));
            expect(digestsOf(wasm, prefix)).toEqual(expected);
            expect(digestsOf(js, prefix)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("grows its memory for long prefixes and many nodes", () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => `node-${i}-${"x".repeat(i % 50)}`);
    const hasher = ShardNodeHasher.create(nodes);
    const prefix = `ns/${"ß".repeat(40_000)}::`;
    const d = digestsOf(hasher, prefix);
    for (const i of [0, 1, 7_777, 19_999]) expect(d[i]).toBe(xxh64(prefix + nodes[i]));
  });

  it("hashes keys that end at the very end of the kernel's memory", () => {
    // 3-byte characters fill the key buffer as far as the room check lets a prefix go, for node ids of every
    // length modulo 8 (the kernel copies them in 8-byte words).
    for (const longest of [8, 9, 15, 41]) {
      const nodes = ["a", "x".repeat(longest), "bc".repeat(Math.floor(longest / 2))];
      const hasher = ShardNodeHasher.create(nodes);
      const most = Math.floor(65_536 / 3);
      for (let k = most - 60; k <= most + 2; k++) {
        const prefix = "€".repeat(k);
        const d = digestsOf(hasher, prefix);
        for (const [i, n] of nodes.entries()) expect(d[i]).toBe(xxh64(prefix + n));
      }
    }
  });

  it("ships the module compiled from wasm/xxh64.wat", () => {
    const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});

describe("rendezvous strategies prepared once", () => {
  it("place shards in any slicing exactly as compute does", async () => {
    const { rendezvousStrategy, weightedRendezvousStrategy } = await import("../src/index.ts");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 9 }),
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 9, maxLength: 9 }),
        fc.uniqueArray(fc.string({ maxLength: 10 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, weights, shardIds, slice) => {
          const nodes = ids
            .filter((id) => id.trim().length > 0)
            .map((nodeId, i) => ({ nodeId, weight: weights[i]! }));
          fc.pre(nodes.length > 0);
          const shards = shardIds.map((shardId) => ({ shardId }));
          for (const strategy of [rendezvousStrategy, weightedRendezvousStrategy]) {
            const whole = strategy.compute({ namespace: "ns", shards, nodes }).unwrap().assignments;
            const placement = strategy.prepare!({ namespace: "ns", shards: [], nodes }).unwrap();
            const sliced = [];
            for (let i = 0; i < shards.length; i += slice)
              sliced.push(...placement.place(shards.slice(i, i + slice)).unwrap());
            expect(sliced).toEqual(whole);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
