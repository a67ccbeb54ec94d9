import {
  collectErrors,
  compensation,
  err,
  filterStream,
  flatMapStream,
  forEach,
  mapStream,
  ok,
  PipeError,
  Result,
  tapFailureEach,
  tapFailureEachAggregateErrors,
  tapFailureEachIgnoreErrors,
  tapSuccessEach,
  tapSuccessEachAggregateErrors,
  tapSuccessEachIgnoreErrors,
} from "@pipe/result";
import { describe, expect, it } from "vitest";

const boom = PipeError.from("boom", "demo.boom");
const other = PipeError.from("other");

async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A tracked source: records whether return() was called. */
function tracked<T>(items: T[], opts: { throwAt?: number; hangAt?: number } = {}) {
  const state = { returned: false, pulled: 0 };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next() {
          state.pulled++;
          if (opts.throwAt === i) return Promise.reject(new Error("source broke"));
          if (opts.hangAt === i) return new Promise(() => {});
          if (i < items.length) return Promise.resolve({ done: false, value: items[i++] as T });
          return Promise.resolve({ done: true, value: undefined });
        },
        return() {
          state.returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return { iterable, state };
}

describe("mapStream", () => {
  it("maps and ends at the first failure", async () => {
    const out = await toArray(mapStream([ok(1), ok(2), err<number>(boom), ok(4)], (n) => ok(n * 10)));
    expect(out.map(String)).toEqual(["Ok(10)", "Ok(20)", "Err(demo.boom: boom)"]);
    expect(out[2]?.error).toBe(boom);
    const out2 = await toArray(mapStream([ok(1), ok(2)], async (n) => (n === 1 ? err<number>(boom) : ok(n))));
    expect(out2).toHaveLength(1);
  });

  it("a throwing source yields one error.exception item and ends", async () => {
    const { iterable } = tracked([ok(1)], { throwAt: 1 });
    const out = await toArray(mapStream(iterable, (n) => ok(n)));
    expect(out).toHaveLength(2);
    expect(out[1]?.error?.code).toBe("error.exception");
    expect(out[1]?.error?.message).toBe("source broke");
  });

  it("a throwing selector yields error.exception", async () => {
    const out = await toArray(
      mapStream([ok(1), ok(2)], () => {
        throw new Error("sel");
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.error?.message).toBe("sel");
  });

  it("early exit calls the source's return()", async () => {
    const { iterable, state } = tracked([ok(1), ok(2), ok(3)]);
    for await (const _ of mapStream(iterable, (n) => ok(n))) break;
    expect(state.returned).toBe(true);
  });

  it("an abort yields one error.canceled item, ends, and closes a hanging source", async () => {
    const c = new AbortController();
    const { iterable, state } = tracked([ok(1)], { hangAt: 1 });
    const out: Result<number>[] = [];
    for await (const r of mapStream(iterable, (n) => ok(n), { signal: c.signal })) {
      out.push(r);
      if (r.isOk) setTimeout(() => c.abort("stop"), 1);
    }
    expect(out).toHaveLength(2);
    expect(out[1]?.error?.code).toBe("error.canceled");
    expect(out[1]?.error?.metadata.reason).toBe("stop");
    expect(state.returned).toBe(true);
  });

  it("already aborted: one canceled item, source untouched", async () => {
    const c = new AbortController();
    c.abort();
    const { iterable, state } = tracked([ok(1)]);
    const out = await toArray(mapStream(iterable, (n) => ok(n), { signal: c.signal }));
    expect(out).toHaveLength(1);
    expect(out[0]?.error?.code).toBe("error.canceled");
    expect(state.pulled).toBe(0);
  });

  it("a selector ignoring the signal is cut short by the abort", async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 1);
    const out = await toArray(
      mapStream([ok(1)], () => new Promise<Result<number>>(() => {}), { signal: c.signal }),
    );
    expect(out.map((r) => r.error?.code)).toEqual(["error.canceled"]);
  });

  it("keeps item compensations", async () => {
    const a = compensation(() => {});
    const out = await toArray(mapStream([ok(1).withCompensations([a])], (n) => ok(n)));
    expect(out[0]?.compensations).toEqual([a]);
  });
});

describe("flatMapStream", () => {
  it("flattens and ends on the first failure", async () => {
    const out = await toArray(flatMapStream([ok(1), ok(2)], (n) => [ok(n), ok(n * 10)]));
    expect(out.map((r) => r.value)).toEqual([1, 10, 2, 20]);
    const out2 = await toArray(flatMapStream([ok(1), ok(2)], (n) => [ok(n), err<number>(boom), ok(9)]));
    expect(out2.map(String)).toEqual(["Ok(1)", "Err(demo.boom: boom)"]);
  });

  it("a null stream gives 'Selector returned null stream.'", async () => {
    const out = await toArray(flatMapStream([ok(1)], () => null));
    expect(out[0]?.error?.message).toBe("Selector returned null stream.");
  });

  it("async inner streams, throwing inner stream, early exit closes both", async () => {
    const inner = tracked([ok(1), ok(2)]);
    const outer = tracked([ok(0)]);
    for await (const _ of flatMapStream(outer.iterable, () => inner.iterable)) break;
    expect(inner.state.returned).toBe(true);
    expect(outer.state.returned).toBe(true);
    const broken = tracked([ok(1)], { throwAt: 1 });
    const out = await toArray(flatMapStream([ok(0)], () => broken.iterable));
    expect(out.map((r) => r.error?.code)).toEqual([undefined, "error.exception"]);
  });

  it("an outer failure passes through and ends", async () => {
    const out = await toArray(flatMapStream([err<number>(boom), ok(1)], (n) => [ok(n)]));
    expect(out).toHaveLength(1);
    expect(out[0]?.error).toBe(boom);
  });
});

describe("filterStream", () => {
  it("keeps matching successes and passes failures through", async () => {
    const out = await toArray(filterStream([ok(1), err<number>(boom), ok(2), ok(3)], async (n) => n !== 2));
    expect(out.map(String)).toEqual(["Ok(1)", "Err(demo.boom: boom)", "Ok(3)"]);
  });
});

describe("sinks", () => {
  it("forEach stops at the first callback failure", async () => {
    const seen: number[] = [];
    const r = await forEach([ok(1), ok(2), ok(3)], (item) => {
      seen.push(item.value ?? -1);
      return item.value === 2 ? err(boom) : undefined;
    });
    expect(r.error).toBe(boom);
    expect(seen).toEqual([1, 2]);
    expect((await forEach([ok(1)], async () => ok())).isOk).toBe(true);
    const thrown = await forEach([ok(1)], () => {
      throw new Error("cb");
    });
    expect(thrown.error?.code).toBe("error.exception");
  });

  it("forEach returns canceled on abort and reports a throwing source", async () => {
    const c = new AbortController();
    c.abort();
    expect((await forEach([ok(1)], () => undefined, { signal: c.signal })).error?.code).toBe(
      "error.canceled",
    );
    const { iterable } = tracked([ok(1)], { throwAt: 1 });
    expect((await forEach(iterable, () => undefined)).error?.code).toBe("error.exception");
  });

  it("tapSuccessEach walks everything and returns the first failure", async () => {
    const seen: number[] = [];
    const r = await tapSuccessEach([ok(1), err<number>(boom), ok(2), err<number>(other)], (n) => {
      seen.push(n);
    });
    expect(seen).toEqual([1, 2]);
    expect(r.error).toBe(boom);
    expect((await tapSuccessEach([ok(1)], () => {})).isOk).toBe(true);
  });

  it("aggregate variants: single error or an aggregate", async () => {
    const one = await tapSuccessEachAggregateErrors([ok(1), err<number>(boom)], () => {});
    expect(one.error).toBe(boom);
    const two = await tapSuccessEachAggregateErrors([err<number>(boom), err<number>(other)], () => {});
    expect(two.error?.code).toBe("error.aggregate");
    expect(two.error?.message).toBe("One or more failures occurred while processing the stream.");
    expect(two.error?.errors).toEqual([boom, other]);
    const f2 = await tapFailureEachAggregateErrors([err<number>(boom), err<number>(other)], () => {});
    expect(f2.error?.errors).toHaveLength(2);
  });

  it("ignore variants succeed despite item failures but report faults", async () => {
    expect((await tapSuccessEachIgnoreErrors([err<number>(boom)], () => {})).isOk).toBe(true);
    const seen: string[] = [];
    expect(
      (
        await tapFailureEachIgnoreErrors([err<number>(boom), ok(1)], (e) => {
          seen.push(e.message);
        })
      ).isOk,
    ).toBe(true);
    expect(seen).toEqual(["boom"]);
    const c = new AbortController();
    c.abort();
    expect((await tapSuccessEachIgnoreErrors([ok(1)], () => {}, { signal: c.signal })).error?.code).toBe(
      "error.canceled",
    );
  });

  it("tapFailureEach", async () => {
    const seen: string[] = [];
    const r = await tapFailureEach([ok(1), err<number>(boom)], async (e) => {
      seen.push(e.message);
    });
    expect(r.error).toBe(boom);
    expect(seen).toEqual(["boom"]);
  });

  it("collectErrors", async () => {
    const a = compensation(() => {});
    const all = await collectErrors([ok(1).withCompensations([a]), ok(2)]);
    expect(all.value).toEqual([1, 2]);
    expect(all.compensations).toEqual([a]);
    expect((await collectErrors([ok(1), err<number>(boom)])).error).toBe(boom);
    const agg = await collectErrors([err<number>(boom), ok(1), err<number>(other)]);
    expect(agg.error?.message).toBe("One or more failures occurred while processing the stream.");
    const { iterable } = tracked([err<number>(boom)], { throwAt: 1 });
    const withFault = await collectErrors(iterable);
    expect(withFault.error?.errors.map((e) => e.code)).toEqual(["demo.boom", "error.exception"]);
  });

  it("Result namespace exposes the stream operators", () => {
    expect(Result.mapStream).toBe(mapStream);
    expect(Result.collectErrors).toBe(collectErrors);
  });
});
