/** Issue 14 item 12: programming errors from plain JavaScript throw a TypeError that says what was expected. */
import { describe, expect, it } from "vitest";
import {
  Channel,
  ResultPipelineChannels as Channels,
  CompensationScope,
  ErrGroup,
  ok,
  Result,
  ResultPipeline,
  ResultPipelineStepContext,
  ResultPipelineTimers,
  ResultSagaBuilder,
  SelectCase,
  WaitGroup,
} from "../src/index.ts";

const INTERNAL = /Cannot read prop|is not iterable|is not a function|Cannot destructure/;

function usage(run: () => unknown, expected: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as TypeError).message).toMatch(expected);
  expect((thrown as TypeError).message).not.toMatch(INTERNAL);
}

const ctx = () => new ResultPipelineStepContext({ stepName: "s" });
const reader = () => Channel.createUnbounded<number>().reader;
const writer = () => Channel.createUnbounded<number>().writer;
const op = () => ok(1);
const NOT_A_CONTEXT = /must be a ResultPipelineStepContext/;

describe("pipeline entry points check their arguments once per call", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "new ResultPipelineStepContext(null)",
      () => new ResultPipelineStepContext(null as never),
      /expected options/,
    ],
    [
      "context signal",
      () => new ResultPipelineStepContext({ signal: {} as never }),
      /signal must be an AbortSignal/,
    ],
    [
      "context clock",
      () => new ResultPipelineStepContext({ timeProvider: {} as never }),
      /timeProvider must be a TimeProvider/,
    ],
    [
      "withTimeout clock",
      () => ResultPipeline.withTimeout(op, 1, { timeProvider: {} as never }),
      /withTimeout: options.timeProvider/,
    ],
    [
      "context scope",
      () => new ResultPipelineStepContext({ compensationScope: {} as never }),
      /CompensationScope/,
    ],
    ["ctx.child(n, null)", () => ctx().child("n", null as never), /child: options must be an object/],
    [
      "ctx.absorb(undefined)",
      () => ctx().absorb(undefined as never),
      /expected a CompensationScope or a Result/,
    ],
    [
      "scope.absorb({})",
      () => new CompensationScope().absorb({} as never),
      /expected a CompensationScope or a Result/,
    ],
    [
      "runCompensation(p, {})",
      () => Result.runCompensation(undefined, {} as never),
      /scope must be a CompensationScope/,
    ],
    [
      "runCompensation(42, s)",
      () => Result.runCompensation(42 as never, new CompensationScope()),
      /policy must be/,
    ],
    [
      "runCompensation options",
      () => Result.runCompensation(undefined, new CompensationScope(), null as never),
      /options must be an object/,
    ],
    [
      "whenAll(undefined)",
      () => Result.whenAll(undefined as never),
      /whenAll: operations must be an iterable/,
    ],
    ["whenAll([1])", () => Result.whenAll([1] as never), /operations\[0\] must be a function, got number/],
    ["whenAll options null", () => Result.whenAll([op], null as never), /whenAll: options must be an object/],
    [
      "whenAll context",
      () => Result.whenAll([op], { context: {} as never }),
      /options.context must be a ResultPipelineStepContext/,
    ],
    ["whenAny(42)", () => Result.whenAny(42 as never), /whenAny: operations must be an iterable/],
    ["fanOut(null)", () => ResultPipeline.fanOut(null as never), /operations must be an iterable/],
    ["race({})", () => ResultPipeline.race({} as never), /operations must be an iterable/],
    [
      "retry signal",
      () => ResultPipeline.retry(op, { signal: 1 as never }),
      /retry: options.signal must be an AbortSignal/,
    ],
    [
      "withTimeout options",
      () => ResultPipeline.withTimeout(op, 1, null as never),
      /withTimeout: options must be/,
    ],
    [
      "tieredFallback({})",
      () => Result.tieredFallback({} as never),
      /tiers must be an array of ResultFallbackTier/,
    ],
    [
      "tieredFallback([1])",
      () => Result.tieredFallback([1] as never),
      /tiers\[0\] must be a ResultFallbackTier/,
    ],
    [
      "saga.execute(null)",
      () => new ResultSagaBuilder().addStep("a", op).execute(null as never),
      /execute: options must be/,
    ],
    [
      "WaitGroup.go(undefined)",
      () => new WaitGroup().go(undefined as never),
      /go: expected go\(work\(signal\)\) or go\(context/,
    ],
    ["ErrGroup.go({}, f)", () => new ErrGroup().go({} as never, op as never), /ResultPipelineStepContext/],
    [
      "WaitGroup.go(ctx, f, 1)",
      () => new WaitGroup().go(ctx(), op, 1 as never),
      /go: options must be an object/,
    ],
    [
      "fanIn(undefined, ...)",
      () => Channels.fanIn(undefined as never, [reader()], () => ok()),
      NOT_A_CONTEXT,
    ],
    [
      "fanIn options null",
      () => Channels.fanIn(ctx(), [reader()], () => ok(), null as never),
      /fanIn: options must be/,
    ],
    ["merge({}, ...)", () => Channels.merge({} as never, [reader()], writer()), NOT_A_CONTEXT],
    [
      "merge(ctx, r, 1)",
      () => Channels.merge(ctx(), [reader()], 1 as never),
      /destination must be a channel writer/,
    ],
    [
      "mergeWithStrategy",
      () => Channels.mergeWithStrategy(ctx(), [reader()], null as never, () => 0),
      /destination/,
    ],
    [
      "broadcast(ctx, r, 1)",
      () => Channels.broadcast(ctx(), reader(), 1 as never),
      /destinations must be an iterable/,
    ],
    [
      "fanOut(undefined, ...)",
      () => Channels.fanOut(undefined as never, reader(), { branchCount: 1 }),
      NOT_A_CONTEXT,
    ],
    [
      "fanOut(ctx, r)",
      () => Channels.fanOut(ctx(), reader(), undefined as never),
      /options \{ branchCount, ... \} are required/,
    ],
    ["keyedFanOut(1, ...)", () => Channels.keyedFanOut(1 as never, reader(), () => 1), NOT_A_CONTEXT],
    [
      "window(ctx, r)",
      () => Channels.window(ctx(), reader(), undefined as never),
      /window: options .* are required/,
    ],
    ["select(ctx, [{}])", () => Channels.select(ctx(), [{}] as never), /case 0 must be made by SelectCase/],
    ["select(null, ...)", () => Channels.select(null as never, [SelectCase.default(op)]), NOT_A_CONTEXT],
    ["Timers.delay(undefined)", () => ResultPipelineTimers.delay(undefined as never, 1), NOT_A_CONTEXT],
    [
      "Timers.after(ctx, 1, null)",
      () => ResultPipelineTimers.after(ctx(), 1, null as never),
      /options must be/,
    ],
    ["Timers.ticker({})", () => ResultPipelineTimers.ticker({} as never, 1), NOT_A_CONTEXT],
  ];
  for (const [name, run, expected] of cases) it(name, () => usage(run, expected));

  it("a rejected pipeline select leaves no listener on the context's signal", () => {
    const context = ctx();
    let listeners = 0;
    const add = context.signal.addEventListener.bind(context.signal);
    const remove = context.signal.removeEventListener.bind(context.signal);
    context.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      listeners++;
      add(...args);
    }) as AbortSignal["addEventListener"];
    context.signal.removeEventListener = ((...args: Parameters<AbortSignal["removeEventListener"]>) => {
      listeners--;
      remove(...args);
    }) as AbortSignal["removeEventListener"];
    usage(() => Channels.select(context, [{}] as never, { signal: new AbortController().signal }), /case 0/);
    usage(
      () => Channels.broadcast(context, reader(), [1] as never, { signal: new AbortController().signal }),
      /writer 0/,
    );
    expect(listeners).toBe(0);
  });
});
