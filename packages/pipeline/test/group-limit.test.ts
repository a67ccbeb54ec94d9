import { describe, expect, it } from "vitest";
import {
  CompensationScope,
  ErrGroup,
  err,
  ok,
  PipeError,
  type Result,
  ResultPipelineStepContext,
  WaitGroup,
} from "../src/index.ts";

describe("WaitGroup / ErrGroup limit with go(context, work)", () => {
  it("starts pipeline work in the order of go, at most limit at once, each with its own child context", async () => {
    const scope = new CompensationScope();
    const context = new ResultPipelineStepContext({ stepName: "batch", compensationScope: scope });
    const wg = new WaitGroup({ limit: 2 });
    const started: string[] = [];
    const release: (() => void)[] = [];
    let running = 0;
    let most = 0;
    for (const name of ["a", "b", "c", "d"]) {
      wg.go(
        context,
        (child) => {
          started.push(child.stepName);
          running++;
          most = Math.max(most, running);
          child.registerCompensation(() => {});
          return new Promise<Result<void>>((resolve) => {
            release.push(() => {
              running--;
              resolve(ok());
            });
          });
        },
        { stepName: name },
      );
    }
    expect(started).toEqual(["a", "b"]);
    expect(wg.count).toBe(4);
    for (let i = 0; i < 4; i++) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await wg.wait()).isOk).toBe(true);
    expect(started).toEqual(["a", "b", "c", "d"]);
    expect(most).toBe(2);
    expect(scope.size).toBe(4);
  });

  it("ErrGroup: pipeline work queued when the first failure aborts the group never starts", async () => {
    const context = new ResultPipelineStepContext({ stepName: "batch" });
    const group = new ErrGroup({ limit: 1 });
    const started: number[] = [];
    const boom = PipeError.from("boom");
    for (let i = 0; i < 3; i++) {
      group.go(context, async () => {
        started.push(i);
        return i === 0 ? err(boom) : ok();
      });
    }
    const r = await group.wait();
    expect(started).toEqual([0]);
    expect(r.error).toBe(boom);
    expect(group.count).toBe(0);
  });
});
