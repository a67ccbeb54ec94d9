/** Spans of `Result.tieredFallback` (a child per tier, a grandchild per strategy) and of `WaitGroup`/`ErrGroup` work. */
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ErrGroup,
  err,
  ok,
  PipeError,
  Result,
  ResultPipeline,
  type ResultPipelineOperation,
  ResultPipelineStepContext,
  WaitGroup,
} from "../src/index.ts";
import {
  childrenOf,
  compensationEvents,
  exporter,
  named,
  one,
  provider,
  spans,
  tick,
  useTracing,
} from "./tracing-support.ts";

useTracing();

const tierSpans = (): ReadableSpan[] =>
  named("pipeline.tiered_fallback.tier").sort(
    (a, b) =>
      (a.attributes["pipeline.tiered_fallback.tier_index"] as number) -
      (b.attributes["pipeline.tiered_fallback.tier_index"] as number),
  );
const strategies = (tier: ReadableSpan): [unknown, number][] =>
  childrenOf(tier)
    .map((s): [unknown, number] => [s.attributes["pipeline.operation.index"], s.status.code])
    .sort((a, b) => (a[0] as number) - (b[0] as number));

describe("tieredFallback spans", () => {
  it("gives each tier that runs a child span, failed when the tier fails, with a span per strategy", async () => {
    const undone: string[] = [];
    const result = await Result.tieredFallback<string>(
      [
        {
          name: "primary",
          operations: [
            (ctx) => {
              ctx.registerCompensation(() => {
                undone.push("primary[0]");
              });
              return err(PipeError.from("primary down", "error.unavailable"));
            },
            async () => {
              await tick();
              return err(PipeError.from("primary slow", "error.timeout"));
            },
          ],
        },
        { name: "replica", operations: [async () => ok("replica")] },
        { name: "cache", operations: [() => ok("cache")] },
      ],
      { stepName: "read" },
    );
    expect(result.isOk && result.value).toBe("replica");
    expect(undone).toEqual(["primary[0]"]);
    const fallback = one("pipeline.tiered_fallback");
    expect(fallback.attributes["pipeline.step.name"]).toBe("read");
    expect(fallback.attributes["pipeline.tiered_fallback.tiers"]).toBe(3);
    expect(fallback.status.code).toBe(SpanStatusCode.UNSET);
    const tiers = tierSpans();
    expect(tiers.map((s) => [s.attributes["pipeline.tiered_fallback.tier"], s.status.code])).toEqual([
      ["primary", SpanStatusCode.ERROR],
      ["replica", SpanStatusCode.UNSET],
    ]);
    expect(childrenOf(fallback)).toHaveLength(2);
    const [primary, replica] = tiers as [ReadableSpan, ReadableSpan];
    expect(primary.status.message).toBe("Tier 'primary' exhausted all strategies.");
    expect(primary.attributes["error.type"]).toBe("error.aggregate");
    expect(strategies(primary)).toEqual([
      [0, SpanStatusCode.ERROR],
      [1, SpanStatusCode.ERROR],
    ]);
    expect(childrenOf(primary).map((s) => s.name)).toEqual(
      Array(2).fill("pipeline.tiered_fallback.strategy"),
    );
    expect(strategies(replica)).toEqual([[0, SpanStatusCode.UNSET]]);
    // The rollback of the failed tier is an event of that tier's span.
    expect(compensationEvents(primary)).toEqual([
      { "pipeline.compensation.index": 0, "pipeline.compensation.outcome": "success" },
    ]);
    expect(compensationEvents(fallback)).toEqual([]);
  });

  it("fails the fallback span with the error the call returns when every tier fails, synchronously", () => {
    const result = Result.tieredFallback([
      { name: "a", operations: [() => err(PipeError.from("a broke", "error.validation"))] },
      {
        name: "b",
        operations: [
          () => {
            throw new Error("b threw");
          },
        ],
      },
    ]);
    expect(result).not.toBeInstanceOf(Promise);
    const failed = result as Result<never>;
    expect(failed.isErr && failed.error.message).toBe("Fallback pipeline exhausted all tiers.");
    const fallback = one("pipeline.tiered_fallback");
    expect(fallback.status).toEqual({ code: SpanStatusCode.ERROR, message: failed.error?.message });
    expect(fallback.attributes["pipeline.step.name"]).toBe("fallback");
    const [a, b] = tierSpans() as [ReadableSpan, ReadableSpan];
    expect([a.attributes["error.type"], a.status.message]).toEqual(["error.validation", "a broke"]);
    expect(b.attributes["error.type"]).toBe("error.exception");
    expect(childrenOf(b).map((s) => s.attributes["error.type"])).toEqual(["error.exception"]);
  });

  it("stops at an abort: the running tier fails with error.canceled and no later tier gets a span", async () => {
    const abort = new AbortController();
    const pending = Result.tieredFallback(
      [
        {
          name: "slow",
          operations: [
            (_ctx, signal) =>
              new Promise<Result<number>>((resolve) => {
                signal.addEventListener("abort", () =>
                  resolve(err(PipeError.from("stopped", "error.canceled"))),
                );
                abort.abort();
              }),
          ],
        },
        { name: "never", operations: [() => ok(2)] },
      ],
      { signal: abort.signal },
    );
    const result = await pending;
    expect(result.isErr && result.error.code).toBe("error.canceled");
    expect(
      tierSpans().map((s) => [s.attributes["pipeline.tiered_fallback.tier"], s.attributes["error.type"]]),
    ).toEqual([["slow", "error.canceled"]]);
    expect(one("pipeline.tiered_fallback").attributes["error.type"]).toBe("error.canceled");
  });

  it("runs the steps of a strategy under its span (a fan-out inside a strategy is its child)", async () => {
    await Result.tieredFallback([
      {
        name: "only",
        operations: [
          async (ctx) => ResultPipeline.fanOut([() => ok(1), async () => ok(2)], { context: ctx }),
        ],
      },
    ]);
    const strategy = one("pipeline.tiered_fallback.strategy");
    const fanOut = one("pipeline.fan_out");
    expect(fanOut.parentSpanContext?.spanId).toBe(strategy.spanContext().spanId);
    expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it("a span per tier that ran, all children of the fallback span, failed exactly when the tier failed", async () => {
    const strategy = fc.record({ async: fc.boolean(), outcome: fc.constantFrom("ok", "err", "throw") });
    const shape = fc.array(fc.array(strategy, { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(shape, async (tiers) => {
        exporter.reset();
        const operation =
          (s: { async: boolean; outcome: string }, id: number): ResultPipelineOperation<number> =>
          async () => {
            if (s.async) await tick();
            if (s.outcome === "throw") throw new Error(`${id} threw`);
            return s.outcome === "ok" ? ok(id) : err(PipeError.from(`${id} failed`));
          };
        const syncOperation =
          (s: { async: boolean; outcome: string }, id: number): ResultPipelineOperation<number> =>
          () => {
            if (s.outcome === "throw") throw new Error(`${id} threw`);
            return s.outcome === "ok" ? ok(id) : err(PipeError.from(`${id} failed`));
          };
        const result = await Result.tieredFallback(
          tiers.map((list, t) => ({
            name: `t${t}`,
            operations: list.map((s, k) =>
              s.async ? operation(s, t * 10 + k) : syncOperation(s, t * 10 + k),
            ),
          })),
        );
        const ran = tiers.findIndex((list) => list.some((s) => s.outcome === "ok"));
        const expectedTiers = ran === -1 ? tiers.length : ran + 1;
        const fallback = one("pipeline.tiered_fallback");
        const spansOfTiers = tierSpans();
        expect(spansOfTiers).toHaveLength(expectedTiers);
        expect(childrenOf(fallback)).toHaveLength(expectedTiers);
        spansOfTiers.forEach((span, t) => {
          expect(span.status.code).toBe(t === ran ? SpanStatusCode.UNSET : SpanStatusCode.ERROR);
        });
        expect(fallback.status.code).toBe(result.isOk ? SpanStatusCode.UNSET : SpanStatusCode.ERROR);
      }),
      { numRuns: 40 },
    );
  });
});

/** Runs `fn` inside an active span named "parent" and returns that span's id once it ended. */
async function underParent(fn: () => Promise<unknown>): Promise<string> {
  return trace.getTracer("test").startActiveSpan("parent", async (span) => {
    await fn();
    span.end();
    return span.spanContext().spanId;
  });
}

describe("WaitGroup and ErrGroup spans", () => {
  it("WaitGroup: a span per work under the caller's span, failed for a failed or throwing work", async () => {
    trace.setGlobalTracerProvider(provider);
    // A failed work fails its parent context (later work under it never runs): one context per work here.
    const ctx = () => new ResultPipelineStepContext({ stepName: "tenants" });
    let waited: Result<void> | undefined;
    const parent = await underParent(async () => {
      const group = new WaitGroup();
      group.go(ctx(), async () => ok(), { stepName: "tenant[a]" });
      group.go(ctx(), () => err(PipeError.from("tenant b broke", "error.validation")), {
        stepName: "tenant[b]",
      });
      group.go(ctx(), () => {
        throw new Error("tenant c threw");
      });
      waited = await group.wait();
    });
    expect(waited?.isErr).toBe(true);
    const works = named("pipeline.wait_group.go");
    expect(works.map((s) => s.parentSpanContext?.spanId)).toEqual([parent, parent, parent]);
    expect(
      works
        .map((s) => [s.attributes["pipeline.step.name"], s.status.code, s.attributes["error.type"]])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ["tenant[a]", SpanStatusCode.UNSET, undefined],
      ["tenant[b]", SpanStatusCode.ERROR, "error.validation"],
      ["tenants.waitgroup", SpanStatusCode.ERROR, "error.exception"],
    ]);
    trace.disable();
  });

  it("runs the work's own steps under its span, open while the work runs", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "stage" });
    const group = new WaitGroup();
    let openAtEnd: boolean | undefined;
    group.go(ctx, async (child) => {
      child.registerCompensation(() => {});
      const r = await ResultPipeline.fanOut([() => ok(1), async () => ok(2)], { context: child });
      openAtEnd = named("pipeline.wait_group.go").length === 0;
      return r.isOk ? ok() : err(r.error);
    });
    expect((await group.wait()).isOk).toBe(true);
    expect(openAtEnd).toBe(true);
    const work = one("pipeline.wait_group.go");
    expect(one("pipeline.fan_out").parentSpanContext?.spanId).toBe(work.spanContext().spanId);
    expect(ctx.compensationScope.size).toBe(1);
  });

  it("WaitGroup with a limit: queued work gets its span when it starts, under the same parent", async () => {
    trace.setGlobalTracerProvider(provider);
    const ctx = new ResultPipelineStepContext({ stepName: "batch" });
    const started: number[] = [];
    const parent = await underParent(async () => {
      const group = new WaitGroup({ limit: 1 });
      for (const id of [0, 1, 2]) {
        group.go(
          ctx,
          async () => {
            started.push(named("pipeline.wait_group.go").length);
            await tick();
            return ok();
          },
          { stepName: `item[${id}]` },
        );
      }
      await group.wait();
    });
    expect(started).toEqual([0, 1, 2]);
    const works = named("pipeline.wait_group.go");
    expect(works.map((s) => s.attributes["pipeline.step.name"])).toEqual(["item[0]", "item[1]", "item[2]"]);
    expect(works.map((s) => s.parentSpanContext?.spanId)).toEqual([parent, parent, parent]);
    trace.disable();
  });

  it("ErrGroup: the failing work's span fails; a peer it stopped fails with error.canceled; dropped work has none", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "batch" });
    const group = new ErrGroup({ limit: 2 });
    group.go(ctx, async () => err(PipeError.from("bad record", "error.validation")), { stepName: "bad" });
    group.go(
      ctx,
      (_child, signal) =>
        new Promise<Result<void>>((resolve) =>
          signal.addEventListener("abort", () => resolve(err(PipeError.from("stopped", "error.canceled")))),
        ),
      { stepName: "peer" },
    );
    group.go(ctx, () => ok(), { stepName: "queued" });
    const result = await group.wait();
    expect(result.isErr && result.error.message).toBe("bad record");
    const works = named("pipeline.err_group.go");
    expect(works.map((s) => [s.attributes["pipeline.step.name"], s.attributes["error.type"]]).sort()).toEqual(
      [
        ["bad", "error.validation"],
        ["peer", "error.canceled"],
      ],
    );
  });

  it("traced: false runs the work without a span (its own steps keep theirs); a non-boolean is a TypeError", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "worker" });
    for (const group of [new WaitGroup(), new ErrGroup()]) {
      group.go(ctx, async (child) => ResultPipeline.fanOut([() => ok(1)], { context: child }), {
        traced: false,
      });
      expect((await group.wait()).isOk).toBe(true);
      expect(() => group.go(ctx, () => ok(), { traced: "no" as never })).toThrow(TypeError);
    }
    expect(
      spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      "pipeline.fan_out",
      "pipeline.fan_out",
      "pipeline.fan_out.operation",
      "pipeline.fan_out.operation",
    ]);
  });

  it("the @pipe/channels form go(work) gets a span too, failed when the work fails", async () => {
    for (const [make, name] of [
      [() => new WaitGroup(), "pipeline.wait_group.go"],
      [() => new ErrGroup(), "pipeline.err_group.go"],
    ] as const) {
      const group = make();
      group.go(async () => err(PipeError.from("plain failure", "error.unavailable")));
      await group.wait();
      const span = one(name);
      expect([span.status.code, span.attributes["error.type"]]).toEqual([
        SpanStatusCode.ERROR,
        "error.unavailable",
      ]);
      expect(span.attributes["pipeline.step.name"]).toBeUndefined();
    }
  });
});
