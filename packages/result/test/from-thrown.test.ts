/** Issue 14 item 8: one rule turns thrown values into PipeErrors (`fromThrown`), used by every entry point. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsyncResult, fromThrown, mapStream, ok, PipeError, Result, ResultError } from "../src/index.ts";

const abortError = () => new DOMException("stopped", "AbortError");
const timeoutError = () => new DOMException("too slow", "TimeoutError");

describe("fromThrown", () => {
  it("keeps PipeErrors, unwraps ResultErrors, and classifies aborts and timeouts", () => {
    const e = PipeError.from("mine", "app.mine");
    expect(fromThrown(e)).toBe(e);
    expect(fromThrown(new ResultError(e))).toBe(e);
    const canceled = fromThrown(abortError());
    expect(canceled.code).toBe("error.canceled");
    expect(canceled.metadata.reason).toEqual({ name: "AbortError", message: "stopped" });
    const timedOut = fromThrown(timeoutError());
    expect(timedOut.code).toBe("error.timeout");
    expect((timedOut.cause as DOMException).message).toBe("too slow");
    expect(fromThrown(new TypeError("boom")).code).toBe("error.exception");
    expect(fromThrown("text").code).toBe("error.exception");
  });

  it("with an aborted signal: anything thrown is error.canceled with the signal's reason", () => {
    const signal = AbortSignal.abort("shutdown");
    for (const thrown of [new Error("late"), abortError(), "x", undefined]) {
      const e = fromThrown(thrown, { signal });
      expect(e.code).toBe("error.canceled");
      expect(e.metadata.reason).toBe("shutdown");
    }
  });

  it("uses the error factory only for other exceptions; a throwing factory gives error.exception", () => {
    const mapped = PipeError.from("mapped", "app.mapped");
    expect(fromThrown(new Error("x"), { errorFactory: () => mapped })).toBe(mapped);
    expect(fromThrown(abortError(), { errorFactory: () => mapped }).code).toBe("error.canceled");
    expect(fromThrown(new Error("x"), { errorFactory: () => undefined }).code).toBe("error.exception");
    const failing = fromThrown(new Error("x"), {
      errorFactory: () => {
        throw new RangeError("factory");
      },
    });
    expect([failing.code, failing.message]).toEqual(["error.exception", "factory"]);
  });

  it("never throws and always returns a PipeError (property)", () => {
    fc.assert(
      fc.property(fc.anything(), fc.boolean(), (thrown, aborted) => {
        const e = fromThrown(thrown, aborted ? { signal: AbortSignal.abort() } : {});
        expect(PipeError.is(e)).toBe(true);
        expect(typeof e.code).toBe("string");
      }),
    );
  });
});

describe("the same thrown AbortError / TimeoutError at every @pipe/result entry point", () => {
  const entryPoints: [string, (thrown: unknown) => Promise<Result<unknown>> | Result<unknown>][] = [
    [
      "Result.try",
      (t) =>
        Result.try(() => {
          throw t;
        }),
    ],
    [
      "Result.tryAsync",
      (t) =>
        Result.tryAsync(async () => {
          throw t;
        }).promise,
    ],
    ["AsyncResult.from", (t) => AsyncResult.from(Promise.reject(t)).promise],
    [
      "mapStream",
      async (t) => {
        for await (const item of mapStream([ok(1)], () => {
          throw t;
        }))
          return item;
        throw new Error("no item");
      },
    ],
  ];
  for (const [name, run] of entryPoints) {
    it(`${name}: AbortError is error.canceled, TimeoutError is error.timeout`, async () => {
      const canceled = await run(abortError());
      expect(canceled.isErr && canceled.error.code).toBe("error.canceled");
      expect(canceled.isErr && canceled.error.metadata.reason).toEqual({
        name: "AbortError",
        message: "stopped",
      });
      const timedOut = await run(timeoutError());
      expect(timedOut.isErr && timedOut.error.code).toBe("error.timeout");
      const other = await run(new Error("boom"));
      expect(other.isErr && other.error.code).toBe("error.exception");
    });
  }
});
