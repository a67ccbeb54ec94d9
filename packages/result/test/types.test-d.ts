// Type-level tests: checked by `vitest --typecheck` (the `typecheck` block of vitest.shared.ts), never run.
import {
  AsyncResult,
  type Compensation,
  compensation,
  type Err,
  err,
  type Ok,
  ok,
  PipeError,
  type Result,
  Result as ResultNs,
} from "@pipe/result";
import { describe, expectTypeOf, test } from "vitest";

declare const r: Result<number>;

describe("narrowing", () => {
  test("isOk narrows to Ok<T> with a value and no error", () => {
    if (r.isOk) {
      expectTypeOf(r).toEqualTypeOf<Ok<number>>();
      expectTypeOf(r.value).toEqualTypeOf<number>();
      expectTypeOf(r.error).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(r).toEqualTypeOf<Err<number>>();
    }
  });

  test("isErr narrows to Err<T> with a PipeError and no value", () => {
    if (r.isErr) {
      expectTypeOf(r).toEqualTypeOf<Err<number>>();
      expectTypeOf(r.error).toEqualTypeOf<PipeError>();
      expectTypeOf(r.value).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(r.value).toEqualTypeOf<number>();
    }
  });

  test("before narrowing, value is T | undefined and error PipeError | undefined", () => {
    expectTypeOf(r.value).toEqualTypeOf<number | undefined>();
    expectTypeOf(r.error).toEqualTypeOf<PipeError | undefined>();
  });

  test("ok and err build the narrowed types", () => {
    expectTypeOf(ok(1)).toEqualTypeOf<Ok<number>>();
    expectTypeOf(ok()).toEqualTypeOf<Ok<void>>();
    expectTypeOf(err(PipeError.from("x"))).toEqualTypeOf<Err<never>>();
    expectTypeOf(err<string>(PipeError.from("x"))).toEqualTypeOf<Err<string>>();
    expectTypeOf(ok(1)).toExtend<Result<number>>();
  });
});

describe("match", () => {
  test("returns the union of both handlers' results", () => {
    expectTypeOf(r.match({ ok: (n) => n + 1, err: (e) => e.message })).toEqualTypeOf<number | string>();
  });

  test("hands the value to ok and the PipeError to err", () => {
    r.match({
      ok: (value) => expectTypeOf(value).toEqualTypeOf<number>(),
      err: (error) => expectTypeOf(error).toEqualTypeOf<PipeError>(),
    });
  });

  test("one type when both handlers agree", () => {
    expectTypeOf(r.match({ ok: () => true, err: () => false })).toEqualTypeOf<boolean>();
  });
});

describe("combinators keep T", () => {
  test("map and andThen change T; a chain stays a Result", () => {
    expectTypeOf(r.map((n) => `${n}`)).toEqualTypeOf<Result<string>>();
    expectTypeOf(r.andThen((n) => ok([n]))).toEqualTypeOf<Result<number[]>>();
  });

  test("AsyncResult unwraps to Promise<T>", () => {
    expectTypeOf(
      AsyncResult.from(Promise.resolve(r))
        .map((n) => n > 0)
        .unwrap(),
    ).toEqualTypeOf<Promise<boolean>>();
  });
});

describe("compensation overloads", () => {
  test("withCompensation keeps the receiver's type, with or without state", () => {
    expectTypeOf(ok(1).withCompensation(() => {})).toEqualTypeOf<Ok<number>>();
    expectTypeOf(r.withCompensation({ id: 1 }, async () => {})).toEqualTypeOf<Result<number>>();
  });

  test("the stateful action gets the state's type and the abort signal", () => {
    ok(1).withCompensation({ id: "order-1" }, (state, signal) => {
      expectTypeOf(state).toEqualTypeOf<{ id: string }>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    });
  });

  test("the stateless action gets only the abort signal", () => {
    ok(1).withCompensation((signal) => {
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    });
  });

  test("an action that does not match the state does not compile", () => {
    // @ts-expect-error the action takes a string but the state is a number
    ok(1).withCompensation(42, (state: string) => console.log(state));
    // @ts-expect-error a compensation returns nothing (or a promise of nothing), not a Result
    expectTypeOf(compensation).toBeCallableWith((): Result<number> => ok(1));
  });

  test("compensation(...) builds a Compensation either way", () => {
    expectTypeOf(compensation(() => {})).toEqualTypeOf<Compensation>();
    const stateful = compensation({ n: 1 }, (s) => {
      expectTypeOf(s).toEqualTypeOf<{ n: number }>();
    });
    expectTypeOf(stateful).toEqualTypeOf<Compensation>();
  });
});

describe("Result namespace", () => {
  test("tryAsync infers T from the function", () => {
    expectTypeOf(ResultNs.tryAsync(async () => 1).unwrap()).toEqualTypeOf<Promise<number>>();
  });
});
