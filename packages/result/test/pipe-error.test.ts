import { ErrorCodes, err, PipeError, pipeErrorFromJSON, ResultError } from "@pipe/result";
import { describe, expect, it } from "vitest";

describe("PipeError factories", () => {
  it("from: message, code, cause, frozen metadata, no stack", () => {
    const cause = new Error("root");
    const e = PipeError.from("Shard missing", "shards.not_found", { cause, metadata: { shard: 7 } });
    expect(e.message).toBe("Shard missing");
    expect(e.code).toBe("shards.not_found");
    expect(e.cause).toBe(cause);
    expect(e.metadata.shard).toBe(7);
    expect(Object.isFrozen(e.metadata)).toBe(true);
    expect(e.errors).toEqual([]);
    expect(e instanceof Error).toBe(false);
    expect("stack" in e).toBe(false);
  });

  it("owns only the fields that are set, whichever path built it", () => {
    const plain = PipeError.from("m", "demo.plain");
    expect(Object.keys(plain)).toEqual(["message", "code"]);
    expect(plain.cause).toBeUndefined();
    expect(plain.metadata).toEqual({});
    expect(plain.errors).toEqual([]);
    // The general path (options given, even empty ones) builds the same own keys.
    expect(Object.keys(PipeError.from("m", "demo.plain", {}))).toEqual(["message", "code"]);
    expect(PipeError.from("m", "demo.plain", { metadata: {}, errors: [] })).toEqual(plain);
    expect(Object.keys(PipeError.from("m", "error.timeout"))).toEqual(["message", "code", "metadata"]);
    expect(Object.keys(PipeError.from("m", undefined, { cause: 1, metadata: { a: 1 } }))).toEqual([
      "message",
      "code",
      "metadata",
      "cause",
    ]);
    expect(Object.keys(PipeError.aggregate("m", [plain]))).toEqual(["message", "code", "metadata", "errors"]);
    // Prototype defaults are shared and frozen; writing through a PipeError is not possible in the types.
    expect(plain.metadata).toBe(PipeError.from("n").metadata);
    expect(Object.isFrozen(plain.metadata) && Object.isFrozen(plain.errors)).toBe(true);
    expect(pipeErrorFromJSON(plain.toJSON()).unwrap()).toEqual(plain);
  });

  it("copies the metadata record", () => {
    const meta: Record<string, unknown> = { a: 1 };
    const e = PipeError.from("x", undefined, { metadata: meta });
    meta.a = 2;
    expect(e.metadata.a).toBe(1);
  });

  it("known codes attach descriptor metadata unless set", () => {
    const e = PipeError.from("x", "error.validation");
    expect(e.metadata["error.name"]).toBe("Validation");
    expect(e.metadata["error.category"]).toBe("General");
    const own = PipeError.from("x", "error.validation", { metadata: { "error.name": "Mine" } });
    expect(own.metadata["error.name"]).toBe("Mine");
    expect(PipeError.from("x", "unknown.code").metadata).toEqual({});
  });

  it("validates every code, also right after a valid one was used", () => {
    for (const code of ["test.valid", "error.timeout"]) {
      expect(PipeError.from("x", code).code).toBe(code);
      expect(() => PipeError.from("x", "  ")).toThrow(TypeError);
      expect(() => PipeError.from("x", "")).toThrow(TypeError);
      expect(() => new PipeError("x", 5 as unknown as string)).toThrow(TypeError);
      expect(() => new PipeError(7 as unknown as string, code)).toThrow(TypeError);
      expect(PipeError.from("x", code).code).toBe(code);
    }
    expect(() => PipeError.from("x", "\u00a0")).toThrow(TypeError);
    expect(() => PipeError.from("x", "\u3000\t")).toThrow(TypeError);
    expect(PipeError.from("x", "\u00e9t\u00e9").code).toBe("\u00e9t\u00e9");
    // The fast path and the general path build equal errors for the same code.
    PipeError.from("x", "error.timeout");
    const viaFast = PipeError.from("x", "error.timeout");
    const viaSlow = PipeError.from("x", "error.timeout", {});
    expect(Object.keys(viaFast)).toEqual(Object.keys(viaSlow));
    expect(viaFast.metadata).toBe(viaSlow.metadata);
  });

  it("a tampered code never lets a blank code through later: every copy validates its code again", () => {
    const tampered = PipeError.from("x", "test.tamper");
    (tampered as { code: string }).code = "   ";
    const recoded = tampered.withCode(undefined);
    expect(recoded.code).toBeUndefined();
    expect(() => PipeError.from("y", "   ")).toThrow(TypeError);
    expect(() => tampered.withCode("  ")).toThrow(TypeError);
    expect(() => PipeError.from("y", "   ")).toThrow(TypeError);
    // Building from a tampered error validates its code again.
    expect(() => tampered.withMetadata("k", 1)).toThrow(TypeError);
  });

  it("rejects a non-string message, a blank code and a blank metadata key", () => {
    expect(() => PipeError.from(undefined as unknown as string)).toThrow(TypeError);
    expect(() => PipeError.from("x", "  ")).toThrow(TypeError);
    expect(() => PipeError.from("x", undefined, { metadata: { " ": 1 } })).toThrow(TypeError);
  });

  it("fromException", () => {
    const boom = new TypeError("boom");
    const e = PipeError.fromException(boom);
    expect(e.code).toBe("error.exception");
    expect(e.message).toBe("boom");
    expect(e.cause).toBe(boom);
    expect(e.metadata.exceptionType).toBe("TypeError");
    expect(PipeError.fromException("text").message).toBe("text");
    expect(PipeError.fromException("text").metadata.exceptionType).toBe("string");
    expect(PipeError.fromException(boom, "demo.code").code).toBe("demo.code");
    class MyError extends Error {}
    expect(PipeError.fromException(new MyError("m")).metadata.exceptionType).toBe("MyError");
  });

  it("fromException returns a PipeError or a ResultError's error as is", () => {
    const e = PipeError.from("x");
    expect(PipeError.fromException(e)).toBe(e);
    expect(PipeError.fromException(new ResultError(e))).toBe(e);
    expect(PipeError.fromException(e, "demo.re").code).toBe("demo.re");
  });

  it("fromException unwraps a ResultError of another copy of the package, not an Error merely named so", () => {
    const e = PipeError.from("x", "demo.copy");
    // Another copy's ResultError: a different class carrying the same registered brand.
    class OtherCopyResultError extends Error {
      constructor(readonly error: PipeError) {
        super(error.toString());
        this.name = "ResultError";
      }
    }
    Object.defineProperty(OtherCopyResultError.prototype, Symbol.for("@pipe/result.ResultError"), {
      value: true,
    });
    expect(PipeError.fromException(new OtherCopyResultError(e))).toBe(e);
    const named = Object.assign(new Error("demo.copy: x"), { name: "ResultError", error: e });
    expect(PipeError.fromException(named)).not.toBe(e);
    expect(PipeError.fromException(named).code).toBe(ErrorCodes.exception);
  });

  it("canceled renders the reason serialisably", () => {
    expect(PipeError.canceled().message).toBe("Operation was canceled.");
    expect(PipeError.canceled().code).toBe(ErrorCodes.canceled);
    expect("reason" in PipeError.canceled().metadata).toBe(false);
    expect(PipeError.canceled("stop", "shutdown").metadata.reason).toBe("shutdown");
    const c = new AbortController();
    c.abort();
    expect(PipeError.canceled(undefined, c.signal.reason).metadata.reason).toEqual({
      name: "AbortError",
      message: expect.any(String),
    });
    // a signal is replaced by its reason
    const c2 = new AbortController();
    c2.abort("bye");
    expect(PipeError.canceled(undefined, c2.signal).metadata.reason).toBe("bye");
    expect(PipeError.canceled(undefined, { a: 1 }).metadata.reason).toEqual({ a: 1 });
    expect(JSON.parse(JSON.stringify(PipeError.canceled(undefined, new Error("e")))).metadata.reason).toEqual(
      {
        name: "Error",
        message: "e",
      },
    );
  });

  it("timeout, unspecified", () => {
    expect(PipeError.timeout().message).toBe("The operation timed out.");
    expect(PipeError.timeout(250).metadata.duration).toBe(250);
    expect("duration" in PipeError.timeout().metadata).toBe(false);
    expect(PipeError.timeout(1, "slow").message).toBe("slow");
    expect(PipeError.unspecified().toString()).toBe("error.unspecified: An unspecified error occurred.");
  });

  it("aggregate keeps children; zero children is a RangeError", () => {
    const a = PipeError.from("a");
    const b = PipeError.from("b");
    const agg = PipeError.aggregate("two", [a, b]);
    expect(agg.code).toBe("error.aggregate");
    expect(agg.errors).toEqual([a, b]);
    expect(agg.errors[0]).toBe(a);
    expect(Object.isFrozen(agg.errors)).toBe(true);
    expect(() => PipeError.aggregate("none", [])).toThrow(RangeError);
    expect(() => PipeError.aggregate("bad", [new Error("x") as unknown as PipeError])).toThrow(TypeError);
  });

  it("is", () => {
    expect(PipeError.is(PipeError.from("x"))).toBe(true);
    expect(PipeError.is({ message: "x" })).toBe(false);
    expect(PipeError.is(null)).toBe(false);
  });
});

describe("PipeError copy-on-write", () => {
  it("withMetadata(key, value) and (record)", () => {
    const e = PipeError.from("x", "demo.x");
    const e2 = e.withMetadata("a", 1);
    const e3 = e2.withMetadata({ b: 2, a: 3 });
    expect(e.metadata).toEqual({});
    expect(e2.metadata).toEqual({ a: 1 });
    expect(e3.metadata).toEqual({ a: 3, b: 2 });
    expect(e3.code).toBe("demo.x");
    expect(e3).not.toBe(e2);
  });

  it("withMetadata with a blank key throws TypeError", () => {
    const e = PipeError.from("x");
    expect(() => e.withMetadata("", 1)).toThrow(TypeError);
    expect(() => e.withMetadata("   ", 1)).toThrow(TypeError);
    expect(() => e.withMetadata({ "": 1 })).toThrow(TypeError);
    expect(() => e.withMetadata(5 as unknown as string, 1)).toThrow(TypeError);
  });

  it("withCode swaps descriptor metadata; withCause", () => {
    const e = PipeError.from("x", "error.timeout", { metadata: { k: 1 } });
    const v = e.withCode("error.validation");
    expect(v.metadata["error.name"]).toBe("Validation");
    expect(v.metadata.k).toBe(1);
    expect(v.withCode("custom.code").metadata).toEqual({ k: 1 });
    const cause = new Error("c");
    expect(e.withCause(cause).cause).toBe(cause);
    expect(e.withCause(cause).metadata).toEqual(e.metadata);
  });

  it("toString", () => {
    expect(PipeError.from("m").toString()).toBe("m");
    expect(String(PipeError.from("m", "c.d"))).toBe("c.d: m");
  });
});

describe("PipeError JSON", () => {
  it("round-trips message, code, metadata with nested errors, children and the cause", () => {
    const cause = new RangeError("root cause");
    const nested = PipeError.from("inner", "demo.inner");
    const e = PipeError.aggregate("outer", [PipeError.from("c1", "demo.c1"), PipeError.timeout(5)])
      .withMetadata({ one: nested, many: [nested, 1, "s"], deep: { e: nested }, n: null })
      .withCause(cause);
    const json = JSON.parse(JSON.stringify(e));
    expect(json.cause).toEqual({ name: "RangeError", message: "root cause", stack: cause.stack });
    const back = pipeErrorFromJSON(json);
    expect(back.isOk).toBe(true);
    const r = back.unwrap();
    expect(r.message).toBe("outer");
    expect(r.code).toBe("error.aggregate");
    expect(r.errors.map((c) => c.code)).toEqual(["demo.c1", "error.timeout"]);
    expect(PipeError.is(r.metadata.one)).toBe(true);
    expect((r.metadata.many as unknown[])[0]).toBeInstanceOf(PipeError);
    expect(((r.metadata.deep as { e: unknown }).e as PipeError).message).toBe("inner");
    expect(r.cause).toBeInstanceOf(Error);
    expect((r.cause as Error).name).toBe("RangeError");
    expect((r.cause as Error).stack).toBe(cause.stack);
    expect(r.toJSON()).toEqual(json);
  });

  it("accepts a JSON string", () => {
    const r = pipeErrorFromJSON(JSON.stringify(PipeError.from("x", "demo.s")));
    expect(r.isOk && r.value.code).toBe("demo.s");
  });

  it("never throws on bad input; returns error.validation", () => {
    for (const bad of [
      null,
      undefined,
      5,
      "not json",
      [],
      { message: 1 },
      { message: "x", code: 5 },
      { message: "x", code: " " },
      { message: "x", metadata: [] },
      { message: "x", errors: {} },
      { message: "x", errors: [{}] },
      { message: "x", cause: "str" },
      { message: "x", metadata: { "": 1 } },
    ]) {
      const r = pipeErrorFromJSON(bad);
      expect(r.isErr).toBe(true);
      expect(r.error?.code).toBe("error.validation");
    }
    const r = pipeErrorFromJSON({ message: "x", errors: [{ message: 1 }] });
    expect(r.error?.metadata.path).toBe("$.errors[0].message");
  });

  it("pipeErrorFromJSON reads every metadata value of nested error-like objects a bounded number of times", () => {
    // Each level looks like an error but is not one (a child without a string message), so it is kept as data.
    const depth = 16;
    let reads = 0;
    const leaf: Record<string, unknown> = { message: "leaf" };
    Object.defineProperty(leaf, "code", {
      enumerable: true,
      get: () => {
        reads++;
        return "demo.leaf";
      },
    });
    let json: Record<string, unknown> = leaf;
    for (let i = 0; i < depth; i++)
      json = { message: `m${i}`, metadata: { k: json }, errors: [{ message: 1 }] };
    const r = pipeErrorFromJSON({ message: "top", metadata: { k: json } });
    expect(r.isOk).toBe(true);
    let kept = r.value?.metadata.k as { metadata: { k: unknown } };
    for (let i = 1; i < depth; i++) kept = kept.metadata.k as { metadata: { k: unknown } };
    expect(kept.metadata.k).toBeInstanceOf(PipeError);
    expect(reads).toBeLessThanOrEqual(4);
  });

  it("pipeErrorFromJSON fails an error nested too deep in metadata with error.validation", () => {
    let json: Record<string, unknown> = { message: "leaf" };
    for (let i = 0; i < 40; i++) json = { message: `m${i}`, metadata: { k: json } };
    const r = pipeErrorFromJSON(json);
    expect(r.isErr && r.error.code).toBe("error.validation");
    expect(r.error?.message).toContain("too deep");
  });

  it("omits empty parts", () => {
    expect(PipeError.from("x").toJSON()).toEqual({ message: "x" });
  });

  it("metadata that leads back to an error (through a mutable object) serialises to a bounded depth", () => {
    const holder: Record<string, unknown> = {};
    const e = PipeError.from("loop", "demo.loop", { metadata: { holder } });
    holder.self = e;
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    const e1 = PipeError.from("one", undefined, { metadata: { a } });
    const e2 = PipeError.from("two", undefined, { metadata: { b } });
    a.next = e2;
    b.next = e1;
    for (const error of [e, e1]) {
      const text = JSON.stringify(error);
      expect(text).toContain('"[MaxDepth]"');
      // As deep as the parser's own limit: read back as a failed Result, never a throw.
      const back = pipeErrorFromJSON(text);
      expect(back.isOk ? back.value.message : back.error.code).toBe(
        back.isOk ? error.message : "error.validation",
      );
    }
  });

  it("a non-Error cause serialises as name/message", () => {
    expect(PipeError.from("x", undefined, { cause: 42 }).toJSON().cause).toEqual({
      name: "number",
      message: "42",
    });
  });
});

describe("ResultError", () => {
  it("carries the PipeError", () => {
    const e = PipeError.from("nope", "demo.nope", { cause: new Error("c") });
    const thrown = (() => {
      try {
        err(e).unwrap();
      } catch (x) {
        return x;
      }
    })();
    expect(thrown).toBeInstanceOf(ResultError);
    expect((thrown as ResultError).error).toBe(e);
    expect((thrown as ResultError).message).toBe("demo.nope: nope");
    expect((thrown as ResultError).name).toBe("ResultError");
    expect((thrown as ResultError).cause).toBe(e.cause);
  });
  it("pipeErrorFromJSON keeps a __proto__ metadata key as data and never gives the metadata a prototype from the input", () => {
    const revived = pipeErrorFromJSON(
      '{"message":"m","metadata":{"__proto__":{"admin":true},"nested":{"__proto__":{"root":true}}}}',
    ).unwrap();
    const metadata = revived.metadata as Record<string, unknown>;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(metadata.admin).toBeUndefined();
    expect(Object.hasOwn(metadata, "__proto__")).toBe(true);
    const nested = metadata.nested as Record<string, unknown>;
    expect(nested.root).toBeUndefined();
    expect(Object.hasOwn(nested, "__proto__")).toBe(true);
    // and back: the key survives a round trip as data
    expect(
      Object.getOwnPropertyDescriptor(JSON.parse(JSON.stringify(revived)).metadata, "__proto__")?.value,
    ).toEqual({
      admin: true,
    });
  });
});
