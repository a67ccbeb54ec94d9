import {
  compensation,
  describeValue,
  Err,
  err,
  isResult,
  isThenable,
  Ok,
  ok,
  PipeError,
  Result,
  ResultError,
  runCompensationEntry,
} from "@pipe/result";
import { describe, expect, it } from "vitest";

const boom = PipeError.from("boom", "demo.boom");

describe("ok / err", () => {
  it("narrow by isOk / isErr", () => {
    const r: Result<number> = Math.random() > 2 ? err(boom) : ok(1);
    if (r.isOk) {
      const n: number = r.value;
      expect(n).toBe(1);
      expect(r.error).toBeUndefined();
      expect(r.isErr).toBe(false);
    } else {
      throw new Error("unreachable");
    }
    const f = err<number>(boom);
    expect(f.isErr).toBe(true);
    expect(f.isOk).toBe(false);
    expect(f.value).toBeUndefined();
    expect(f.error).toBe(boom);
  });

  it("ok() is Ok<void>; err(undefined) is unspecified; err(exception) converts", () => {
    expect(ok().value).toBeUndefined();
    expect(err(undefined as unknown as PipeError).error.code).toBe("error.unspecified");
    expect(err(new Error("x") as unknown as PipeError).error.code).toBe("error.exception");
  });

  it("err keeps a PipeError as the same instance and converts anything else", () => {
    expect(err(boom).error).toBe(boom);
    expect(err(null as unknown as PipeError).error.code).toBe("error.unspecified");
    expect(err("text" as unknown as PipeError).error.message).toBe("text");
    // A plain object is not taken for a PipeError, even with a PipeError-like shape.
    const lookalike = { message: "m", code: "c" } as unknown as PipeError;
    const converted = err(lookalike).error;
    expect(converted).not.toBe(lookalike);
    expect(PipeError.is(converted)).toBe(true);
    // An error branded by another copy of the package is kept as it is.
    class OtherCopy {
      readonly message = "f";
    }
    Object.defineProperty(OtherCopy.prototype, Symbol.for("@pipe/result.PipeError"), { value: true });
    const foreign = new OtherCopy() as unknown as PipeError;
    expect(err(foreign).error).toBe(foreign);
  });

  it("shape: one own field; compensations own only when attached, else a shared frozen empty list", () => {
    expect(Object.keys(ok(1))).toEqual(["value"]);
    expect(Object.keys(err(boom))).toEqual(["error"]);
    expect(Object.keys(ok(1).withCompensation(() => {}))).toEqual(["value", "compensations"]);
    expect(Object.keys(err(boom).withCompensation(() => {}))).toEqual(["error", "compensations"]);
    expect(
      ok(1)
        .withCompensation(() => {})
        .withoutCompensations().compensations,
    ).toBe(ok(2).compensations);
    expect(ok(1).compensations).toBe(ok(2).compensations);
    expect(ok(1).compensations).toBe(err(boom).compensations);
    expect(Object.isFrozen(ok(1).compensations)).toBe(true);
    expect(ok(1)).toBeInstanceOf(Ok);
    expect(err(boom)).toBeInstanceOf(Err);
  });

  it("a success carrying compensations is still an Ok, and keeps them through map and andThen", () => {
    const undo = compensation(() => {});
    const direct = new Ok(1, [undo]);
    expect(direct).toBeInstanceOf(Ok);
    expect(direct.compensations).toEqual([undo]);
    expect(Object.keys(new Ok(1, []))).toEqual(["value"]);
    const mapped = direct.map((n) => n + 1).map(String);
    expect(mapped).toBeInstanceOf(Ok);
    expect(mapped.isOk && mapped.value).toBe("2");
    expect(mapped.compensations).toEqual([undo]);
    const chained = direct.andThen((n) => ok(n * 10).withCompensation(() => {}));
    expect(chained.compensations).toHaveLength(2);
    expect(chained.compensations[0]).toBe(undo);
    const failed = direct.andThen(() => err<number>(boom));
    expect(failed.isErr && failed.error).toBe(boom);
    expect(failed.compensations).toEqual([undo]);
    expect(direct.withoutCompensations().map((n) => n).compensations).toHaveLength(0);
    expect(String(direct)).toBe("Ok(1)");
  });

  it("Ok cannot be subclassed (its combinators build plain successes)", () => {
    class Tagged<T> extends Ok<T> {}
    expect(() => new Tagged(1)).toThrow(TypeError);
    expect(() => new Tagged(1, [compensation(() => {})])).toThrow(TypeError);
  });

  it("is never thenable", async () => {
    expect("then" in ok(1)).toBe(false);
    expect("then" in err(boom)).toBe(false);
    const r = ok(5);
    expect(await r).toBe(r);
  });

  it("isResult / Result.is", () => {
    expect(isResult(ok(1))).toBe(true);
    expect(Result.is(err(boom))).toBe(true);
    expect(Result.is({ isOk: true, value: 1 })).toBe(false);
  });

  it("Result.ok / Result.fail", () => {
    expect(Result.ok(3).value).toBe(3);
    expect(Result.ok().isOk).toBe(true);
    expect(Result.fail(boom).error).toBe(boom);
  });
});

describe("combinators", () => {
  it("map", () => {
    expect(ok(2).map((n) => n * 3).value).toBe(6);
    const f = err<number>(boom);
    expect(f.map((n) => n + 1)).toBe(f);
  });

  it("mapError", () => {
    const r = ok(1);
    expect(r.mapError(() => boom)).toBe(r);
    const m = err(boom).mapError((e) => e.withMetadata("step", "x"));
    expect(m.error?.metadata.step).toBe("x");
  });

  it("andThen propagates the same failure instance", () => {
    expect(ok(2).andThen((n) => ok(n + 1)).value).toBe(3);
    const failed = ok(2).andThen(() => err(boom));
    expect(failed.error).toBe(boom);
    const f = err<number>(boom);
    let called = false;
    expect(
      f.andThen(() => {
        called = true;
        return ok(1);
      }),
    ).toBe(f);
    expect(called).toBe(false);
  });

  it("tap / tapError", () => {
    const seen: unknown[] = [];
    const r = ok(1);
    expect(r.tap((v) => seen.push(v))).toBe(r);
    expect(r.tapError((e) => seen.push(e))).toBe(r);
    const f = err(boom);
    expect(f.tap((v) => seen.push(v))).toBe(f);
    expect(f.tapError((e) => seen.push(e))).toBe(f);
    expect(seen).toEqual([1, boom]);
  });

  it("ensure: default error.validation message, custom factory", () => {
    const r = ok(-1).ensure((n) => n >= 0);
    expect(r.error?.code).toBe("error.validation");
    expect(r.error?.message).toBe("The result did not satisfy the required condition.");
    const ok5 = ok(5);
    expect(ok5.ensure((n) => n > 0)).toBe(ok5);
    expect(
      ok(1).ensure(
        () => false,
        (v) => PipeError.from(`bad ${v}`),
      ).error?.message,
    ).toBe("bad 1");
    const f = err<number>(boom);
    expect(f.ensure(() => false)).toBe(f);
  });

  it("recover", () => {
    expect(err<number>(boom).recover(() => ok(0)).value).toBe(0);
    const r = ok(1);
    expect(r.recover(() => ok(2))).toBe(r);
    const other = PipeError.from("other");
    expect(err(boom).recover(() => err(other)).error).toBe(other);
  });

  it("match", () => {
    expect(ok(3).match({ ok: (v) => `v${v}`, err: (e) => e.message })).toBe("v3");
    expect(err<number>(boom).match({ ok: (v) => `v${v}`, err: (e) => e.message })).toBe("boom");
  });

  it("valueOr with a value or a function", () => {
    expect(ok(1).valueOr(0)).toBe(1);
    expect(err<number>(boom).valueOr(0)).toBe(0);
    expect(err<number>(boom).valueOr((e) => e.message.length)).toBe(4);
    expect(ok(1).valueOr(() => 9)).toBe(1);
  });

  it("unwrap", () => {
    expect(ok("v").unwrap()).toBe("v");
    expect(() => err(boom).unwrap()).toThrow(ResultError);
  });

  it("toString", () => {
    expect(String(ok(1))).toBe("Ok(1)");
    expect(String(ok({ a: 1 }))).toBe('Ok({"a":1})');
    expect(String(err(boom))).toBe("Err(demo.boom: boom)");
    expect(String(ok(Object.create(null)))).toBe("Ok([object Object])");
  });

  it("callback exceptions are not caught", () => {
    expect(() =>
      ok(1).map(() => {
        throw new Error("x");
      }),
    ).toThrow("x");
  });
});

describe("compensations on results", () => {
  const signal = new AbortController().signal;

  it("withCompensation returns a new result; the original is untouched", async () => {
    const calls: string[] = [];
    const r = ok(1);
    const r1 = r.withCompensation(() => {
      calls.push("a");
    });
    const r2 = r1.withCompensation({ id: "b" }, (s, sig) => {
      expect(sig).toBe(signal);
      calls.push(s.id);
    });
    expect(r.compensations).toHaveLength(0);
    expect(r1.compensations).toHaveLength(1);
    expect(r2.compensations).toHaveLength(2);
    expect(r2.value).toBe(1);
    expect(Object.isFrozen(r2.compensations)).toBe(true);
    expect(calls).toEqual([]);
    for (const entry of [...r2.compensations].reverse()) await runCompensationEntry(entry, signal);
    expect(calls).toEqual(["b", "a"]);
  });

  it("a stateless entry is stored without a closure (shared invoker)", () => {
    const fn = () => {};
    const a = compensation(fn);
    const b = compensation(() => {});
    expect(a.state).toBe(fn);
    expect(a.action).toBe(b.action);
    expect(() => compensation(5 as never)).toThrow(TypeError);
    expect(() => compensation({}, 5 as never)).toThrow(TypeError);
    expect(() => ok(1).withCompensation("x" as never)).toThrow(TypeError);
  });

  it("combinators keep compensations; andThen and recover concatenate", () => {
    const a = compensation(() => {});
    const b = compensation(() => {});
    const base = ok(1).withCompensations([a]);
    expect(base.map((n) => n + 1).compensations).toEqual([a]);
    expect(base.ensure(() => false).compensations).toEqual([a]);
    expect(base.andThen((n) => ok(n).withCompensations([b])).compensations).toEqual([a, b]);
    expect(base.andThen(() => err(boom).withCompensations([b])).compensations).toEqual([a, b]);
    const failed = err<number>(boom).withCompensations([a]);
    expect(failed.mapError((e) => e).compensations).toEqual([a]);
    expect(failed.recover(() => ok(2).withCompensations([b])).compensations).toEqual([a, b]);
    expect(failed.map((n) => n).compensations).toEqual([a]);
  });

  it("withCompensations validates; withoutCompensations clears", () => {
    const a = compensation(() => {});
    const r = err(boom).withCompensations([a]);
    expect(r.error).toBe(boom);
    const cleared = r.withoutCompensations();
    expect(cleared.compensations).toHaveLength(0);
    expect(cleared.error).toBe(boom);
    const plain = ok(1);
    expect(plain.withoutCompensations()).toBe(plain);
    expect(() => ok(1).withCompensations([{ state: 1 } as never])).toThrow(TypeError);
    expect(ok(1).withCompensations([]).compensations).toHaveLength(0);
  });
});

describe("err() and the shared helpers", () => {
  it("err() keeps a PipeError as it is and turns a forged look-alike into error.exception", () => {
    const real = PipeError.from("real", "demo.real");
    expect(err(real).error).toBe(real);
    const forged = { constructor: PipeError, message: "forged", code: "demo.forged" };
    const r = err(forged as never);
    expect(r.error).toBeInstanceOf(PipeError);
    expect(r.error.code).toBe("error.exception");
    expect(r.error.cause).toBe(forged);
  });

  it("isThenable tells promises and PromiseLikes from results and plain values", () => {
    const then = "then"; // a computed key: these objects are thenable on purpose
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable({ [then]: () => undefined })).toBe(true);
    expect(isThenable(Object.assign(() => undefined, { [then]: () => undefined }))).toBe(true);
    expect(isThenable(ok(1))).toBe(false);
    expect(isThenable({ [then]: 1 })).toBe(false);
    expect(isThenable(null)).toBe(false);
  });

  it("describeValue names what a usage error received", () => {
    expect(describeValue(null)).toBe("null");
    expect(describeValue("x")).toBe("a string");
    expect(describeValue(1)).toBe("number");
    expect(describeValue([])).toBe("an array");
    expect(describeValue({})).toBe("a plain object");
    expect(describeValue(new Map())).toBe("an object (Map)");
  });
});
