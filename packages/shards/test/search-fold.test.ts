import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShardFilter } from "../src/index.ts";
import { foldSearch } from "../src/internal/search-fold.ts";

const record = (shardId: string) => ({
  namespace: "ns",
  shardId,
  strategyId: "ring",
  ownerNodeId: "n",
  leaderId: null,
  capacityHint: 0,
  status: "active" as const,
  version: 1,
  checksum: "x",
  updatedAt: "2026-01-01T00:00:00.000Z",
  changeTicket: null,
});

describe("search case folding", () => {
  it("is idempotent and identical for a code point, its upper case and its lower case (every code point)", () => {
    let checked = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const f = foldSearch(c);
      if (foldSearch(f) !== f || foldSearch(c.toUpperCase()) !== f || foldSearch(c.toLowerCase()) !== f)
        expect({ cp: cp.toString(16), f, upper: foldSearch(c.toUpperCase()) }).toBeUndefined();
      checked++;
    }
    expect(checked).toBe(0x110000 - 0x800);
  });

  it("folds ß/ẞ/SS, the sigmas and İ the same way in any context; % and _ are ordinary characters", () => {
    expect(foldSearch("STRASSE")).toBe(foldSearch("straße"));
    expect(foldSearch("ẞ")).toBe("ss");
    expect(foldSearch("ΟΔΟΣ")).toBe(foldSearch("οδος"));
    expect(foldSearch("Σ")).toBe(foldSearch("ς"));
    expect(foldSearch("İ")).toBe("i\u0307");
    const f = ShardFilter.create({ search: "Σ" });
    expect(f.matches(record("ΟΔΟΣ"))).toBe(true);
    expect(f.matches(record("οδος"))).toBe(true);
    expect(ShardFilter.create({ search: "ss" }).matches(record("Straße"))).toBe(true);
    expect(ShardFilter.create({ search: "a%" }).matches(record("abc"))).toBe(false);
    expect(ShardFilter.create({ search: "a_c" }).matches(record("abc"))).toBe(false);
    expect(ShardFilter.create({ search: "A_C" }).matches(record("xa_cx"))).toBe(true);
  });

  it("a substring of a text folds to a substring of the text's fold (property)", () => {
    const unit = fc.constantFrom(
      "a",
      "S",
      "s",
      "ß",
      "ẞ",
      "Σ",
      "σ",
      "ς",
      "İ",
      "i",
      "I",
      "\u0307",
      "%",
      "_",
      "😀",
      "ﬁ",
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), fc.nat(), fc.nat(), (text, a, b) => {
        const from = Math.min(a, b) % (text.length + 1);
        const to = Math.max(a, b) % (text.length + 1);
        const part = text.slice(from, Math.max(from, to));
        expect(foldSearch(text).includes(foldSearch(part))).toBe(true);
        expect(foldSearch(text.toUpperCase())).toBe(foldSearch(text));
      }),
      { numRuns: 2000 },
    );
  });
});
