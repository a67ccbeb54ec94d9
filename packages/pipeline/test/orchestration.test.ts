import { describe, expect, it } from "vitest";
import {
  CompensationScope,
  delay,
  err,
  ok,
  PipeError,
  Result,
  ResultExecutionPolicy,
  ResultPipeline,
  type ResultPipelineOperation,
  ResultPipelineStepContext,
  ResultRetryPolicy,
  VirtualTimeProvider,
} from "../src/index.ts";

const isPromise = (v: unknown): boolean => v instanceof Promise;

function op<T>(
  log: string[],
  name: string,
  value: Result<T> | (() => Result<T>),
): ResultPipelineOperation<T> {
  return (ctx) => {
    ctx.registerCompensation(() => void log.push(`undo ${name}`));
    return typeof value === "function" ? value() : value;
  };
}

describe("ResultPipeline.fanOut / Result.whenAll", () => {
  it("returns values in input order and a plain Result when every operation is synchronous", () => {
    const log: string[] = [];
    const r = ResultPipeline.fanOut([op(log, "a", ok(1)), op(log, "b", ok(2)), op(log, "c", ok(3))]);
    expect(isPromise(r)).toBe(false);
    const result = r as Result<number[]>;
    expect(result.isOk && result.value).toEqual([1, 2, 3]);
    expect(result.compensations.length).toBe(3);
  });

  it("is the same function as Result.whenAll", () => {
    expect(Result.whenAll).toBe(ResultPipeline.fanOut);
    expect(Result.whenAny).toBe(ResultPipeline.race);
  });

  it("an empty list is ok([]) synchronously", () => {
    const r = ResultPipeline.fanOut([]) as Result<unknown[]>;
    expect(r.isOk && r.value).toEqual([]);
  });

  it("absorbs compensations into the context on success so a later stage can roll them back (seed 000)", async () => {
    const log: string[] = [];
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "shards", compensationScope: scope });
    const r = await ResultPipeline.fanOut([op(log, "a", ok(1)), op(log, "b", ok(2))], { context });
    expect(r.isOk).toBe(true);
    expect(r.compensations.length).toBe(0);
    expect(scope.size).toBe(2);
    await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["undo b", "undo a"]);
  });

  it("on failure rolls back the succeeded AND the failing operations (original dropped the failing ones)", async () => {
    const log: string[] = [];
    const failure = PipeError.from("shard 2 down", "shards.down");
    const r = await ResultPipeline.fanOut([
      op(log, "a", ok(1)),
      op(log, "b", err<number>(failure)),
      async (ctx) => {
        await Promise.resolve();
        ctx.registerCompensation(() => void log.push("undo c"));
        return ok(3);
      },
    ]);
    expect(r.isErr && r.error).toBe(failure);
    expect(log).toEqual(["undo b", "undo a"]);
  });

  it("waits for running peers and rolls them back too, in reverse registration order", async () => {
    const log: string[] = [];
    const r = await ResultPipeline.fanOut<number>([
      async (ctx) => {
        ctx.registerCompensation(() => void log.push("a1"));
        await Promise.resolve();
        await Promise.resolve();
        ctx.registerCompensation(() => void log.push("a2"));
        return ok(1);
      },
      async (ctx) => {
        await Promise.resolve();
        ctx.registerCompensation(() => void log.push("b1"));
        return err(PipeError.from("b failed"));
      },
    ]);
    expect(r.isErr).toBe(true);
    expect(log).toEqual(["a2", "b1", "a1"]);
  });

  it("aggregates several failures with operationIndex/stepName metadata", async () => {
    const r = await ResultPipeline.fanOut<number>(
      [async () => err(PipeError.from("x")), async () => ok(1), async () => err(PipeError.from("y"))],
      { stepName: "shards" },
    );
    expect(r.isErr && r.error.code).toBe("error.aggregate");
    expect(r.error?.message).toBe("One or more operations failed.");
    expect(r.error?.errors.map((e) => [e.message, e.metadata.operationIndex, e.metadata.stepName])).toEqual([
      ["x", 0, "shards[0]"],
      ["y", 2, "shards[2]"],
    ]);
  });

  it("converts throws and rejections to error.exception", async () => {
    const boom = new Error("boom");
    const r1 = (await ResultPipeline.fanOut([
      () => {
        throw boom;
      },
    ])) as Result<unknown[]>;
    expect(r1.error?.code).toBe("error.exception");
    expect(r1.error?.cause).toBe(boom);
    const r2 = await ResultPipeline.fanOut([async () => Promise.reject(boom)]);
    expect(r2.error?.cause).toBe(boom);
  });

  it("limits concurrency with a shared-index pool and never starts operations after a failure", async () => {
    let active = 0;
    let peak = 0;
    let started = 0;
    const ops = Array.from({ length: 20 }, (_, i) => async () => {
      started++;
      active++;
      peak = Math.max(peak, active);
      await Promise.resolve();
      await Promise.resolve();
      active--;
      return i === 7 ? err<number>(PipeError.from("seven")) : ok(i);
    });
    const r = await ResultPipeline.fanOut(ops, { concurrency: 3 });
    expect(peak).toBe(3);
    expect(r.isErr).toBe(true);
    expect(started).toBeLessThan(20);
    const all = await ResultPipeline.fanOut(
      Array.from({ length: 10 }, (_, i) => async () => ok(i)),
      { concurrency: 4 },
    );
    expect(all.value).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("rejects a bad concurrency synchronously", () => {
    expect(() => ResultPipeline.fanOut([], { concurrency: 0 })).toThrow(RangeError);
  });

  it("a pre-aborted signal returns error.canceled synchronously without invoking anything", () => {
    const controller = new AbortController();
    controller.abort("stop");
    let called = false;
    const r = ResultPipeline.fanOut(
      [
        () => {
          called = true;
          return ok(1);
        },
      ],
      { signal: controller.signal },
    ) as Result<number[]>;
    expect(r.error?.code).toBe("error.canceled");
    expect(called).toBe(false);
  });

  it("an abort mid-way compensates what completed and returns error.canceled", async () => {
    const timeProvider = new VirtualTimeProvider();
    const controller = new AbortController();
    const log: string[] = [];
    const pending = ResultPipeline.fanOut<number>(
      [
        (ctx) => {
          ctx.registerCompensation(() => void log.push("fast"));
          return ok(1);
        },
        async (ctx, signal) => {
          ctx.registerCompensation(() => void log.push("slow-partial"));
          const slept = await delay(1000, { timeProvider, signal });
          return slept.isOk ? ok(2) : err(slept.error);
        },
      ],
      { signal: controller.signal, timeProvider },
    );
    await timeProvider.advance(10);
    controller.abort("user");
    const r = await pending;
    expect(r.error?.code).toBe("error.canceled");
    expect(log).toEqual(["slow-partial", "fast"]);
  });

  it("retries each operation; a failed attempt is rolled back before the next", async () => {
    const timeProvider = new VirtualTimeProvider();
    const log: string[] = [];
    let attempts = 0;
    const pending = ResultPipeline.fanOut<number>(
      [
        (ctx) => {
          const n = ++attempts;
          ctx.registerCompensation(() => void log.push(`undo attempt ${n}`));
          return n < 3 ? err(PipeError.from("flaky")) : ok(n);
        },
      ],
      { policy: ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.fixed(3, 50)), timeProvider },
    );
    await timeProvider.advance(49);
    expect(log).toEqual(["undo attempt 1"]);
    await timeProvider.advance(100);
    const r = await pending;
    expect(r.value).toEqual([3]);
    expect(log).toEqual(["undo attempt 1", "undo attempt 2"]);
    expect(r.compensations.length).toBe(1);
  });

  it("reports a rollback failure as metadata.compensationError, keeping the step failure's code", async () => {
    const r = await ResultPipeline.fanOut([
      (ctx) => {
        ctx.registerCompensation(() => {
          throw new Error("undo broke");
        });
        return err(PipeError.from("step failed", "step.code"));
      },
    ]);
    expect(r.error?.code).toBe("step.code");
    const compensationError = r.error?.metadata.compensationError as PipeError;
    expect(compensationError.code).toBe("error.compensation");
    expect(compensationError.errors[0]?.cause).toBeInstanceOf(Error);
  });
});

describe("operation step names (<stepName>[i])", () => {
  it("each fanOut/race operation's context is named <stepName>[i], sync or async, with and without retry", async () => {
    const seen: string[] = [];
    const named =
      (async: boolean): ResultPipelineOperation<number> =>
      (ctx) => {
        seen.push(ctx.stepName, ctx.stepName); // read twice: the same name both times
        return async ? Promise.resolve(ok(1)) : ok(1);
      };
    await ResultPipeline.fanOut([named(false), named(true), named(true)], {
      stepName: "load",
      concurrency: 2,
    });
    expect(seen).toEqual(["load[0]", "load[0]", "load[1]", "load[1]", "load[2]", "load[2]"]);
    seen.length = 0;
    await ResultPipeline.fanOut([named(true), named(false)]);
    expect(seen).toEqual(["whenall[0]", "whenall[0]", "whenall[1]", "whenall[1]"]);
    seen.length = 0;
    const retry = ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.fixed(2, 0));
    await ResultPipeline.fanOut([named(false), named(true)], { stepName: "r", policy: retry });
    expect(seen).toEqual(["r[0]", "r[0]", "r[1]", "r[1]"]);
    seen.length = 0;
    await ResultPipeline.race([named(true), named(true)], { stepName: "first" });
    expect(seen).toEqual(["first[0]", "first[0]", "first[1]", "first[1]"]);
  });

  it("a failure's metadata names its operation even when the operation never read its step name", async () => {
    const fail =
      (i: number): ResultPipelineOperation<number> =>
      async () =>
        err(PipeError.from(`op ${i} failed`, "test.failed"));
    const r = await ResultPipeline.fanOut([fail(0), async () => ok(1), fail(2)], { stepName: "batch" });
    expect(r.isErr).toBe(true);
    if (r.isOk) return;
    expect(r.error.errors.map((e) => [e.metadata.operationIndex, e.metadata.stepName])).toEqual([
      [0, "batch[0]"],
      [2, "batch[2]"],
    ]);
  });

  it("a context kept after its operation settled still reads its own name", async () => {
    const kept: ResultPipelineStepContext[] = [];
    await ResultPipeline.fanOut(
      [0, 1, 2].map(
        (): ResultPipelineOperation<number> => async (ctx) => {
          kept.push(ctx);
          return ok(1);
        },
      ),
      { stepName: "later" },
    );
    expect(kept.map((c) => c.stepName).sort()).toEqual(["later[0]", "later[1]", "later[2]"]);
  });
});

describe("ResultPipeline.race / Result.whenAny", () => {
  it("no operations gives the validation error with the original message", () => {
    const r = ResultPipeline.race([]) as Result<unknown>;
    expect(r.error?.code).toBe("error.validation");
    expect(r.error?.message).toBe("No operations provided for WhenAny.");
  });

  it("first success wins, peers are aborted and rolled back, the winner's compensations are kept", async () => {
    const timeProvider = new VirtualTimeProvider();
    const log: string[] = [];
    const pending = ResultPipeline.race<string>(
      [
        async (ctx, signal) => {
          ctx.registerCompensation(() => void log.push("undo slow"));
          const r = await delay(100, { timeProvider, signal });
          return r.isOk ? ok("slow") : err(r.error);
        },
        async (ctx, signal) => {
          ctx.registerCompensation(() => void log.push("undo fast"));
          const r = await delay(10, { timeProvider, signal });
          return r.isOk ? ok("fast") : err(r.error);
        },
      ],
      { timeProvider },
    );
    await timeProvider.advance(10);
    const r = await pending;
    expect(r.value).toBe("fast");
    expect(log).toEqual(["undo slow"]);
    expect(r.compensations.length).toBe(1);
  });

  it("secondary successes are compensated and a rollback failure does not turn the win into a failure", async () => {
    const seen: PipeError[] = [];
    const r = await ResultPipeline.race<number>(
      [
        async () => ok(1),
        async (ctx) => {
          ctx.registerCompensation(() => {
            throw new Error("cleanup failed");
          });
          return ok(2);
        },
      ],
      { onCompensationError: (e) => seen.push(e) },
    );
    expect(r.value).toBe(1);
    expect(seen[0]?.code).toBe("error.compensation");
  });

  it("all failed gives the aggregate 'All operations failed.'; failing ops are rolled back", async () => {
    const log: string[] = [];
    const r = await ResultPipeline.race([
      op(log, "a", err(PipeError.from("a"))),
      op(log, "b", err(PipeError.from("b"))),
    ]);
    expect(r.error?.message).toBe("All operations failed.");
    expect(r.error?.errors).toHaveLength(2);
    expect(log).toEqual(["undo b", "undo a"]);
  });

  it("all canceled gives 'All operations were canceled.'", async () => {
    const r = await ResultPipeline.race([() => err(PipeError.canceled()), () => err(PipeError.canceled())]);
    expect(r.error?.code).toBe("error.canceled");
    expect(r.error?.message).toBe("All operations were canceled.");
  });

  it("a single failure is returned as is", async () => {
    const e = PipeError.from("only");
    const r = await ResultPipeline.race([() => err(e)]);
    expect(r.error?.message).toBe("only");
  });
});

describe("ResultPipeline.retry", () => {
  it("maxAttempts counts the first try; thrown exceptions are retried", async () => {
    const timeProvider = new VirtualTimeProvider();
    let calls = 0;
    const pending = ResultPipeline.retry(
      () => {
        calls++;
        if (calls < 3) throw new Error("flaky");
        return ok(calls);
      },
      { policy: ResultRetryPolicy.exponential(3, 10, 2), timeProvider },
    );
    await timeProvider.advance(30);
    const r = await pending;
    expect(r.value).toBe(3);
    expect(calls).toBe(3);
  });

  it("a back-off grown past every timer's range waits the longest timer delay instead of failing", async () => {
    const timeProvider = new VirtualTimeProvider();
    let calls = 0;
    // multiplier Infinity: the first retry waits 1 ms, the second Infinity (as an uncapped exponential does
    // after enough attempts).
    const pending = ResultPipeline.retry(
      () => {
        calls++;
        return calls < 3 ? err(PipeError.from(`fail ${calls}`)) : ok(calls);
      },
      { policy: ResultRetryPolicy.exponential(3, 1, Number.POSITIVE_INFINITY), timeProvider },
    );
    await timeProvider.advance(1);
    expect(calls).toBe(2);
    await timeProvider.advance(2_147_483_646);
    expect(calls).toBe(2);
    await timeProvider.advance(1);
    const r = await pending;
    expect(r.value).toBe(3);
  });

  it("never retries error.canceled", async () => {
    let calls = 0;
    const r = await ResultPipeline.retry(
      () => {
        calls++;
        return err(PipeError.canceled());
      },
      { policy: ResultRetryPolicy.fixed(5, 0) },
    );
    expect(calls).toBe(1);
    expect(r.error?.code).toBe("error.canceled");
  });

  it("exhausted: rolls back the last attempt and returns its failure", async () => {
    const timeProvider = new VirtualTimeProvider();
    const log: string[] = [];
    let n = 0;
    const pending = ResultPipeline.retry(
      (ctx) => {
        const k = ++n;
        ctx.registerCompensation(() => void log.push(`undo ${k}`));
        return err(PipeError.from(`fail ${k}`));
      },
      { policy: ResultRetryPolicy.fixed(2, 5), timeProvider },
    );
    await timeProvider.runAll();
    const r = await pending;
    expect(r.error?.message).toBe("fail 2");
    expect(log).toEqual(["undo 1", "undo 2"]);
  });

  it("aborting during back-off returns error.canceled (never throws)", async () => {
    const timeProvider = new VirtualTimeProvider();
    const controller = new AbortController();
    const pending = ResultPipeline.retry(() => err(PipeError.from("x")), {
      policy: ResultRetryPolicy.fixed(3, 1000),
      timeProvider,
      signal: controller.signal,
    });
    await timeProvider.advance(10);
    controller.abort("shutdown");
    const r = await pending;
    expect(r.error?.code).toBe("error.canceled");
    expect(timeProvider.pendingTimers).toBe(0);
  });

  it("accepts any iterable of delays", async () => {
    const timeProvider = new VirtualTimeProvider();
    let calls = 0;
    const pending = ResultPipeline.retry(() => (++calls < 3 ? err(PipeError.from("x")) : ok(calls)), {
      policy: ResultExecutionPolicy.none.withRetry([5, 7]),
      timeProvider,
    });
    await timeProvider.advance(11);
    expect(calls).toBe(2);
    await timeProvider.advance(1);
    expect((await pending).value).toBe(3);
  });

  it("exponential delays grow, are capped and can be jittered deterministically", () => {
    const p = ResultRetryPolicy.exponential(5, 25, 2, 80);
    expect([2, 3, 4, 5].map((a) => p.delayBefore(a))).toEqual([25, 50, 80, 80]);
    const j = ResultRetryPolicy.exponential(3, 100, 2, 1000, { jitter: true, random: () => 0.5 });
    expect(j.delayBefore(2)).toBe(50);
    expect(() => ResultRetryPolicy.fixed(0, 1)).toThrow(RangeError);
    expect(() => ResultRetryPolicy.exponential(2, 1, 0.5)).toThrow(RangeError);
  });
});

describe("ResultPipeline.withTimeout", () => {
  it("on timeout the operation's compensations run before error.timeout returns (original dropped them)", async () => {
    const timeProvider = new VirtualTimeProvider();
    const log: string[] = [];
    const pending = ResultPipeline.withTimeout(
      async (ctx, signal) => {
        ctx.registerCompensation(() => void log.push("undo"));
        const r = await delay(1000, { timeProvider, signal });
        return r.isOk ? ok("late") : err(r.error);
      },
      100,
      { timeProvider },
    );
    await timeProvider.advance(100);
    const r = await pending;
    expect(r.error?.code).toBe("error.timeout");
    expect(log).toEqual(["undo"]);
  });

  it("returns the operation's result when it finishes first", async () => {
    const timeProvider = new VirtualTimeProvider();
    const r = await ResultPipeline.withTimeout(() => ok(1), 100, { timeProvider });
    expect(r.value).toBe(1);
    expect(timeProvider.pendingTimers).toBe(0);
  });
});

describe("Result.tieredFallback", () => {
  it("no tiers gives the validation error", () => {
    const r = Result.tieredFallback([]) as Result<unknown>;
    expect(r.error?.message).toBe("No fallback tiers were provided.");
  });

  it("falls through tiers, tags failures and rolls back failing strategies", async () => {
    const log: string[] = [];
    const r = await Result.tieredFallback<string>([
      {
        name: "primary",
        operations: [op(log, "p0", err(PipeError.from("p0"))), op(log, "p1", err(PipeError.from("p1")))],
      },
      { name: "cache", operations: [op(log, "c0", ok("cached"))] },
    ]);
    expect(r.value).toBe("cached");
    expect(log).toEqual(["undo p1", "undo p0"]);
    expect(r.compensations.length).toBe(1);
  });

  it("exhausted tiers aggregate with tier metadata", async () => {
    const r = await Result.tieredFallback([
      { name: "a", operations: [() => err(PipeError.from("a0")), () => err(PipeError.from("a1"))] },
      { name: "b", operations: [async () => err(PipeError.from("b0"))] },
    ]);
    expect(r.error?.message).toBe("Fallback pipeline exhausted all tiers.");
    expect(r.error?.errors[0]?.message).toBe("Tier 'a' exhausted all strategies.");
    expect(r.error?.errors[1]?.metadata).toMatchObject({ fallbackTier: "b", tierIndex: 1, strategyIndex: 0 });
  });
});

describe("ResultSagaBuilder", () => {
  it("a failing step rolls back its own and earlier steps newest first", async () => {
    const log: string[] = [];
    const r = await ResultPipeline.saga()
      .addStep(
        "reserve",
        () => ok("r1"),
        (v) => void log.push(`release ${v}`),
      )
      .addStep(
        "charge",
        (_ctx, s) => ok(`${s.reserve}-c`),
        (v) => void log.push(`refund ${v}`),
      )
      .addStep("ship", (ctx) => {
        ctx.registerCompensation(() => void log.push("cancel label"));
        return err(PipeError.from("no courier"));
      })
      .execute();
    expect(r.error?.message).toBe("no courier");
    expect(log).toEqual(["cancel label", "refund r1-c", "release r1"]);
  });

  it("success returns typed state, synchronously when every step is synchronous", () => {
    const r = new (ResultPipeline.saga().constructor as typeof import("../src/index.ts").ResultSagaBuilder)()
      .addStep("a", () => ok(1))
      .addStep("b", (_c, s) => ok(s.a + 1))
      .execute() as Result<{ a: number; b: number }>;
    expect(r.value).toEqual({ a: 1, b: 2 });
  });

  it("a pre-aborted saga returns error.canceled instead of throwing; an empty saga is a validation error", () => {
    const controller = new AbortController();
    controller.abort();
    const r = ResultPipeline.saga()
      .addStep("a", () => ok(1))
      .execute({ signal: controller.signal }) as Result<unknown>;
    expect(r.error?.code).toBe("error.canceled");
    const e = ResultPipeline.saga().execute() as Result<unknown>;
    expect(e.error?.message).toBe("Saga contains no steps.");
  });
});

describe("ResultSagaBuilder (asynchronous paths)", () => {
  it("async steps, an abort between steps rolls back completed steps and returns error.canceled", async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const r = await ResultPipeline.saga()
      .addStep(
        "a",
        async () => ok(1),
        () => void log.push("undo a"),
      )
      .addStep(
        "b",
        async () => {
          controller.abort("stop");
          return ok(2);
        },
        () => void log.push("undo b"),
      )
      .addStep("c", async () => ok(3))
      .execute({ signal: controller.signal });
    expect(r.error?.code).toBe("error.canceled");
    expect(log).toEqual(["undo b", "undo a"]);
  });

  it("retries a step under the policy and keeps compensations in the context on success", async () => {
    const timeProvider = new VirtualTimeProvider();
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({
      stepName: "order",
      compensationScope: scope,
      timeProvider,
    });
    let tries = 0;
    const pending = ResultPipeline.saga()
      .addStep(
        "reserve",
        async () => ok("r"),
        () => {},
      )
      .addStep("charge", async (ctx) => {
        ctx.registerCompensation(() => {});
        return ++tries < 2 ? err<string>(PipeError.from("busy")) : ok("c");
      })
      .execute({ context, policy: ResultRetryPolicy.fixed(2, 10) });
    await timeProvider.runAll();
    const r = await pending;
    expect(r.value).toEqual({ reserve: "r", charge: "c" });
    expect(scope.size).toBe(2);
  });

  it("a throwing async step is error.exception and rolls back", async () => {
    const log: string[] = [];
    const r = await ResultPipeline.saga()
      .addStep(
        "a",
        async () => ok(1),
        () => void log.push("undo a"),
      )
      .addStep("b", async () => {
        throw new Error("boom");
      })
      .execute();
    expect(r.error?.code).toBe("error.exception");
    expect(log).toEqual(["undo a"]);
  });
});
