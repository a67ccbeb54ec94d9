/**
 * The rendezvous hashing kernel: the WebAssembly XXH64 and the TypeScript one give the same digests for every
 * key (ASCII, non-ASCII, short and multi-stripe), the generated module matches its `.wat` source, and the
 * strategies answer the same with either.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xxh64 } from "../src/index.ts";
import { NodeHasher } from "../src/internal/node-hasher.ts";

const digestsOf = (hasher: NodeHasher, prefix: string): bigint[] => {
  const d = hasher.hash(prefix);
  return Array.from({ length: d.length / 2 }, (_, i) => (BigInt(d[i * 2 + 1]!) << 32n) | BigInt(d[i * 2]!));
};

describe("NodeHasher", () => {
  it("uses WebAssembly on this runtime", () => {
    expect(NodeHasher.create(["a"]).usesWasm).toBe(true);
    expect(NodeHasher.create(["a"], { wasm: false }).usesWasm).toBe(false);
  });

  it("gives XXH64(prefix + nodeId) on both paths, for any prefix and node ids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 40 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ unit: "grapheme", maxLength: 120 }), { minLength: 1, maxLength: 6 }),
        (nodes, prefixes) => {
          const wasm = NodeHasher.create(nodes);
          const js = NodeHasher.create(nodes, { wasm: false });
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
    const hasher = NodeHasher.create(nodes);
    const prefix = `ns/${"ß".repeat(40_000)}::`;
    const d = digestsOf(hasher, prefix);
    for (const i of [0, 1, 7_777, 19_999]) expect(d[i]).toBe(xxh64(prefix + nodes[i]));
  });

  it("ships the module compiled from wasm/xxh64.wat", () => {
    const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
