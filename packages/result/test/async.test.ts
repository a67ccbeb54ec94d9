import { AsyncResult, compensation, err, ok, PipeError, Result, ResultError } from "@pipe/result";
import { describe, expect, it } from "vitest";

const boom = PipeError.from("boom", "demo.boom");
const tick = () => new Promise<void>((r) => queueMicrotask(r));

describe("Result.try", () => {
  it("value, exception, errorFactory, abort exception", () => {
    expect(Result.try(() => 1).value).toBe(1);
    const e = new Error("x");
    const r = Result.try(() => {
      throw e;
    });
    expect(r.error?.code).toBe("error.exception");
    expect(r.error?.cause).toBe(e);
    expect(
      Result.try(
        () => {
          throw e;
        },
        () => boom,
      ).error,
    ).toBe(boom);
    expect(
      Result.try(
        () => {
          throw e;
        },
        () => undefined,
      ).error?.code,
    ).toBe("error.exception");
    expect(
      Result.try(() => {
        throw new DOMException("stop", "AbortError");
      }).error?.code,
    ).toBe("error.canceled");
  });
});

describe("Result.tryAsync", () => {
  it("resolves a value (sync or async fn)", async () => {
    expect((await Result.tryAsync(() => 1)).value).toBe(1);
    expect((await Result.tryAsync(async () => 2)).value).toBe(2);
  });

  it("exceptions: errorFactory(e) ?? fromException(e)", async () => {
    const e = new Error("x");
    const r1 = await Result.tryAsync(async () => {
      throw e;
    });
    expect(r1.error?.code).toBe("error.exception");
    expect(r1.error?.cause).toBe(e);
    const r2 = await Result.tryAsync(
      () => {
        throw e;
      },
      { errorFactory: () => boom },
    );
    expect(r2.error).toBe(boom);
    const r3 = await Result.tryAsync(() => Promise.reject(e), {
      errorFactory: () => {
        throw new Error("factory broke");
      },
    });
    expect(r3.error?.message).toBe("factory broke");
  });

  it("already aborted: canceled without calling fn", async () => {
    const c = new AbortController();
    c.abort("gone");
    let called = false;
    const r = await Result.tryAsync(
      () => {
        called = true;
        return 1;
      },
      { signal: c.signal },
    );
    expect(called).toBe(false);
    expect(r.error?.code).toBe("error.canceled");
    expect(r.error?.metadata.reason).toBe("gone");
  });

  it("an abort while fn runs settles only when fn does (no rollback can race fn's side effects)", async () => {
    const c = new AbortController();
    let finished = false;
    let release: () => void = () => {};
    const pending = Result.tryAsync(
      (s) =>
        new Promise<number>((_resolve, reject) => {
          s.addEventListener("abort", () => {
            // fn notices the abort but needs one more step (e.g. a commit in flight) before it stops.
            release = () => {
              finished = true;
              reject(new Error("stopped"));
            };
          });
        }),
      { signal: c.signal },
    );
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await tick();
    c.abort(new Error("stop"));
    await tick();
    expect(settled).toBe(false);
    release();
    const r = await pending;
    expect(finished).toBe(true);
    expect(r.error?.code).toBe("error.canceled");
    expect(r.error?.metadata.reason).toEqual({ name: "Error", message: "stop" });
  });

  it("a function that finishes despite an abort returns its value; no listener is left on the signal", async () => {
    const c = new AbortController();
    let added = 0;
    const add = c.signal.addEventListener.bind(c.signal);
    c.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      return add(...args);
    }) as typeof add;
    const r = await Result.tryAsync(
      async () => {
        c.abort("late");
        return 7;
      },
      { signal: c.signal },
    );
    expect(r.isOk && r.value).toBe(7);
    expect(added).toBe(0);
  });

  it("an exception after abort is canceled", async () => {
    const c = new AbortController();
    const r = await Result.tryAsync(
      (s) => {
        c.abort("r");
        throw new Error(`after ${s.aborted}`);
      },
      { signal: c.signal },
    );
    expect(r.error?.code).toBe("error.canceled");
  });
});

describe("AsyncResult", () => {
  it("from: Result, promise, AsyncResult, rejection, non-Result", async () => {
    expect((await AsyncResult.from(ok(1))).value).toBe(1);
    expect((await AsyncResult.from(Promise.resolve(ok(2)))).value).toBe(2);
    const a = AsyncResult.from(ok(3));
    expect(AsyncResult.from(a)).toBe(a);
    const rej = await AsyncResult.from(Promise.reject(new Error("r")));
    expect(rej.error?.code).toBe("error.exception");
    const bad = await AsyncResult.from(Promise.resolve(5 as never));
    expect(bad.error?.code).toBe("error.validation");
  });

  it("chains an async function returning Promise<Result<T>> with one await", async () => {
    async function load(id: number): Promise<Result<{ id: number; total: number }>> {
      return ok({ id, total: 21 });
    }
    const r = await AsyncResult.from(load(1))
      .map((o) => o.total)
      .map(async (t) => t * 2)
      .andThen(async (t) => ok(t + 0))
      .andThen((t) => ok(t))
      .andThen((t) => AsyncResult.from(ok(t)))
      .tap(async () => {})
      .ensure(async (t) => t === 42);
    expect(r.value).toBe(42);
  });

  it("failure propagation is the same instance", async () => {
    const r = await AsyncResult.from(err<number>(boom))
      .map((n) => n + 1)
      .andThen((n) => ok(n))
      .ensure(() => true);
    expect(r.error).toBe(boom);
  });

  it("mapError / tapError / recover (sync and async)", async () => {
    const seen: string[] = [];
    const r = await AsyncResult.from(err<number>(boom))
      .tapError(async (e) => {
        seen.push(e.message);
      })
      .mapError(async (e) => e.withMetadata("k", 1))
      .mapError((e) => e.withMetadata("j", 2));
    expect(r.error?.metadata).toEqual({ k: 1, j: 2 });
    expect(seen).toEqual(["boom"]);
    expect((await AsyncResult.from(err<number>(boom)).recover(async () => ok(7))).value).toBe(7);
    expect((await AsyncResult.from(err<number>(boom)).recover(() => ok(8))).value).toBe(8);
    expect((await AsyncResult.from(ok(1)).recover(() => ok(8))).value).toBe(1);
  });

  it("ensure default and factory", async () => {
    expect((await AsyncResult.from(ok(-1)).ensure((n) => n > 0)).error?.code).toBe("error.validation");
    expect(
      (
        await AsyncResult.from(ok(-1)).ensure(
          async () => false,
          () => boom,
        )
      ).error,
    ).toBe(boom);
  });

  it("match / valueOr / unwrap", async () => {
    expect(await AsyncResult.from(ok(2)).match({ ok: async (v) => v * 2, err: () => 0 })).toBe(4);
    expect(await AsyncResult.from(err<number>(boom)).match({ ok: (v) => v, err: (e) => e.message })).toBe(
      "boom",
    );
    expect(await AsyncResult.from(err<number>(boom)).valueOr(5)).toBe(5);
    expect(await AsyncResult.from(ok(1)).unwrap()).toBe(1);
    await expect(AsyncResult.from(err(boom)).unwrap()).rejects.toBeInstanceOf(ResultError);
  });

  it("compensations travel through async chains", async () => {
    const a = compensation(() => {});
    const b = compensation(() => {});
    const r = await AsyncResult.from(ok(1))
      .withCompensation(() => {})
      .withCompensations([a])
      .map(async (n) => n)
      .andThen(async (n) => ok(n).withCompensations([b]))
      .withCompensation({ s: 1 }, () => {});
    expect(r.compensations).toHaveLength(4);
    expect(r.compensations[1]).toBe(a);
    expect(r.compensations[2]).toBe(b);
    expect((await AsyncResult.from(r).withoutCompensations()).compensations).toHaveLength(0);
  });

  it("a throwing callback rejects (not converted)", async () => {
    await expect(
      AsyncResult.from(ok(1)).map(() => {
        throw new Error("cb");
      }),
    ).rejects.toThrow("cb");
  });

  it("has a then method (PromiseLike) and a promise", async () => {
    const a = AsyncResult.from(ok(1));
    expect(typeof a.then).toBe("function");
    expect((await a.promise).value).toBe(1);
    expect(await a.then((r) => r.value)).toBe(1);
  });

  it("tryAsync chains read flat", async () => {
    const r = await Result.tryAsync(async () => "7")
      .map(Number)
      .andThen((n) => (n > 5 ? ok(n) : err(boom)));
    expect(r.value).toBe(7);
  });
});
