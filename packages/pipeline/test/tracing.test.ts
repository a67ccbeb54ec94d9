import { SpanStatusCode } from "@opentelemetry/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  err,
  ok,
  PipeError,
  PipelineTracing,
  Result,
  ResultExecutionPolicy,
  ResultPipeline,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  ResultRetryPolicy,
  ResultSagaBuilder,
  VirtualTimeProvider,
  WaitGroup,
} from "../src/index.ts";
import {
  childrenOf,
  compensationEvents,
  exporter,
  one,
  provider,
  spans,
  tick,
  useTracing,
} from "./tracing-support.ts";

useTracing();

describe("PipelineTracing", () => {
  it("rejects something that is not a tracer", () => {
    expect(() => PipelineTracing.configure({} as never)).toThrow(TypeError);
    expect(PipelineTracing.tracer).toBeDefined();
  });

  it("records nothing when no tracer is configured", async () => {
    PipelineTracing.reset();
    const scope = new CompensationScope();
    scope.register(() => {});
    await ResultPipeline.fanOut([() => ok(1), async () => err(PipeError.from("x"))]);
    await new ResultSagaBuilder().addStep("a", () => ok(1)).execute();
    await Result.runCompensation(undefined, scope);
    await Result.tieredFallback([{ name: "a", operations: [() => err(PipeError.from("x")), () => ok(1)] }]);
    const group = new WaitGroup();
    group.go(new ResultPipelineStepContext({ stepName: "s" }), async () => ok());
    group.go(async () => ok());
    await group.wait();
    expect(spans()).toEqual([]);
  });
});

describe("fan-out spans", () => {
  it("gives each operation a child span of the fan-out span, with its index", async () => {
    const result = await ResultPipeline.fanOut([() => ok(1), async () => ok(2), () => ok(3)], {
      stepName: "shards",
    });
    expect(result.isOk).toBe(true);
    const fanOut = one("pipeline.fan_out");
    expect(fanOut.attributes["pipeline.step.name"]).toBe("shards");
    expect(fanOut.attributes["pipeline.fan_out.operations"]).toBe(3);
    expect(fanOut.status.code).toBe(SpanStatusCode.UNSET);
    const operations = childrenOf(fanOut);
    expect(operations.map((s) => s.name)).toEqual(Array(3).fill("pipeline.fan_out.operation"));
    expect(operations.map((s) => s.attributes["pipeline.operation.index"]).sort()).toEqual([0, 1, 2]);
    expect(operations.map((s) => s.attributes["pipeline.step.name"]).sort()).toEqual([
      "shards[0]",
      "shards[1]",
      "shards[2]",
    ]);
    expect(operations.every((s) => s.status.code === SpanStatusCode.UNSET)).toBe(true);
  });

  it("marks the failed operation and the fan-out failed, with every rollback as an event, newest first", async () => {
    const ran: string[] = [];
    const registered: string[] = [];
    const reg = (ctx: ResultPipelineStepContext, id: string, fail = false): void => {
      registered.push(id);
      ctx.registerCompensation(() => {
        ran.push(id);
        if (fail) throw new Error(`undo ${id} failed`);
      });
    };
    const result = await ResultPipeline.fanOut([
      (ctx) => {
        reg(ctx, "a1");
        reg(ctx, "a2", true);
        return ok(1);
      },
      async (ctx) => {
        await tick();
        reg(ctx, "b1");
        return err(PipeError.from("b broke", "error.validation"));
      },
      (ctx) => {
        reg(ctx, "c1");
        return ok(3);
      },
    ]);
    expect(result.isErr && result.error.code).toBe("error.validation");
    const fanOut = one("pipeline.fan_out");
    expect(fanOut.status).toEqual({ code: SpanStatusCode.ERROR, message: "b broke" });
    expect(fanOut.attributes["error.type"]).toBe("error.validation");
    const failed = childrenOf(fanOut).filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failed.map((s) => s.attributes["pipeline.operation.index"])).toEqual([1]);
    expect(failed[0]?.attributes["error.type"]).toBe("error.validation");
    const events = compensationEvents(fanOut);
    expect(events.map((e) => registered[e["pipeline.compensation.index"] as number])).toEqual(ran);
    expect(ran).toEqual([...registered].reverse());
    expect(events.map((e) => e["pipeline.compensation.outcome"])).toEqual(
      ran.map((id) => (id === "a2" ? "failure" : "success")),
    );
    const failure = events.find((e) => e["pipeline.compensation.outcome"] === "failure");
    expect(failure?.["error.type"]).toBe("error.exception");
    expect(failure?.["exception.message"]).toContain("undo a2 failed");
  });

  it("gives each attempt its own span and records the rollback between attempts", async () => {
    let attempts = 0;
    const policy = ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.fixed(2, 0));
    const result = await ResultPipeline.fanOut(
      [
        (ctx) => {
          ctx.registerCompensation(() => {});
          return ++attempts === 1 ? err(PipeError.from("flaky")) : ok(1);
        },
      ],
      { policy },
    );
    expect(result.isOk).toBe(true);
    const fanOut = one("pipeline.fan_out");
    const tries = childrenOf(fanOut);
    expect(tries.map((s) => s.status.code).sort()).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR]);
    expect(compensationEvents(fanOut)).toEqual([
      { "pipeline.compensation.index": 0, "pipeline.compensation.outcome": "success" },
    ]);
  });

  it("records every compensation exactly once, newest first, whatever the operations do", async () => {
    const shape = fc.array(
      fc.record({ async: fc.boolean(), fail: fc.boolean(), undos: fc.array(fc.boolean(), { maxLength: 3 }) }),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(shape, async (ops) => {
        exporter.reset();
        const ran: number[] = [];
        const registered: number[] = [];
        const result = await ResultPipeline.fanOut(
          ops.map((op, i) => async (ctx: ResultPipelineStepContext) => {
            if (op.async) await tick();
            op.undos.forEach((undoFails, k) => {
              const id = i * 10 + k;
              registered.push(id);
              ctx.registerCompensation(() => {
                ran.push(id);
                if (undoFails) throw new Error("undo failed");
              });
            });
            return op.fail ? err(PipeError.from("failed")) : ok(i);
          }),
        );
        const fanOut = one("pipeline.fan_out");
        const events = compensationEvents(fanOut);
        if (result.isOk) {
          expect(events).toEqual([]);
          return;
        }
        expect(fanOut.status.code).toBe(SpanStatusCode.ERROR);
        expect(events.map((e) => registered[e["pipeline.compensation.index"] as number])).toEqual(ran);
        expect([...ran].sort((a, b) => a - b)).toEqual([...registered].sort((a, b) => a - b));
        expect(events.map((e) => e["pipeline.compensation.index"])).toEqual(
          registered.map((_, k) => registered.length - 1 - k),
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe("race, retry and withTimeout spans", () => {
  it("race: an operation span per contender under pipeline.race; the losers' rollback as events", async () => {
    const ran: string[] = [];
    const result = await ResultPipeline.race([
      (ctx) => {
        ctx.registerCompensation(() => {
          ran.push("loser");
        });
        return err(PipeError.from("lost", "error.unavailable"));
      },
      async () => {
        await tick();
        return ok("winner");
      },
    ]);
    expect(result.isOk && result.value).toBe("winner");
    const race = one("pipeline.race");
    const contenders = childrenOf(race);
    expect(contenders.map((s) => [s.name, s.attributes["pipeline.operation.index"], s.status.code])).toEqual([
      ["pipeline.race.operation", 0, SpanStatusCode.ERROR],
      ["pipeline.race.operation", 1, SpanStatusCode.UNSET],
    ]);
    expect(ran).toEqual(["loser"]);
    expect(compensationEvents(race)).toEqual([
      { "pipeline.compensation.index": 0, "pipeline.compensation.outcome": "success" },
    ]);
    expect(race.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("retry: an attempt span each under pipeline.retry, with the rollback between attempts", async () => {
    let calls = 0;
    const result = await ResultPipeline.retry(
      (ctx) => {
        ctx.registerCompensation(() => {});
        return ++calls < 3 ? err(PipeError.from("busy")) : ok(calls);
      },
      { policy: ResultRetryPolicy.fixed(3, 0), stepName: "charge" },
    );
    expect(result.isOk).toBe(true);
    const retry = one("pipeline.retry");
    expect(retry.attributes["pipeline.step.name"]).toBe("charge");
    expect(childrenOf(retry).map((s) => [s.name, s.status.code])).toEqual([
      ["pipeline.retry.attempt", SpanStatusCode.ERROR],
      ["pipeline.retry.attempt", SpanStatusCode.ERROR],
      ["pipeline.retry.attempt", SpanStatusCode.UNSET],
    ]);
    expect(compensationEvents(retry)).toHaveLength(2);
  });

  it("withTimeout: a timed-out operation fails the pipeline.with_timeout span with error.timeout", async () => {
    const timeProvider = new VirtualTimeProvider();
    const pending = ResultPipeline.withTimeout(
      (_ctx, signal) =>
        new Promise<Result<number>>((resolve) =>
          signal.addEventListener("abort", () => resolve(err(PipeError.from("stopped", "error.canceled")))),
        ),
      10,
      { timeProvider },
    );
    await timeProvider.advance(10);
    const result = await pending;
    expect(result.isErr && result.error.code).toBe("error.timeout");
    const span = one("pipeline.with_timeout");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("error.timeout");
    expect(childrenOf(span).map((s) => s.name)).toEqual(["pipeline.with_timeout.attempt"]);
  });
});

describe("saga spans", () => {
  it("gives each step a child span and records the rollback, newest first, with failures", async () => {
    const ran: string[] = [];
    const result = await new ResultSagaBuilder()
      .addStep(
        "reserve",
        () => ok("r-1"),
        (id) => {
          ran.push(`release ${id}`);
        },
      )
      .addStep(
        "charge",
        async (ctx) => {
          ctx.registerCompensation(() => {
            ran.push("refund");
            throw new Error("refund failed");
          });
          return ok("c-1");
        },
        () => {
          ran.push("uncharge");
        },
      )
      .addStep("ship", async () => err(PipeError.from("no courier", "error.unavailable")))
      .execute({ stepName: "order" });
    expect(result.isErr).toBe(true);
    const saga = one("pipeline.saga");
    expect(saga.attributes["pipeline.step.name"]).toBe("order");
    expect(saga.status).toEqual({ code: SpanStatusCode.ERROR, message: "no courier" });
    const steps = childrenOf(saga);
    expect(steps.map((s) => [s.name, s.attributes["pipeline.saga.step"], s.status.code])).toEqual([
      ["pipeline.saga.step", "reserve", SpanStatusCode.UNSET],
      ["pipeline.saga.step", "charge", SpanStatusCode.UNSET],
      ["pipeline.saga.step", "ship", SpanStatusCode.ERROR],
    ]);
    expect(steps[2]?.attributes["error.type"]).toBe("error.unavailable");
    expect(steps[2]?.attributes["pipeline.step.name"]).toBe("order.ship");
    expect(ran).toEqual(["uncharge", "refund", "release r-1"]);
    expect(
      compensationEvents(saga).map((e) => [
        e["pipeline.compensation.index"],
        e["pipeline.compensation.outcome"],
      ]),
    ).toEqual([
      [2, "success"],
      [1, "failure"],
      [0, "success"],
    ]);
  });

  it("nests a fan-out run inside a step under that step's span", async () => {
    await new ResultSagaBuilder()
      .addStep("fan", async (ctx) => {
        await tick();
        return ResultPipeline.fanOut([() => ok(1), async () => ok(2)], { context: ctx });
      })
      .execute();
    const saga = one("pipeline.saga");
    const step = one("pipeline.saga.step");
    const fanOut = one("pipeline.fan_out");
    expect(step.parentSpanContext?.spanId).toBe(saga.spanContext().spanId);
    expect(fanOut.parentSpanContext?.spanId).toBe(step.spanContext().spanId);
    expect(childrenOf(fanOut)).toHaveLength(2);
    expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
  });
});

describe("fan-in spans", () => {
  function feed<T>(values: readonly T[]): ChannelReader<T> {
    const { reader, writer } = Channel.createUnbounded<T>();
    for (const v of values) writer.tryWrite(v);
    writer.complete();
    return reader;
  }

  it("gives each message a child span of the fan-in span; a failed message fails both", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "ingest" });
    const result = await ResultPipelineChannels.fanIn(ctx, [feed([1, 2, 3])], async (value) =>
      value === 3 ? err(PipeError.from("bad message", "error.validation")) : ok(),
    );
    expect(result.isErr).toBe(true);
    const fanIn = one("pipeline.fan_in");
    expect(fanIn.attributes["pipeline.step.name"]).toBe("ingest");
    expect(fanIn.status.code).toBe(SpanStatusCode.ERROR);
    const messages = childrenOf(fanIn);
    expect(messages.map((s) => [s.name, s.attributes["pipeline.step.name"], s.status.code])).toEqual([
      ["pipeline.fan_in.message", "ingest.message", SpanStatusCode.UNSET],
      ["pipeline.fan_in.message", "ingest.message", SpanStatusCode.UNSET],
      ["pipeline.fan_in.message", "ingest.message", SpanStatusCode.ERROR],
    ]);
  });

  it("marks a message whose handler throws", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "ingest" });
    await ResultPipelineChannels.fanIn(ctx, [feed([1])], () => {
      throw new Error("boom");
    });
    expect(one("pipeline.fan_in.message").attributes["error.type"]).toBe("error.exception");
  });
});

describe("runCompensation spans", () => {
  it("opens a pipeline.compensation span with an event per action", async () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    scope.register(async () => {
      throw PipeError.from("nope", "error.unavailable");
    });
    const failure = await Result.runCompensation(undefined, scope);
    expect(failure?.code).toBe("error.compensation");
    const span = one("pipeline.compensation");
    expect(span.attributes["pipeline.compensation.actions"]).toBe(2);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(compensationEvents(span).map((e) => [e["pipeline.compensation.index"], e["error.type"]])).toEqual([
      [1, "error.unavailable"],
      [0, undefined],
    ]);
  });

  it("adds the events to a span handed in instead (and opens none)", async () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    const span = provider.getTracer("own").startSpan("mine");
    await Result.runCompensation(undefined, scope, { span });
    span.end();
    expect(spans().map((s) => s.name)).toEqual(["mine"]);
    expect(compensationEvents(one("mine"))).toHaveLength(1);
    expect(() => Result.runCompensation(undefined, scope, { span: {} as never })).toThrow(TypeError);
  });
});
