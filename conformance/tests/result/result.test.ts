import {
  AsyncResult,
  collectErrors,
  compensation,
  ErrorCodes,
  err,
  GoDiagnostics,
  type MeterLike,
  mapStream,
  ok,
  PipeError,
  pipeErrorFromJSON,
  Result,
  ResultError,
  runCompensationEntry,
  tapSuccessEachAggregateErrors,
} from "@pipe/result";
import { afterEach, describe, expect, it } from "../../src/harness.ts";

const boom = PipeError.from("boom", "demo.boom");

describe("result: PipeError", () => {
  it("is a cheap immutable value with frozen metadata and no stack", () => {
    const e = PipeError.from("m", "error.timeout", { metadata: { a: 1 } });
    expect(e instanceof Error).toBe(false);
    expect(Object.isFrozen(e.metadata)).toBe(true);
    expect(e.metadata["error.name"]).toBe("Timeout");
    expect(e.toString()).toBe("error.timeout: m");
    expect(PipeError.from("plain").toString()).toBe("plain");
  });

  it("factories carry the documented codes and metadata", () => {
    expect(PipeError.fromException(new TypeError("t")).metadata.exceptionType).toBe("TypeError");
    const c = new AbortController();
    c.abort("bye");
    expect(PipeError.canceled(undefined, c.signal.reason).metadata.reason).toBe("bye");
    expect(PipeError.timeout(20).metadata.duration).toBe(20);
    expect(PipeError.unspecified().code).toBe(ErrorCodes.unspecified);
    expect(PipeError.aggregate("x", [boom]).errors[0]).toBe(boom);
  });

  it("usage errors are thrown synchronously", () => {
    expect(() => PipeError.aggregate("none", [])).toThrow(RangeError);
    expect(() => boom.withMetadata(" ", 1)).toThrow(TypeError);
  });

  it("JSON round-trips nested errors, children and the cause; bad input is a failed Result", () => {
    const e = PipeError.aggregate("outer", [boom])
      .withMetadata({ nested: [PipeError.timeout(1)] })
      .withCause(new Error("root"));
    const json = JSON.parse(JSON.stringify(e));
    const back = pipeErrorFromJSON(json);
    expect(back.isOk).toBe(true);
    expect(back.unwrap().toJSON()).toEqual(json);
    expect(PipeError.is((back.unwrap().metadata.nested as unknown[])[0])).toBe(true);
    expect(pipeErrorFromJSON(42).error?.code).toBe("error.validation");
    expect(pipeErrorFromJSON("{oops").error?.code).toBe("error.validation");
  });
});

describe("result: Result", () => {
  it("narrows, chains, and propagates the same error instance", () => {
    const r = ok(2)
      .map((n) => n * 3)
      .andThen((n) => (n > 5 ? err<number>(boom) : ok(n)))
      .map((n) => n + 1);
    expect(r.isErr).toBe(true);
    expect(r.error).toBe(boom);
    expect(ok(1).match({ ok: (v) => v + 1, err: () => 0 })).toBe(2);
    expect(err<number>(boom).valueOr((e) => e.message.length)).toBe(4);
    expect(ok(-1).ensure((n) => n > 0).error?.code).toBe("error.validation");
    expect(err<number>(boom).recover(() => ok(9)).value).toBe(9);
  });

  it("is not thenable; unwrap throws ResultError", async () => {
    const r = ok(1);
    expect(await r).toBe(r);
    expect(() => err(boom).unwrap()).toThrow(ResultError);
  });

  it("carries compensations in order and keeps them through andThen", async () => {
    const calls: string[] = [];
    const r = ok(1)
      .withCompensation(() => {
        calls.push("a");
      })
      .andThen((n) =>
        ok(n).withCompensation({ id: "b" }, (s) => {
          calls.push(s.id);
        }),
      );
    expect(r.compensations).toHaveLength(2);
    for (const entry of [...r.compensations].reverse()) {
      await runCompensationEntry(entry, new AbortController().signal);
    }
    expect(calls).toEqual(["b", "a"]);
    expect(r.withoutCompensations().compensations).toHaveLength(0);
    expect(compensation(() => {}).action).toBe(compensation(() => {}).action);
  });

  it("collections stop at the first failure", () => {
    expect(Result.all([ok(1), ok(2)]).value).toEqual([1, 2]);
    expect(Result.all([ok(1), err<number>(boom)]).error).toBe(boom);
    expect(Result.window([ok(1), ok(2), ok(3)], 2).value).toEqual([[1, 2], [3]]);
    expect(Result.partition([ok(1), err<number>(boom)]).failures).toEqual([boom]);
  });
});

describe("result: async", () => {
  it("tryAsync + AsyncResult read flat with one await", async () => {
    const r = await Result.tryAsync(async () => 20)
      .map(async (n) => n + 1)
      .andThen(async (n) => ok(n * 2));
    expect(r.value).toBe(42);
    async function load(): Promise<Result<number>> {
      return ok(1);
    }
    expect((await AsyncResult.from(load()).map((n) => n + 1)).value).toBe(2);
  });

  it("tryAsync: exceptions and aborts become values", async () => {
    const thrown = await Result.tryAsync(async () => {
      throw new Error("x");
    });
    expect(thrown.error?.code).toBe("error.exception");
    const c = new AbortController();
    const pending = Result.tryAsync(
      (signal) =>
        new Promise<number>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
      { signal: c.signal },
    );
    c.abort("stop");
    const canceled = await pending;
    expect(canceled.error?.code).toBe("error.canceled");
    expect(canceled.error?.metadata.reason).toBe("stop");
  });

  it("streams: a throwing source yields one error.exception; sinks aggregate", async () => {
    async function* source() {
      yield ok(1);
      throw new Error("broke");
    }
    const out: Result<number>[] = [];
    for await (const r of mapStream(source(), (n) => ok(n))) out.push(r);
    expect(out.map((r) => r.error?.code)).toEqual([undefined, "error.exception"]);
    const agg = await tapSuccessEachAggregateErrors([err<number>(boom), err<number>(boom)], () => {});
    expect(agg.error?.message).toBe("One or more failures occurred while processing the stream.");
    expect((await collectErrors([ok(1), ok(2)])).value).toEqual([1, 2]);
  });
});

describe("result: diagnostics", () => {
  afterEach(() => GoDiagnostics.reset());

  it("counts once per created result", () => {
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
    GoDiagnostics.configure(meter);
    const f = err<number>(boom);
    f.map((n) => n).andThen((n) => ok(n));
    ok(1).map((n) => n);
    expect(counts).toEqual({ "result.failures": 1, "result.successes": 2 });
  });
});
