import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DIFF_SHAPE,
  decodeDiffRow,
  decodePage,
  decodeRecordRow,
  fits,
  isDiffTuple,
  isRecordTuple,
  RECORD_SHAPE,
} from "../src/internal/sql-rows.ts";

const AT = Date.UTC(2025, 0, 1);
const recordRow = ["ns", "s-1", "rendezvous", "node-1", null, 1, 0, 3, "abc", AT, null];
const diffRow = [
  ...[7, "ns", "s-1", 3, "rendezvous", "node-2", "node-1", "ops", "move", "T-1", 12.5, null, AT],
  ...[null, 1, 2, "def", 2, "rendezvous", "node-1", null, 1, 0, "abc", AT - 1000, null],
];

describe("SQL row decoding (the shape fast path and the schema fallback)", () => {
  it("decodes well-formed record and diff tuples", () => {
    expect(decodeRecordRow(recordRow).unwrap()).toEqual({
      namespace: "ns",
      shardId: "s-1",
      strategyId: "rendezvous",
      ownerNodeId: "node-1",
      leaderId: null,
      capacityHint: 1,
      status: "active",
      version: 3,
      checksum: "abc",
      updatedAt: "2025-01-01T00:00:00.000Z",
      changeTicket: null,
    });
    const d = decodeDiffRow(diffRow).unwrap();
    expect(d.position).toBe(7);
    expect(d.current).toMatchObject({ ownerNodeId: "node-2", status: "paused", version: 3, checksum: "def" });
    expect(d.previous).toMatchObject({ ownerNodeId: "node-1", status: "active", version: 2 });
    expect(d.previous?.updatedAt).toBe("2024-12-31T23:59:59.000Z");
    expect(d.history).toMatchObject({
      previousOwnerNodeId: "node-1",
      ownershipDeltaPercent: 12.5,
      actor: "ops",
    });
    expect(decodeDiffRow([...diffRow.slice(0, 17), ...Array(9).fill(null)]).unwrap().previous).toBeNull();
  });

  it("rejects a malformed tuple with error.validation naming the column", () => {
    const badStatus = [...recordRow];
    badStatus[6] = 9;
    const r = decodeRecordRow(badStatus);
    expect(r.isErr && r.error.code).toBe("error.validation");
    expect(r.isErr && r.error.message).toContain("[6]");
    const badType = [...diffRow];
    badType[3] = "3";
    const d = decodeDiffRow(badType);
    expect(d.isErr && d.error.message).toContain("[3]");
    expect(decodeDiffRow(diffRow.slice(0, 25)).isErr).toBe(true);
    expect(decodeRecordRow({ 0: "ns" }).isErr).toBe(true);
  });

  it("decodes a JSON page and fails on a non-array page or the first bad tuple", () => {
    expect(decodePage(JSON.stringify([recordRow, recordRow]), decodeRecordRow).unwrap()).toHaveLength(2);
    expect(decodePage("[]", decodeRecordRow).unwrap()).toEqual([]);
    expect(decodePage('{"a":1}', decodeRecordRow).isErr).toBe(true);
    expect(decodePage("not json", decodeRecordRow).isErr).toBe(true);
    expect(decodePage(JSON.stringify([recordRow, [1]]), decodeRecordRow).isErr).toBe(true);
  });
});

describe("row shapes agree with their Effect schemas", () => {
  const probes: unknown[] = [null, 0, 1, 3, 4, -1, 2.5, "", "x", true, undefined, [], {}];
  const representative = (kind: string): unknown =>
    kind === "s" || kind === "S" ? "x" : kind === "n" || kind === "N" ? 2.5 : 1;
  for (const [name, shape, is] of [
    ["record", RECORD_SHAPE, isRecordTuple],
    ["diff", DIFF_SHAPE, isDiffTuple],
  ] as const) {
    it(`${name}: every column accepts exactly what the schema accepts (each probe at each position)`, () => {
      const base = [...shape].map(representative);
      expect(fits(base, shape)).toBe(true);
      expect(is(base)).toBe(true);
      for (let i = 0; i < shape.length; i++) {
        for (const probe of probes) {
          const row = base.map((x, j) => (j === i ? probe : x));
          expect([i, probe, fits(row, shape)]).toEqual([i, probe, is(row)]);
        }
      }
      for (const row of [base.slice(1), [...base, null], {}, "x", null])
        expect(fits(row, shape)).toBe(is(row));
    });

    it(`${name}: fits(row) === the schema's guard for arbitrary rows`, () => {
      const cell = fc.oneof(fc.constantFrom(...probes), fc.string({ maxLength: 3 }), fc.double());
      const valid = fc.tuple(...[...shape].map((k) => kindArb(k)));
      fc.assert(
        fc.property(
          fc.oneof(valid, fc.array(cell, { minLength: shape.length, maxLength: shape.length })),
          (row) => {
            expect(fits(row, shape)).toBe(is(row));
          },
        ),
        { numRuns: 1_000 },
      );
    });
  }
});

function kindArb(kind: string): fc.Arbitrary<unknown> {
  const status = fc.constantFrom(0, 1, 2, 3);
  switch (kind) {
    case "s":
      return fc.string({ maxLength: 4 });
    case "S":
      return fc.option(fc.string({ maxLength: 4 }), { nil: null });
    case "n":
      return fc.double();
    case "N":
      return fc.option(fc.double(), { nil: null });
    case "t":
      return status;
    default:
      return fc.option(status, { nil: null });
  }
}

describe("timestamps of decoded rows", () => {
  it("are each row's own millisecond as ISO text, in any order, repeated or not", () => {
    const ms = fc.oneof(
      fc.constantFrom(AT, AT + 1, 0, -0, -1, 8.64e15, -8.64e15),
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(ms, ms), { maxLength: 30 }), (times) => {
        for (const [updated, previous] of times) {
          expect(decodeRecordRow(recordRow.with(9, updated)).unwrap().updatedAt).toBe(
            new Date(updated).toISOString(),
          );
          const d = decodeDiffRow(diffRow.with(12, updated).with(24, previous)).unwrap();
          expect(d.current.updatedAt).toBe(new Date(updated).toISOString());
          expect(d.history.createdAt).toBe(new Date(updated).toISOString());
          expect(d.previous?.updatedAt).toBe(new Date(previous).toISOString());
        }
      }),
      { numRuns: 300 },
    );
  });
});
