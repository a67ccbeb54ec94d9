/**
 * The tenant id rule: no invisible, bidi, control or separator characters and no surrounding white space, so
 * two tenants never look alike in a log or an admin page and an id never reorders the line it is printed in;
 * the router applies it to `add`, the `tenants` option and envelope keys.
 */
import { ok } from "@pipe/pipeline";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TenantErrorCodes, TenantRouter, tenantIdProblem } from "../src/index.ts";
import { codes, drain, drive, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

const INVISIBLE = [
  "\u200B", // zero-width space (Cf)
  "\u202E", // right-to-left override (Cf)
  "\u2066", // left-to-right isolate (Cf)
  "\u00AD", // soft hyphen (Cf)
  "\uFEFF", // byte order mark (Cf)
  "\u200D", // zero-width joiner (Cf)
  "\u2028", // line separator (Zl)
  "\u2029", // paragraph separator (Zp)
  "\u0000", // Cc
  "\u0085", // Cc
  "\uD800", // lone surrogate (Cs)
];
const UNSEEN = /[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u;

describe("tenantIdProblem", () => {
  it("accepts printable ids, with inner spaces and any script", () => {
    for (const id of ["acme", "a", "acme corp", "ünïcødé", "租户-7", "a\u00A0b", "🔑", "t-000"])
      expect(tenantIdProblem(id), id).toBeUndefined();
  });

  it("rejects invisible, bidi, control and separator characters anywhere, and blank or padded ids", () => {
    for (const c of INVISIBLE)
      for (const id of [`ac${c}me`, `${c}acme`, `acme${c}`])
        expect(tenantIdProblem(id), JSON.stringify(id)).toBeDefined();
    for (const id of ["", " ", "\t", " acme", "acme ", "acme\n", "\u3000acme"])
      expect(tenantIdProblem(id), JSON.stringify(id)).toBeDefined();
    for (const v of [undefined, null, 42, {}]) expect(tenantIdProblem(v)).toBe("Expected a string");
  });

  it("never accepts Cc/Cs/Cf/Zl/Zp or surrounding white space, over arbitrary strings", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.string({ unit: "grapheme", maxLength: 6 }),
      fc
        .tuple(
          fc.string({ maxLength: 6 }),
          fc.constantFrom(...INVISIBLE, " ", "\u3000"),
          fc.string({ maxLength: 6 }),
        )
        .map(([a, c, b]) => a + c + b),
    );
    fc.assert(
      fc.property(text, (id) => {
        if (tenantIdProblem(id) !== undefined) return;
        expect(UNSEEN.test(id)).toBe(false);
        expect(/^\s|\s$/u.test(id)).toBe(false);
        expect(id.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the router applies the rule", () => {
  it("add and the tenants option throw a TypeError naming the rule, not the id", () => {
    const router = new TenantRouter(filledIngress([]), { process: () => ok() });
    expect(() => router.add("ac\u202Eme")).toThrow(TypeError);
    expect(() => router.add("ac\u202Eme")).toThrow(/tenantId: Expected no control, format/);
    expect(() => new TenantRouter(filledIngress([]), { tenants: ["\u200B"], process: () => ok() })).toThrow(
      TypeError,
    );
  });

  it("dead-letters an envelope keyed by an invisible or bidi id with tenants.key.invalid, creating no tenant", async () => {
    const clock = new VirtualTimeProvider();
    const seen: string[] = [];
    const router = new TenantRouter(
      filledIngress([env("acme", 1), env("ac\u200Bme", 2), env("\u202Eemca", 3), env("acme\u00AD", 4)]),
      {
        tenants: ["acme"],
        unknownTenant: "createOnFirstSight",
        timeProvider: clock,
        process: (_c, id) => {
          seen.push(id);
          return ok();
        },
      },
    );
    expect((await drive(router.run(), clock)).isOk).toBe(true);
    expect(seen).toEqual(["acme"]);
    const letters = drain(router.deadLetters);
    expect(codes(letters)).toEqual([
      TenantErrorCodes.keyInvalid,
      TenantErrorCodes.keyInvalid,
      TenantErrorCodes.keyInvalid,
    ]);
    expect(router.snapshot().invalidKeys).toBe(3);
    expect(router.snapshot().tenants.map((t) => t.tenantId)).toEqual(["acme"]);
  });
});
