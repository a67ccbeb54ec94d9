import { ErrorCodes } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeShardCursor,
  decodeShardFilterInput,
  decodeShardSimulationRequest,
  encodeShardCursor,
  parseShardStatus,
  ShardErrorCodes,
  ShardFilter,
  type ShardRecord,
  shardStatusFromValue,
  shardStatusValue,
} from "../src/index.ts";

describe("cursor", () => {
  it("round-trips any namespace without '|' and any shard id (including '|')", () => {
    const nonBlank = (s: string) => s.trim().length > 0;
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1 }).filter((s) => nonBlank(s) && !s.includes("|")),
        fc.string({ unit: "grapheme", minLength: 1 }).filter(nonBlank),
        (namespace, shardId) => {
          const token = encodeShardCursor({ namespace, shardId });
          expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeShardCursor(token).unwrap()).toEqual({ namespace, shardId });
        },
      ),
    );
  });

  it("accepts only canonical tokens: whatever decodes encodes back to the same token", () => {
    const digit = fc.constantFrom(
      ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=".split(""),
    );
    fc.assert(
      fc.property(fc.string({ unit: digit, maxLength: 24 }), (token) => {
        const decoded = decodeShardCursor(token);
        if (decoded.isOk) expect(encodeShardCursor(decoded.value)).toBe(token);
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects non-canonical, padded, standard-alphabet, non-UTF-8 and malformed payloads", () => {
    const bad = [
      "",
      "!!!!",
      "YQ",
      "YXw",
      "fGI",
      "YQ==",
      "Zm9vfGJh+g",
      "Zm9vfGJhc=",
      "_w",
      "ICB8ICA",
      "bnN8eB",
    ];
    for (const token of bad) expect(decodeShardCursor(token).error?.code).toBe(ShardErrorCodes.cursorInvalid);
    expect(decodeShardCursor(` ${encodeShardCursor({ namespace: "n", shardId: "s" })} `).isOk).toBe(true);
  });
});

describe("filter", () => {
  const record = (over: Partial<ShardRecord>): ShardRecord => ({
    namespace: "ns",
    shardId: "Shard-01",
    strategyId: "ring",
    ownerNodeId: "node-a",
    leaderId: null,
    capacityHint: 1,
    status: "active",
    version: 1,
    checksum: "",
    updatedAt: "",
    changeTicket: null,
    ...over,
  });
  it("trims, treats blank as none, compares identifiers ordinally and search case-insensitively", () => {
    const f = ShardFilter.create({
      namespace: " ns ",
      ownerNodeId: "",
      search: "SHARD",
      statuses: ["active", "active"],
    });
    expect(f.ownerNodeId).toBeUndefined();
    expect(f.statuses).toEqual(["active"]);
    expect(f.matches(record({}))).toBe(true);
    expect(f.matches(record({ namespace: "NS" }))).toBe(false);
    expect(f.matches(record({ status: "paused" }))).toBe(false);
    expect(ShardFilter.create({ ownerNodeId: "NODE-A" }).matches(record({}))).toBe(false);
    expect(ShardFilter.all.matches(record({ status: "disabled" }))).toBe(true);
  });
});

describe("statuses and boundary decoding", () => {
  it("maps the original's integers", () => {
    expect(shardStatusValue("paused")).toBe(2);
    expect(shardStatusFromValue(3)).toBe("disabled");
    expect(shardStatusFromValue(4)).toBeUndefined();
    expect(parseShardStatus("Draining")).toBe("draining");
    expect(parseShardStatus("0")).toBe("active");
    expect(parseShardStatus("nope")).toBeUndefined();
  });

  it("reports error.validation with the path of each problem", () => {
    const r = decodeShardSimulationRequest({ namespace: 1, nodes: [{ nodeId: 2, weight: "x" }, null] });
    expect(r.error?.code).toBe(ErrorCodes.validation);
    expect((r.error!.metadata.issues as { path: string }[]).map((i) => i.path)).toEqual([
      "$.namespace",
      "$.nodes[0].nodeId",
      "$.nodes[0].weight",
    ]);
    expect(decodeShardFilterInput({ statuses: ["bogus"] }).error?.metadata.issues).toEqual([
      { path: "$.statuses[0]", message: expect.any(String) },
    ]);
  });
});
