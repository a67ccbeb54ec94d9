// Type-level tests: checked by `vitest --typecheck` (the `typecheck` block of vitest.shared.ts), never run.
import {
  CompensationScope,
  ok,
  type Result,
  type ResultPipelineStepContext,
  ResultSagaBuilder,
  ResultPipelineStepContext as StepContext,
} from "@pipe/pipeline";
import { describe, expectTypeOf, test } from "vitest";

const context = new StepContext({ stepName: "types", compensationScope: new CompensationScope() });

describe("registerCompensation overloads", () => {
  test("the stateful action gets the state's type and the abort signal", () => {
    context.registerCompensation({ orderId: "o-1", attempts: 2 }, (state, signal) => {
      expectTypeOf(state).toEqualTypeOf<{ orderId: string; attempts: number }>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    });
  });

  test("the stateless action gets only the abort signal", () => {
    context.registerCompensation((signal) => {
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    });
  });

  test("both return void and may be async", () => {
    expectTypeOf(context.registerCompensation(async () => {})).toEqualTypeOf<void>();
    expectTypeOf(context.registerCompensation("k", async (key) => console.log(key))).toEqualTypeOf<void>();
  });

  test("an action that does not match the state does not compile", () => {
    // @ts-expect-error the action takes a number but the state is a string
    context.registerCompensation("key", (state: number) => console.log(state));
  });
});

describe("saga builder state", () => {
  test("each step sees the outputs of the steps before it, by name", () => {
    new ResultSagaBuilder()
      .addStep("reserve", () => ok({ reservationId: "r-1" }))
      .addStep("charge", (ctx, state) => {
        expectTypeOf(ctx).toEqualTypeOf<ResultPipelineStepContext>();
        expectTypeOf(state).toEqualTypeOf<Readonly<{ reserve: { reservationId: string } }>>();
        return ok(42);
      })
      .addStep("ship", (_ctx, state) => {
        expectTypeOf(state.reserve.reservationId).toEqualTypeOf<string>();
        expectTypeOf(state.charge).toEqualTypeOf<number>();
        return ok();
      });
  });

  test("a compensation gets its own step's output", () => {
    new ResultSagaBuilder().addStep(
      "reserve",
      async () => ok({ reservationId: "r-1" }),
      (value, signal) => {
        expectTypeOf(value).toEqualTypeOf<{ reservationId: string }>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      },
    );
  });

  test("execute resolves to the accumulated state", () => {
    const saga = new ResultSagaBuilder().addStep("a", () => ok(1)).addStep("b", async () => ok("two"));
    type State = { a: number } & { b: string };
    expectTypeOf(saga).toEqualTypeOf<ResultSagaBuilder<{} & State>>();
    expectTypeOf(saga.execute()).toEqualTypeOf<Result<{} & State> | Promise<Result<{} & State>>>();
  });

  test("a step cannot read a step that comes after it", () => {
    new ResultSagaBuilder().addStep("a", (_ctx, state) => {
      // @ts-expect-error "b" is not in the state before step "b" runs
      state.b;
      return ok(1);
    });
  });
});
