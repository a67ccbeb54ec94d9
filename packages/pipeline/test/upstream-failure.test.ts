/**
 * Issue 14 item 7: a failed `waitGroup.go(context, ...)` work fails its context (seed 002's "upstream failure"),
 * which stops the fan-out and the peers; `wait()` reports that work's error; the plain WaitGroup keeps Go's
 * semantics.
 */
import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  ErrGroup,
  err,
  ok,
  PipeError,
  Result,
  ResultPipeline,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  WaitGroup,
} from "../src/index.ts";

/** A deadlock guard (real time): wait() fails with error.timeout instead of hanging the test. */
const GUARD = { timeout: 20_000 } as const;

describe("a failed waitGroup.go(context, ...) work is an upstream failure", () => {
  it("seed 002 with a feed larger than a branch: the fan-out and the peers stop, wait() gives the tenant's error", async () => {
    const scope = new CompensationScope();
    const user = new AbortController();
    const context = new ResultPipelineStepContext("ingress.tenants", scope, undefined, user.signal);
    const ingress = Channel.createUnbounded<number>();
    for (let i = 0; i < 100; i++) ingress.writer.tryWrite(i);
    ingress.writer.tryComplete();
    const readers = ResultPipelineChannels.fanOut(context, ingress.reader, {
      branchCount: 3,
      channelFactory: () => Channel.createBounded<number>({ capacity: 2, fullMode: "wait" }),
    });
    const failure = PipeError.from("tenant b rejected 3", "app.rejected");
    const rollbacks: string[] = [];
    const registered: string[] = [];
    const processed = [0, 0, 0];
    const waitGroup = new WaitGroup();
    readers.forEach((reader: ChannelReader<number>, tenant) => {
      waitGroup.go(
        context,
        async (child, signal) => {
          for await (const n of reader.readAll({ signal })) {
            const r = await Result.tryAsync(async () => {
              if (tenant === 1 && n === 3) throw failure;
              registered.push(`${tenant}:${n}`);
              child.registerCompensation(() => void rollbacks.push(`${tenant}:${n}`));
            });
            if (r.isErr) return r;
            processed[tenant] = (processed[tenant] ?? 0) + 1;
          }
          return ok();
        },
        { stepName: `tenant[${tenant}]` },
      );
    });
    const waitResult = await waitGroup.wait(GUARD);
    expect(waitResult.isErr && waitResult.error).toBe(failure); // not error.timeout (deadlock), not error.canceled
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBe(failure);
    expect(user.signal.aborted).toBe(false); // the caller's signal is never touched
    for (const n of processed) expect(n).toBeLessThan(100);
    expect(rollbacks).toEqual([]);
    expect(await Result.runCompensation(undefined, scope)).toBeUndefined();
    expect(rollbacks).toEqual([...registered].reverse()); // every tenant's compensations, once, newest first
    expect(registered.filter((r) => r.startsWith("1:"))).toEqual(["1:0", "1:1", "1:2"]);
    expect(scope.hasActions).toBe(false);
  });

  it("later go() calls on a failed context report the upstream failure without running", async () => {
    const context = new ResultPipelineStepContext({ stepName: "s" });
    const group = new WaitGroup();
    const failure = PipeError.from("first");
    group.go(context, () => err(failure));
    let ran = false;
    group.go(context, () => {
      ran = true;
      return ok();
    });
    expect(ran).toBe(false);
    const r = await group.wait(GUARD);
    expect(r.isErr && r.error).toBe(failure);
  });

  it("independent failures that did not stop each other are aggregated; a work rethrowing the reason is deduplicated", async () => {
    const context = new ResultPipelineStepContext({ stepName: "s" });
    const group = new WaitGroup();
    const a = PipeError.from("a");
    const b = PipeError.from("b");
    group.go(context, () => err(a));
    const other = new ResultPipelineStepContext({ stepName: "t" });
    group.go(other, () => err(b));
    group.go(context, (_child, signal) => {
      signal.throwIfAborted(); // throws the reason: the upstream failure itself
      return ok();
    });
    const r = await group.wait(GUARD);
    expect(r.isErr && r.error.code).toBe("error.aggregate");
    expect(r.isErr && r.error.errors).toEqual([a, b]);
  });

  it("ErrGroup.go(context, ...) fails the context too; its wait() keeps the first failure", async () => {
    const context = new ResultPipelineStepContext({ stepName: "s" });
    const group = new ErrGroup();
    const failure = PipeError.from("boom");
    let peerSignal: AbortSignal | undefined;
    group.go(context, async (_child, signal) => {
      peerSignal = signal;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return err(PipeError.canceled(undefined, signal.reason));
    });
    group.go(context, async () => err(failure));
    const r = await group.wait(GUARD);
    expect(r.isErr && r.error).toBe(failure);
    expect(context.signal.reason).toBe(failure);
    expect(peerSignal?.aborted).toBe(true);
  });

  it("a caller's abort is not an upstream failure: the peers report error.canceled", async () => {
    const user = new AbortController();
    const context = new ResultPipelineStepContext({ stepName: "s", signal: user.signal });
    const group = new WaitGroup();
    group.go(context, async (_child, signal) => {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return err(PipeError.canceled(undefined, signal.reason));
    });
    user.abort("shutdown");
    const r = await group.wait(GUARD);
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(r.isErr && r.error.metadata.reason).toBe("shutdown");
  });

  it("the plain WaitGroup (no context) keeps Go's semantics: a failure stops nothing", async () => {
    const group = new WaitGroup();
    const failure = PipeError.from("x");
    let peer: AbortSignal | undefined;
    let abortedAfterFailure: boolean | undefined;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    group.go(async (signal) => {
      peer = signal;
      await gate;
      abortedAfterFailure = signal.aborted;
      return ok();
    });
    group.go(() => err(failure));
    await Promise.resolve();
    release();
    const r = await group.wait(GUARD);
    expect(r.isErr && r.error).toBe(failure);
    expect(abortedAfterFailure).toBe(false);
    expect(peer?.aborted).toBe(true); // only because its own work ended
  });

  it("the contexts orchestrators hand their operations adopt the orchestrator's signal (no controller per operation)", async () => {
    const caller = new AbortController();
    const viaFanOut = await ResultPipeline.fanOut(
      [
        (ctx: ResultPipelineStepContext) => ok(ctx.signal),
        (ctx: ResultPipelineStepContext) => ok(ctx.signal),
      ],
      { signal: caller.signal },
    );
    expect(viaFanOut.isOk && viaFanOut.value).toEqual([caller.signal, caller.signal]);
    const unsignalled = await Result.whenAll([
      (ctx: ResultPipelineStepContext) => ok(ctx.signal),
      (ctx: ResultPipelineStepContext) => ok(ctx.signal),
    ]);
    expect(unsignalled.isOk && unsignalled.value[0]).toBe(unsignalled.isOk && unsignalled.value[1]);
  });
});
