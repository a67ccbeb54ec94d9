import * as channels from "@pipe/channels";
import { describe, expect, it } from "vitest";
import {
  CompensationScope,
  ErrGroup,
  err,
  ok,
  PipeError,
  Result,
  ResultPipelineStepContext,
  TimeProvider,
  VirtualTimeProvider,
  WaitGroup,
} from "../src/index.ts";

describe("ResultPipelineStepContext", () => {
  it("has a public constructor (options or positional), defaults, and normalises a blank step name", () => {
    const scope = new CompensationScope();
    const tp = new VirtualTimeProvider();
    const controller = new AbortController();
    const a = new ResultPipelineStepContext({
      stepName: "a",
      compensationScope: scope,
      timeProvider: tp,
      signal: controller.signal,
    });
    expect([a.stepName, a.compensationScope, a.timeProvider]).toEqual(["a", scope, tp]);
    const b = new ResultPipelineStepContext("ingress.tenants", scope, TimeProvider.system, controller.signal);
    expect(b.compensationScope).toBe(scope);
    // The context owns its signal (so a failed waitGroup.go work can fail it); it follows the given one.
    expect(a.signal.aborted).toBe(false);
    controller.abort("stop");
    for (const ctx of [a, b]) {
      expect(ctx.signal.aborted).toBe(true);
      expect(ctx.signal.reason).toBe("stop");
    }
    const pre = new ResultPipelineStepContext({ signal: AbortSignal.abort("early") });
    expect([pre.signal.aborted, pre.signal.reason]).toEqual([true, "early"]);
    const c = new ResultPipelineStepContext({ stepName: "   " });
    expect(c.stepName).toBe("");
    // child() names its context by the same rule (a blank or non-string name is "").
    expect(a.child("   ").stepName).toBe("");
    expect(a.child(7 as unknown as string).stepName).toBe("");
    expect(a.child("x").stepName).toBe("x");
    expect(c.timeProvider).toBe(TimeProvider.system);
    expect(c.signal.aborted).toBe(false);
    expect(c.compensationScope).toBeInstanceOf(CompensationScope);
  });

  it("registerCompensation / tryRegisterCompensation", async () => {
    const ctx = new ResultPipelineStepContext({ stepName: "s" });
    const log: string[] = [];
    ctx.registerCompensation(() => void log.push("plain"));
    ctx.registerCompensation("state", (s) => void log.push(s));
    expect(ctx.tryRegisterCompensation("no", (s) => void log.push(s), false)).toBe(false);
    expect(
      ctx.tryRegisterCompensation(
        "yes",
        (s) => void log.push(s),
        (s) => s === "yes",
      ),
    ).toBe(true);
    await Result.runCompensation(undefined, ctx.compensationScope);
    expect(log).toEqual(["yes", "state", "plain"]);
  });

  it("child(): linked signal, own scope absorbed into the parent on end(), later registrations forwarded", () => {
    const controller = new AbortController();
    const parent = new ResultPipelineStepContext({ stepName: "p", signal: controller.signal });
    parent.registerCompensation(() => {});
    const child = parent.child("p.c");
    expect(child.parent).toBe(parent);
    child.registerCompensation(() => {});
    expect(child.compensationScope).not.toBe(parent.compensationScope);
    expect(parent.compensationScope.size).toBe(1);
    controller.abort("stop");
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe("stop");
    child.end();
    expect(child.ended).toBe(true);
    expect(parent.compensationScope.size).toBe(2);
    child.registerCompensation(() => {});
    expect(parent.compensationScope.size).toBe(3);
    child.end();
    expect(parent.compensationScope.size).toBe(3);
  });

  it("child of an already-aborted parent is aborted", () => {
    const controller = new AbortController();
    controller.abort();
    const parent = new ResultPipelineStepContext({ signal: controller.signal });
    expect(parent.child("x").signal.aborted).toBe(true);
  });
});

describe("pipeline WaitGroup / ErrGroup", () => {
  it("are subclasses of the channels primitives", () => {
    expect(new WaitGroup()).toBeInstanceOf(channels.WaitGroup);
    expect(new ErrGroup()).toBeInstanceOf(channels.ErrGroup);
  });

  it("wait() fails when any work failed; compensations reach the parent on success and failure (seed 002)", async () => {
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "tenants", compensationScope: scope });
    const waitGroup = new WaitGroup();
    const log: string[] = [];
    const names: string[] = [];
    waitGroup.go(
      context,
      async (child) => {
        names.push(child.stepName);
        child.registerCompensation(() => void log.push("a1"));
        await Promise.resolve();
        return ok();
      },
      { stepName: "tenant[a]" },
    );
    waitGroup.go(context, async (child) => {
      names.push(child.stepName);
      child.registerCompensation(() => void log.push("b1"));
      await Promise.resolve();
      await Promise.resolve();
      child.registerCompensation(() => void log.push("b2"));
      return err(PipeError.from("tenant b failed"));
    });
    const waitResult = await waitGroup.wait();
    expect(waitResult.isErr).toBe(true);
    expect(waitResult.error?.message).toBe("tenant b failed");
    expect(names).toEqual(["tenant[a]", "tenants.waitgroup"]);
    await Result.runCompensation(undefined, scope);
    expect(log).toEqual(["b2", "b1", "a1"]);
  });

  it("a throwing work is a failure (original swallowed it) and its registrations still reach the parent", async () => {
    const context = new ResultPipelineStepContext({ stepName: "x" });
    const waitGroup = new WaitGroup();
    waitGroup.go(context, (child) => {
      child.registerCompensation(() => {});
      throw new Error("crash");
    });
    const r = await waitGroup.wait();
    expect(r.error?.code).toBe("error.exception");
    expect(context.compensationScope.size).toBe(1);
  });

  it("attached result compensations are absorbed too; the plain go(work) still works", async () => {
    const context = new ResultPipelineStepContext({ stepName: "x" });
    const waitGroup = new WaitGroup();
    waitGroup.go(context, () => ok().withCompensation(() => {}));
    let ran = false;
    waitGroup.go(() => {
      ran = true;
      return ok();
    });
    expect((await waitGroup.wait()).isOk).toBe(true);
    expect(ran).toBe(true);
    expect(context.compensationScope.size).toBe(1);
  });

  it("a pre-aborted parent never runs the work and wait() reports error.canceled", async () => {
    const controller = new AbortController();
    controller.abort();
    const context = new ResultPipelineStepContext({ signal: controller.signal });
    const waitGroup = new WaitGroup();
    let ran = false;
    waitGroup.go(context, () => {
      ran = true;
      return ok();
    });
    expect(ran).toBe(false);
    expect((await waitGroup.wait()).error?.code).toBe("error.canceled");
  });

  it("ErrGroup: first failure aborts peers' child signals; every child's compensations reach the parent", async () => {
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "batch", compensationScope: scope });
    const group = new ErrGroup();
    let peerAborted = false;
    const failure = PipeError.from("bad record");
    group.go(context, async (child, signal) => {
      child.registerCompensation(() => {});
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      peerAborted = true;
      return err(PipeError.canceled());
    });
    group.go(context, async (child) => {
      child.registerCompensation(() => {});
      await Promise.resolve();
      return err(failure);
    });
    const r = await group.wait();
    expect(r.error).toBe(failure);
    expect(peerAborted).toBe(true);
    expect(scope.size).toBe(2);
  });
});
