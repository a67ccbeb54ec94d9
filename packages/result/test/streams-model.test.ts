/**
 * mapStream, filterStream and flatMapStream against a plain reference model over random sources: items in
 * order, nothing lost or duplicated, the first terminal item ends the stream, an abort between items is one
 * `error.canceled` item, and the source's `return()` runs exactly once when the stream stops before the source
 * ends (never when the source ended or threw), also when `return()` throws or rejects.
 */
import { err, filterStream, flatMapStream, mapStream, ok, PipeError, type Result } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Item = { kind: "ok"; n: number } | { kind: "err" } | { kind: "throw" };
type Sel = "ok" | "err" | "throw" | "async" | "reject";
interface Case {
  items: Item[];
  sel: Sel[];
  abortAfter: number | undefined;
  breakAfter: number | undefined;
  returnMode: "resolves" | "throws" | "rejects";
}

const boom = PipeError.from("boom", "demo.boom");

const caseArb: fc.Arbitrary<Case> = fc.record({
  items: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.nat(99).map((n) => ({ kind: "ok" as const, n })) },
      { weight: 1, arbitrary: fc.constant({ kind: "err" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "throw" as const }) },
    ),
    { maxLength: 8 },
  ),
  sel: fc.array(fc.constantFrom<Sel>("ok", "ok", "ok", "async", "err", "throw", "reject"), {
    minLength: 1,
    maxLength: 8,
  }),
  abortAfter: fc.option(fc.nat(6), { nil: undefined }),
  breakAfter: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  returnMode: fc.constantFrom("resolves", "throws", "rejects"),
});

const selOf = (c: Case, n: number): Sel => c.sel[n % c.sel.length] as Sel;

/** A scripted source that counts its `return()` calls. */
function source(c: Case) {
  const state = { returns: 0 };
  let i = 0;
  const iterator: AsyncIterator<Result<number>> = {
    next() {
      const item = c.items[i++];
      if (item === undefined) return Promise.resolve({ done: true, value: undefined });
      if (item.kind === "throw") return Promise.reject(new Error("source broke"));
      return Promise.resolve({ done: false, value: item.kind === "ok" ? ok(item.n) : err<number>(boom) });
    },
    return() {
      state.returns++;
      if (c.returnMode === "throws") throw new Error("return threw");
      if (c.returnMode === "rejects") return Promise.reject(new Error("return rejected"));
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return { iterable: { [Symbol.asyncIterator]: () => iterator }, state };
}

type Op = "map" | "filter" | "flat";

function operator(op: Op, c: Case, src: AsyncIterable<Result<number>>, signal: AbortSignal) {
  const value = (n: number): Result<number> | Promise<Result<number>> => {
    const mode = selOf(c, n);
    if (mode === "throw") throw new Error("selector threw");
    if (mode === "err") return err<number>(boom);
    if (mode === "reject") return Promise.reject(new Error("selector rejected"));
    return mode === "async" ? Promise.resolve(ok(n * 10)) : ok(n * 10);
  };
  if (op === "map") return mapStream(src, value, { signal });
  if (op === "filter")
    return filterStream(
      src,
      (n) => {
        const r = value(n);
        return r instanceof Promise ? r.then((x) => x.isOk && n % 2 === 0) : r.isOk && n % 2 === 0;
      },
      { signal },
    );
  return flatMapStream(
    src,
    (n) => {
      const mode = selOf(c, n);
      if (mode === "throw") throw new Error("selector threw");
      if (mode === "err") return [ok(n), err<number>(boom), ok(n + 1)];
      return [ok(n), ok(n + 1)];
    },
    { signal },
  );
}

/** What an item renders as in the model: `Ok(v)` or `Err(code: message)`, a cancellation by its code alone. */
const show = (r: Result<number>): string => (r.error?.code === "error.canceled" ? CANCELED : String(r));
const CANCELED = "Err(error.canceled)";
const exception = (message: string) => `Err(error.exception: ${message})`;

/** The reference: the outputs the consumer sees and how often the source's return() runs. */
function model(op: Op, c: Case): { out: string[]; returns: number } {
  const out: string[] = [];
  const limit = c.breakAfter;
  const emit = (s: string): boolean => {
    out.push(s);
    return limit !== undefined && out.length >= limit;
  };
  const end = (s: string, returns: number) => {
    emit(s);
    return { out, returns };
  };
  const aborted = () => c.abortAfter !== undefined && out.length >= c.abortAfter;
  if (c.abortAfter === 0) return end(CANCELED, 0);
  for (let i = 0; ; i++) {
    if (aborted()) return end(CANCELED, 1);
    const item = c.items[i];
    if (item === undefined) return { out, returns: 0 };
    if (item.kind === "throw") {
      emit(exception("source broke"));
      return { out, returns: 0 };
    }
    if (item.kind === "err") {
      if (emit(String(err(boom))) || op !== "filter") return { out, returns: 1 };
      continue;
    }
    const mode = selOf(c, item.n);
    if (op === "map") {
      if (mode === "throw") return end(exception("selector threw"), 1);
      if (mode === "reject") return end(exception("selector rejected"), 1);
      if (mode === "err") return end(String(err(boom)), 1);
      if (emit(`Ok(${item.n * 10})`)) return { out, returns: 1 };
    } else if (op === "filter") {
      if (mode === "throw") return end(exception("selector threw"), 1);
      if (mode === "reject") return end(exception("selector rejected"), 1);
      if (mode !== "err" && item.n % 2 === 0 && emit(`Ok(${item.n})`)) return { out, returns: 1 };
    } else {
      if (mode === "throw") return end(exception("selector threw"), 1);
      const inner =
        mode === "err" ? [`Ok(${item.n})`, String(err(boom))] : [`Ok(${item.n})`, `Ok(${item.n + 1})`];
      for (const s of inner) {
        if (aborted()) return end(CANCELED, 1);
        if (emit(s) || s.startsWith("Err")) return { out, returns: 1 };
      }
      if (aborted()) return end(CANCELED, 1);
    }
  }
}

async function actual(op: Op, c: Case): Promise<{ out: string[]; returns: number }> {
  const { iterable, state } = source(c);
  const controller = new AbortController();
  const out: string[] = [];
  if (c.abortAfter === 0) controller.abort();
  for await (const r of operator(op, c, iterable, controller.signal)) {
    out.push(show(r));
    if (c.abortAfter !== undefined && out.length >= c.abortAfter) controller.abort();
    if (c.breakAfter !== undefined && out.length >= c.breakAfter) break;
  }
  return { out, returns: state.returns };
}

describe("stream operators against a reference model", () => {
  for (const op of ["map", "filter", "flat"] as const) {
    it(`${op}Stream: same items in order, one canceled item on abort, return() at most once`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const a = await actual(op, c);
          const m = model(op, c);
          expect(a.out).toEqual(m.out);
          expect(a.returns).toBe(m.returns);
        }),
        { numRuns: 300 },
      );
    });
  }
});
