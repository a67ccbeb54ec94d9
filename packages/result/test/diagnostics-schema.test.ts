import {
  AsyncResult,
  all,
  err,
  fromStandardSchema,
  GoDiagnostics,
  type MeterLike,
  ok,
  PipeError,
  Result,
  type StandardSchemaLike,
} from "@pipe/result";
import { Schema } from "effect";
import { afterEach, describe, expect, it } from "vitest";

function fakeMeter() {
  const counts: Record<string, number> = {};
  const meter: MeterLike = {
    createCounter: (name) => ({
      add: (n) => {
        counts[name] = (counts[name] ?? 0) + n;
      },
    }),
    createHistogram: () => ({ record: () => {} }),
    createUpDownCounter: () => ({ add: () => {} }),
  };
  return { meter, counts };
}

afterEach(() => GoDiagnostics.reset());

describe("GoDiagnostics", () => {
  it("off by default", () => {
    expect(GoDiagnostics.meter).toBeUndefined();
  });

  it("counts once per created result; propagation and copies count nothing", async () => {
    const { meter, counts } = fakeMeter();
    GoDiagnostics.configure(meter);
    expect(GoDiagnostics.meter).toBe(meter);
    const boom = PipeError.from("boom");
    const f = err<number>(boom); // 1 failure
    f.map((n) => n + 1)
      .andThen((n) => ok(n))
      .ensure(() => false); // propagation: nothing
    f.withCompensation(() => {}).withoutCompensations(); // copies: nothing
    ok(1) // 1 success
      .map((n) => n + 1) // 1 success
      .withCompensation(() => {}) // copy: nothing
      .ensure(() => false); // 1 failure
    expect(counts).toEqual({ "result.successes": 2, "result.failures": 2 });
    await Result.tryAsync(async () => 1); // 1 success
    await AsyncResult.from(Promise.resolve(err<number>(boom))).map((n) => n); // err(): 1 failure, map: nothing
    all([ok(1)]); // 1 + 1
    expect(counts).toEqual({ "result.successes": 5, "result.failures": 3 });
    GoDiagnostics.reset();
    ok(1).map((n) => n + 1); // metrics off: the lean map is back
    expect(counts["result.successes"]).toBe(5);
    GoDiagnostics.configure(meter);
    ok(1).map((n) => n + 1); // on again: 2 more
    expect(counts["result.successes"]).toBe(7);
    const carried = ok(1).withCompensation(() => {}); // 1 success, the copy nothing
    carried.map((n) => n + 1).map((n) => n + 1); // a success carrying compensations counts its maps too: 2
    expect(counts["result.successes"]).toBe(10);
    GoDiagnostics.reset();
    carried.map((n) => n + 1);
    expect(counts["result.successes"]).toBe(10);
    GoDiagnostics.reset();
    expect(GoDiagnostics.meter).toBeUndefined();
  });

  it("subscribe: called now and on every change until unsubscribed; a throwing listener is isolated", () => {
    const seen: (MeterLike | undefined)[] = [];
    const stop = GoDiagnostics.subscribe((m) => {
      seen.push(m);
    });
    expect(seen).toEqual([undefined]);
    const first = fakeMeter().meter;
    const second = fakeMeter().meter;
    const stopThrowing = GoDiagnostics.subscribe((m) => {
      if (m === second) throw new Error("listener failed");
    });
    const after: (MeterLike | undefined)[] = [];
    const stopAfter = GoDiagnostics.subscribe((m) => {
      after.push(m);
    });
    GoDiagnostics.configure(first);
    expect(() => GoDiagnostics.configure(second)).toThrow("listener failed");
    expect(GoDiagnostics.meter).toBe(second); // set regardless
    expect(after).toEqual([undefined, first, second]); // the later listener still ran
    stopThrowing();
    stopAfter();
    GoDiagnostics.reset();
    expect(seen).toEqual([undefined, first, second, undefined]);
    stop();
    GoDiagnostics.configure(first);
    expect(seen).toHaveLength(4);
    expect(() => GoDiagnostics.subscribe(42 as never)).toThrow(TypeError);
  });

  it("subscribe: a listener that changes the meter leaves every listener on the newest one", () => {
    const first = fakeMeter().meter;
    const fallback = fakeMeter().meter;
    const last: (MeterLike | undefined)[] = [];
    const stopA = GoDiagnostics.subscribe((m) => {
      if (m === undefined) GoDiagnostics.configure(fallback); // keeps a meter configured
    });
    const stopB = GoDiagnostics.subscribe((m) => {
      last.push(m);
    });
    expect(GoDiagnostics.meter).toBe(fallback);
    GoDiagnostics.configure(first);
    GoDiagnostics.reset();
    expect(GoDiagnostics.meter).toBe(fallback);
    expect(last.at(-1)).toBe(fallback);
    stopA();
    stopB();
  });

  it("configure rejects a non-meter", () => {
    expect(() => GoDiagnostics.configure({} as MeterLike)).toThrow(TypeError);
  });
});

describe("Standard Schema bridge", () => {
  const Person = Schema.toStandardSchemaV1(
    Schema.Struct({ name: Schema.String, tags: Schema.Array(Schema.Number) }),
  );

  it("Effect Schema: success", () => {
    const r = Result.fromStandardSchema(Person, { name: "Ada", tags: [1] });
    expect(r.value).toEqual({ name: "Ada", tags: [1] });
  });

  it("Effect Schema: error.validation with issue paths", () => {
    const r = fromStandardSchema(Person, { name: 1, tags: [1, "x"] });
    expect(r.error?.code).toBe("error.validation");
    expect(r.error?.metadata.paths).toEqual(["name", "tags.1"]);
    expect(r.error?.metadata.vendor).toBe("effect");
    expect((r.error!.metadata.issues as { path: unknown[] }[]).map((i) => i.path)).toEqual([
      ["name"],
      ["tags", 1],
    ]);
  });

  it("async schemas, throwing validators, non-schemas", async () => {
    const asyncSchema: StandardSchemaLike<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: async (v) =>
          typeof v === "number" ? { value: v } : { issues: [{ message: "nan", path: [{ key: "root" }] }] },
      },
    };
    expect(Result.fromStandardSchema(asyncSchema, 1).error?.message).toContain("fromStandardSchemaAsync");
    expect((await Result.fromStandardSchemaAsync(asyncSchema, 2)).value).toBe(2);
    const bad = await Result.fromStandardSchemaAsync(asyncSchema, "x");
    expect(bad.error?.metadata.paths).toEqual(["root"]);
    expect((await Result.fromStandardSchemaAsync(Person, { name: "a", tags: [] })).isOk).toBe(true);
    const throwing: StandardSchemaLike<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => {
          throw new Error("validator broke");
        },
      },
    };
    expect(Result.fromStandardSchema(throwing, 1).error?.code).toBe("error.exception");
    expect((await Result.fromStandardSchemaAsync(throwing, 1)).error?.code).toBe("error.exception");
    expect(() => Result.fromStandardSchema({} as never, 1)).toThrow(TypeError);
  });
});
