import { err, ok, PipeError, pipeErrorFromJSON, type Result } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const arbCode = fc.option(fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6}){0,2}$/), { nil: undefined });
const arbKey = fc
  .string({ minLength: 1, maxLength: 6 })
  .filter((k) => k.trim().length > 0 && k !== "__proto__");
const arbLeaf = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null));

const arbError: fc.Arbitrary<PipeError> = fc.letrec<{ error: PipeError }>((tie) => ({
  error: fc.oneof(
    { maxDepth: 3, depthSize: "small", withCrossShrink: true },
    fc
      .record({ message: fc.string({ maxLength: 8 }), code: arbCode })
      .map(({ message, code }) => new PipeError(message, code)),
    fc
      .record({
        message: fc.string({ maxLength: 8 }),
        code: arbCode,
        meta: fc.dictionary(
          arbKey,
          fc.oneof(arbLeaf, tie("error"), fc.array(tie("error"), { maxLength: 2 })),
          {
            maxKeys: 3,
          },
        ),
        children: fc.array(tie("error"), { maxLength: 2 }),
        cause: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      })
      .map(({ message, code, meta, children, cause }) => {
        const options: { metadata: Record<string, unknown>; errors: PipeError[]; cause?: unknown } = {
          metadata: meta,
          errors: children,
        };
        if (cause !== undefined) options.cause = new Error(cause);
        return new PipeError(message, code, options);
      }),
  ),
})).error;

const arbResult: fc.Arbitrary<Result<number>> = fc.oneof(
  fc.integer().map((n) => ok(n) as Result<number>),
  fc.string().map((m) => err<number>(PipeError.from(m)) as Result<number>),
);
const arbStep: fc.Arbitrary<(n: number) => Result<number>> = fc.oneof(
  fc.integer().map(
    (k) =>
      (n: number): Result<number> =>
        ok(n + k),
  ),
  fc.string().map(
    (m) =>
      (_: number): Result<number> =>
        err(PipeError.from(m)),
  ),
  fc.integer({ min: 2, max: 5 }).map(
    (d) =>
      (n: number): Result<number> =>
        n % d === 0 ? err(PipeError.from(`d${d}`)) : ok(n * d),
  ),
);
const same = (a: Result<number>, b: Result<number>): void => {
  expect(a.isOk).toBe(b.isOk);
  if (a.isOk) expect(a.value).toBe(b.value);
  else expect(a.error?.toJSON()).toEqual(b.error?.toJSON());
};

describe("algebra", () => {
  it("map identity and composition", () => {
    fc.assert(
      fc.property(arbResult, fc.integer(), fc.integer(), (r, a, b) => {
        same(
          r.map((x) => x),
          r,
        );
        same(
          r.map((x) => x + a).map((x) => x * b),
          r.map((x) => (x + a) * b),
        );
      }),
    );
  });

  it("andThen left/right identity and associativity", () => {
    fc.assert(
      fc.property(fc.integer(), arbResult, arbStep, arbStep, (x, m, f, g) => {
        same(ok(x).andThen(f), f(x));
        same(
          m.andThen((v) => ok(v)),
          m,
        );
        same(
          m.andThen(f).andThen(g),
          m.andThen((v) => f(v).andThen(g)),
        );
      }),
    );
  });

  it("a failure propagates as the same instance", () => {
    fc.assert(
      fc.property(fc.string(), arbStep, (m, f) => {
        const e = PipeError.from(m);
        expect(
          err<number>(e)
            .map((x) => x)
            .andThen(f).error,
        ).toBe(e);
      }),
    );
  });
});

describe("JSON round-trip", () => {
  it("toJSON → JSON text → pipeErrorFromJSON → toJSON is stable", () => {
    fc.assert(
      fc.property(arbError, (e) => {
        const json = JSON.parse(JSON.stringify(e));
        const back = pipeErrorFromJSON(json);
        expect(back.isOk).toBe(true);
        expect(JSON.parse(JSON.stringify(back.value))).toEqual(json);
        expect(back.value?.message).toBe(e.message);
        expect(back.value?.code).toBe(e.code);
        expect(back.value?.errors.length).toBe(e.errors.length);
      }),
      { numRuns: 200 },
    );
  });

  it("pipeErrorFromJSON never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = pipeErrorFromJSON(value);
        expect(r.isOk || r.error?.code === "error.validation").toBe(true);
      }),
    );
  });
});
