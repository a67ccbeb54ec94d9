import { describe, expect, it } from "vitest";
import {
  CompensationScope,
  ok,
  PipeError,
  Result,
  ResultCompensationPolicy,
  ResultExecutionPolicy,
} from "../src/index.ts";

describe("CompensationScope", () => {
  it("registers stateless and stateful actions and reports size/hasActions", () => {
    const scope = new CompensationScope();
    expect(scope.hasActions).toBe(false);
    scope.register(() => {});
    scope.register({ id: 1 }, () => {});
    expect(scope.size).toBe(2);
    expect(scope.hasActions).toBe(true);
    scope.clear();
    expect(scope.size).toBe(0);
  });

  it("rejects a non-function action synchronously", () => {
    const scope = new CompensationScope();
    expect(() => scope.register(42 as never)).toThrow(TypeError);
    expect(() => scope.register("s", 42 as never)).toThrow(TypeError);
  });

  it("replays newest first (sequentialReverse is the default)", async () => {
    const scope = new CompensationScope();
    const log: string[] = [];
    scope.register(() => void log.push("a"));
    scope.register("b", (s) => void log.push(s));
    scope.register(async () => {
      await Promise.resolve();
      log.push("c");
    });
    expect(await Result.runCompensation(undefined, scope)).toBeUndefined();
    expect(log).toEqual(["c", "b", "a"]);
    expect(scope.hasActions).toBe(false);
  });

  it("absorb keeps the child's own order (fixes the original's flip) and global registration order", async () => {
    const parent = new CompensationScope();
    const child = new CompensationScope();
    const log: string[] = [];
    parent.register(() => void log.push("p1"));
    child.register(() => void log.push("c1"));
    parent.register(() => void log.push("p2"));
    child.register(() => void log.push("c2"));
    parent.absorb(child);
    expect(child.hasActions).toBe(false);
    expect(parent.size).toBe(4);
    await Result.runCompensation(ResultExecutionPolicy.none, parent);
    expect(log).toEqual(["c2", "p2", "c1", "p1"]);
  });

  it("absorb(result) registers attached compensations and returns the result without them", async () => {
    const scope = new CompensationScope();
    const log: string[] = [];
    const r = ok(1)
      .withCompensation(() => void log.push("x"))
      .withCompensation("y", (s) => void log.push(s));
    const stripped = scope.absorb(r);
    expect(stripped.compensations.length).toBe(0);
    expect(stripped.isOk && stripped.value).toBe(1);
    expect(scope.size).toBe(2);
    await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["y", "x"]);
  });

  it("absorbing itself is a no-op", () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    scope.absorb(scope);
    expect(scope.size).toBe(1);
  });
});

describe("Result.runCompensation", () => {
  it("keeps going past failures and returns an error.compensation aggregate (original stopped at the first)", async () => {
    const scope = new CompensationScope();
    const log: string[] = [];
    scope.register(() => void log.push("first"));
    scope.register(() => {
      throw new Error("boom");
    });
    scope.register(async () => {
      throw PipeError.from("nope", "x.y");
    });
    scope.register(() => Result.fail(PipeError.from("returned failure")) as never);
    const error = await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["first"]);
    expect(error?.code).toBe("error.compensation");
    expect(error?.message).toContain("compensation issues");
    expect(error?.errors.map((e) => e.code)).toEqual([undefined, "x.y", "error.exception"]);
    expect(error?.metadata.failed).toBe(3);
    expect(error?.metadata.total).toBe(4);
  });

  it("never throws, even for a throwing custom strategy", async () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    const policy = ResultCompensationPolicy.custom("bad", () => {
      throw new Error("strategy broke");
    });
    const error = await Result.runCompensation(policy, scope);
    expect(error?.code).toBe("error.compensation");
  });

  it("runs each action at most once under concurrent calls", async () => {
    const scope = new CompensationScope();
    let runs = 0;
    for (let i = 0; i < 5; i++) {
      scope.register(async () => {
        await Promise.resolve();
        runs++;
      });
    }
    const [a, b] = await Promise.all([
      Result.runCompensation(undefined, scope),
      Result.runCompensation(ResultCompensationPolicy.parallel, scope),
    ]);
    expect(a).toBeUndefined();
    expect(b).toBeUndefined();
    expect(runs).toBe(5);
  });

  it("parallel starts everything newest first and waits for all", async () => {
    const scope = new CompensationScope();
    const started: number[] = [];
    let finished = 0;
    for (let i = 0; i < 3; i++) {
      scope.register(async () => {
        started.push(i);
        await Promise.resolve();
        finished++;
      });
    }
    const p = Result.runCompensation(ResultCompensationPolicy.parallel, scope);
    expect(started).toEqual([2, 1, 0]);
    await p;
    expect(finished).toBe(3);
  });

  it("none takes and discards the actions", async () => {
    const scope = new CompensationScope();
    let ran = false;
    scope.register(() => {
      ran = true;
    });
    expect(await Result.runCompensation(ResultCompensationPolicy.none, scope)).toBeUndefined();
    expect(ran).toBe(false);
    expect(scope.hasActions).toBe(false);
  });

  it("custom strategy gets the steps newest first; run() is idempotent", async () => {
    const scope = new CompensationScope();
    const log: number[] = [];
    for (let i = 0; i < 3; i++) scope.register(() => void log.push(i));
    const policy = ResultCompensationPolicy.custom("twice", async (steps) => {
      for (const step of steps) {
        await step.run();
        await step.run();
      }
    });
    expect(await Result.runCompensation(policy, scope)).toBeUndefined();
    expect(log).toEqual([2, 1, 0]);
  });

  it("an already-aborted signal returns error.canceled and leaves the scope untouched", async () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    const controller = new AbortController();
    controller.abort("stop");
    const error = await Result.runCompensation(undefined, scope, { signal: controller.signal });
    expect(error?.code).toBe("error.canceled");
    expect(scope.size).toBe(1);
  });

  it("an abort mid-way puts the actions that did not run back into the scope", async () => {
    const scope = new CompensationScope();
    const controller = new AbortController();
    const log: string[] = [];
    scope.register(() => void log.push("a"));
    scope.register(() => void log.push("b"));
    scope.register(() => {
      log.push("c");
      controller.abort("enough");
    });
    const error = await Result.runCompensation(undefined, scope, { signal: controller.signal });
    expect(log).toEqual(["c"]);
    expect(error?.code).toBe("error.compensation");
    expect(error?.errors[0]?.code).toBe("error.canceled");
    expect(error?.metadata.skipped).toBe(2);
    expect(scope.size).toBe(2);
    await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["c", "b", "a"]);
  });

  it("hands the run's signal to every action", async () => {
    const scope = new CompensationScope();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    scope.register((signal) => {
      seen = signal;
    });
    await Result.runCompensation(undefined, scope, { signal: controller.signal });
    expect(seen).toBe(controller.signal);
  });
});
