import {
  all,
  compensation,
  err,
  group,
  ok,
  PipeError,
  partition,
  Result,
  traverse,
  window,
} from "@pipe/result";
import { describe, expect, it } from "vitest";

const boom = PipeError.from("boom");

describe("collections", () => {
  it("all keeps tuple types and stops at the first failure", () => {
    const r = Result.all([ok(1), ok("a")] as const);
    expect(r.value).toEqual([1, "a"]);
    let read = 0;
    function* items() {
      read++;
      yield ok(1);
      read++;
      yield err<number>(boom);
      read++;
      yield ok(3);
    }
    const f = all(items());
    expect(f.error).toBe(boom);
    expect(read).toBe(2);
    expect(all([]).value).toEqual([]);
    expect(() => all([1 as never])).toThrow(TypeError);
  });

  it("all concatenates compensations (also on failure)", () => {
    const a = compensation(() => {});
    const b = compensation(() => {});
    expect(all([ok(1).withCompensations([a]), ok(2).withCompensations([b])]).compensations).toEqual([a, b]);
    const failed = err<number>(boom);
    expect(all([ok(1), failed])).toBe(failed);
    expect(
      all([ok(1).withCompensations([a]), err<number>(boom).withCompensations([b])]).compensations,
    ).toEqual([a, b]);
  });

  it("traverse stops evaluating at the first failure", () => {
    const seen: number[] = [];
    const r = traverse([1, 2, 3], (n, i) => {
      seen.push(i);
      return n === 2 ? err(boom) : ok(n * 10);
    });
    expect(r.error).toBe(boom);
    expect(seen).toEqual([0, 1]);
    expect(Result.traverse(["1", "2"], (s) => ok(Number(s))).value).toEqual([1, 2]);
  });

  it("partition walks everything", () => {
    const a = compensation(() => {});
    const p = partition([ok(1), err<number>(boom).withCompensations([a]), ok(2)]);
    expect(p.successes).toEqual([1, 2]);
    expect(p.failures).toEqual([boom]);
    expect(p.compensations).toEqual([a]);
  });

  it("group", () => {
    const g = group([ok(1), ok(2), ok(3)], (n) => (n % 2 ? "odd" : "even"));
    expect([...(g.value ?? new Map())]).toEqual([
      ["odd", [1, 3]],
      ["even", [2]],
    ]);
    expect(Result.group([ok(1), err<number>(boom)], () => 1).error).toBe(boom);
  });

  it("window", () => {
    expect(window([ok(1), ok(2), ok(3)], 2).value).toEqual([[1, 2], [3]]);
    expect(window([ok(1), ok(2)], 2).value).toEqual([[1, 2]]);
    expect(Result.window([ok(1), err<number>(boom)], 5).error).toBe(boom);
    expect(() => window([], 0)).toThrow(RangeError);
    expect(() => window([], 1.5)).toThrow(RangeError);
  });
});

describe("Result.gen", () => {
  it("unwraps successes and returns early on failure", () => {
    let reachedEnd = false;
    let cleaned = false;
    const r = Result.gen(function* (bind) {
      try {
        const a = yield* bind(ok(2));
        const b = yield* bind(a > 1 ? err<number>(boom) : ok(3));
        reachedEnd = true;
        return a * b;
      } finally {
        cleaned = true;
      }
    });
    expect(r.error).toBe(boom);
    expect(reachedEnd).toBe(false);
    expect(cleaned).toBe(true);
    const s = Result.gen(function* (bind) {
      const a = yield* bind(ok(2).withCompensation(() => {}));
      const b = yield* bind(ok(3));
      return a * b;
    });
    expect(s.value).toBe(6);
    expect(s.compensations).toHaveLength(1);
  });

  it("yielding a non-Result is a TypeError", () => {
    expect(() =>
      Result.gen(function* () {
        yield 5 as never;
        return 1;
      }),
    ).toThrow(TypeError);
  });
});
