/** Seed-facing names, compensation semantics and diagnostics through a real OpenTelemetry reader. */
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import * as channels from "@pipe/channels";
import * as pipeline from "@pipe/pipeline";
import {
  CompensationScope,
  ErrGroup,
  err,
  GoDiagnostics,
  type MeterLike,
  ok,
  PipeError,
  Result,
  ResultCompensationPolicy,
  ResultExecutionPolicy,
  ResultPipeline,
  ResultPipelineStepContext,
  ResultRetryPolicy,
  VirtualTimeProvider,
  WaitGroup,
} from "@pipe/pipeline";
import { afterEach, describe, expect, it } from "../../src/harness.ts";

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function counters(reader: TestReader): Promise<Map<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, number>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      let total = 0;
      for (const point of metric.dataPoints) total += typeof point.value === "number" ? point.value : 0;
      out.set(metric.descriptor.name, total);
    }
  }
  return out;
}

describe("pipeline API surface", () => {
  it("every seed-facing name exists as spelled", () => {
    const names = [
      "Channel",
      "TimeProvider",
      "VirtualTimeProvider",
      "CompensationScope",
      "ResultPipelineStepContext",
      "ResultPipelineChannels",
      "ResultPipeline",
      "Result",
      "WaitGroup",
      "ErrGroup",
      "PipeError",
      "ResultExecutionPolicy",
      "ResultCompensationPolicy",
      "ResultRetryPolicy",
      "ResultPipelineTimers",
      "GoDiagnostics",
      "ok",
      "err",
    ];
    for (const name of names) expect((pipeline as Record<string, unknown>)[name]).toBeDefined();
    for (const m of ["ok", "fail", "tryAsync", "whenAll", "whenAny", "runCompensation", "tieredFallback"]) {
      expect(typeof (Result as unknown as Record<string, unknown>)[m]).toBe("function");
    }
    for (const m of [
      "fanIn",
      "fanOut",
      "merge",
      "mergeWithStrategy",
      "broadcast",
      "keyedFanOut",
      "window",
      "select",
    ]) {
      expect(typeof (pipeline.ResultPipelineChannels as unknown as Record<string, unknown>)[m]).toBe(
        "function",
      );
    }
    for (const m of ["delay", "after", "ticker", "tick"]) {
      expect(typeof (pipeline.ResultPipelineTimers as unknown as Record<string, unknown>)[m]).toBe(
        "function",
      );
    }
    expect(new WaitGroup()).toBeInstanceOf(channels.WaitGroup);
    expect(new ErrGroup()).toBeInstanceOf(channels.ErrGroup);
    expect(
      ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.exponential(3, 25, 2, 500)).retry.maxAttempts,
    ).toBe(3);
  });

  it("ResultExecutionPolicy.none compensates (the original silently dropped compensations)", async () => {
    const scope = new CompensationScope();
    let ran = false;
    scope.register(() => {
      ran = true;
    });
    await Result.runCompensation(ResultExecutionPolicy.none, scope);
    expect(ran).toBe(true);
  });

  it("absorbing a child keeps one global reverse-registration order", async () => {
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "root", compensationScope: scope });
    const log: string[] = [];
    const child = context.child("child");
    child.registerCompensation(() => void log.push("A"));
    child.registerCompensation(() => void log.push("B"));
    child.end();
    context.registerCompensation(() => void log.push("C"));
    await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["C", "B", "A"]);
  });

  it("fanOut completes synchronously when every operation does, and rolls back failing operations too", () => {
    const log: string[] = [];
    const result = ResultPipeline.fanOut([
      (ctx) => {
        ctx.registerCompensation(() => void log.push("a"));
        return ok(1);
      },
      (ctx) => {
        ctx.registerCompensation(() => void log.push("b"));
        return err<number>(PipeError.from("b failed"));
      },
    ]) as Result<number[]>;
    expect(result.isErr).toBe(true);
    expect(log).toEqual(["b", "a"]);
  });

  it("retry: aborting during back-off returns error.canceled", async () => {
    const timeProvider = new VirtualTimeProvider();
    const controller = new AbortController();
    const pending = ResultPipeline.retry(() => err(PipeError.from("busy")), {
      policy: ResultRetryPolicy.fixed(5, 1000),
      timeProvider,
      signal: controller.signal,
    });
    await timeProvider.advance(1);
    controller.abort();
    expect((await pending).error?.code).toBe("error.canceled");
  });

  it("a compensation failure is distinguishable from the step failure", async () => {
    const result = await ResultPipeline.retry((ctx) => {
      ctx.registerCompensation(() => {
        throw new Error("undo failed");
      });
      return err(PipeError.from("step failed", "demo.step"));
    });
    expect(result.error?.code).toBe("demo.step");
    expect((result.error?.metadata.compensationError as PipeError | undefined)?.code).toBe(
      "error.compensation",
    );
    const scope = new CompensationScope();
    scope.register(() => {
      throw new Error("x");
    });
    expect((await Result.runCompensation(ResultCompensationPolicy.parallel, scope))?.code).toBe(
      "error.compensation",
    );
  });
});

describe("pipeline diagnostics through @opentelemetry/sdk-metrics", () => {
  afterEach(() => GoDiagnostics.reset());

  it("reports compensation runs/failures, wait-group and result counters to a real reader", async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    GoDiagnostics.configure(provider.getMeter("@pipe/pipeline") as unknown as MeterLike);
    const scope = new CompensationScope();
    scope.register(() => {});
    scope.register(() => {
      throw new Error("boom");
    });
    await Result.runCompensation(undefined, scope);
    const waitGroup = new WaitGroup();
    const context = new ResultPipelineStepContext({ stepName: "d" });
    waitGroup.go(context, async () => ok());
    await waitGroup.wait();
    const c = await counters(reader);
    expect(c.get("pipeline.compensation.runs")).toBe(1);
    expect(c.get("pipeline.compensation.actions")).toBe(2);
    expect(c.get("pipeline.compensation.failures")).toBe(1);
    expect(c.get("waitgroup.additions")).toBe(1);
    expect(c.get("result.successes") ?? 0).toBeGreaterThan(0);
    await provider.shutdown();
  });
});
