/**
 * Seed 000 (shard fan-out + merge, compensations across boundaries) on a small shard set:
 * `ResultPipeline.fanOut` per shard, `ResultPipelineChannels.merge` of the worker outputs. No Promise.all /
 * Promise.race anywhere in the flow.
 */
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  err,
  ok,
  PipeError,
  Result,
  ResultExecutionPolicy,
  ResultPipeline,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  ResultPipelineTimers,
  ResultRetryPolicy,
  VirtualTimeProvider,
} from "@pipe/pipeline";
import { describe, expect, it } from "../../src/harness.ts";

interface Diff {
  readonly shard: string;
  readonly moves: number;
}

function control(shards: readonly string[], assignments: ReadonlyMap<string, string>, slowShard?: string) {
  const timeProvider = new VirtualTimeProvider();
  const scope = new CompensationScope();
  const controller = new AbortController();
  const context = new ResultPipelineStepContext({
    stepName: "shards.reconcile",
    compensationScope: scope,
    timeProvider,
    signal: controller.signal,
  });
  const reconciled = new Set<string>();
  const cleanups: string[] = [];
  const undone: string[] = [];
  const queues: ChannelReader<Diff>[] = [];
  const policy = ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.exponential(3, 25, 2, 500));

  const operations = shards.map((shard) => async (ctx: ResultPipelineStepContext, signal: AbortSignal) => {
    const queue = Channel.createBounded<Diff>({
      capacity: 4,
      singleReader: true,
      singleWriter: true,
      fullMode: "wait",
    });
    queues.push(queue.reader);
    ctx.registerCompensation(shard, (s) => void cleanups.push(`queue:${s}`));
    if (shard === slowShard) {
      const slept = await ResultPipelineTimers.delay(ctx, 1_000, { signal });
      if (slept.isErr) {
        queue.writer.tryComplete(slept.error);
        return err<Diff>(slept.error);
      }
    }
    const owner = assignments.get(shard);
    if (owner === undefined) {
      queue.writer.tryComplete();
      return err<Diff>(
        PipeError.from(`Unknown assignment for ${shard}.`, "shards.control.assignment.missing", {
          metadata: { shard },
        }),
      );
    }
    await Promise.resolve();
    reconciled.add(shard);
    ctx.registerCompensation(shard, (s) => {
      reconciled.delete(s);
      undone.push(s);
    });
    const diff: Diff = { shard, moves: owner.length };
    queue.writer.tryWrite(diff);
    queue.writer.tryComplete();
    return ok(diff);
  });

  return {
    timeProvider,
    scope,
    controller,
    context,
    reconciled,
    cleanups,
    undone,
    queues,
    operations,
    policy,
  };
}

describe("pipeline seed 000: shard fan-out + merge with compensations across boundaries", () => {
  const shards = ["s0", "s1", "s2", "s3"];
  const all = new Map(shards.map((s) => [s, `node-${s}`]));

  it("fans out per shard, merges the worker outputs, and keeps compensations for a later stage", async () => {
    const c = control(shards, all);
    const fanned = await ResultPipeline.fanOut(c.operations, {
      policy: c.policy,
      timeProvider: c.timeProvider,
      signal: c.context.signal,
      context: c.context,
    });
    expect(fanned.isOk).toBe(true);
    expect(fanned.value?.map((d) => d.shard)).toEqual(shards);
    const merged = Channel.createUnbounded<Diff>();
    const mergeResult = await ResultPipelineChannels.merge(c.context, c.queues, merged.writer, {
      completeDestination: true,
    });
    expect(mergeResult.isOk).toBe(true);
    const diffs: string[] = [];
    for await (const d of merged.reader) diffs.push(d.shard);
    expect(diffs.sort()).toEqual(shards);
    // A later stage fails: the scope still rolls back every shard (the original discarded them on success).
    expect(c.scope.size).toBe(8);
    await Result.runCompensation(c.policy, c.scope);
    expect(c.reconciled.size).toBe(0);
    expect(c.cleanups).toHaveLength(4);
  });

  it("one shard fails, the others succeed; their compensations and every cleanup run", async () => {
    const partial = new Map(all);
    partial.delete("s2");
    const c = control(shards, partial);
    const pending = ResultPipeline.fanOut(c.operations, {
      policy: c.policy,
      timeProvider: c.timeProvider,
      context: c.context,
    });
    await c.timeProvider.runAll(); // the failing shard is retried (25 ms, then 50 ms back-off)
    const fanned = await pending;
    expect(fanned.isErr).toBe(true);
    expect(fanned.error?.code).toBe("shards.control.assignment.missing");
    expect(c.undone.sort()).toEqual(["s0", "s1", "s3"]);
    // s2 was tried three times; each attempt's cleanup ran (failed attempts before the next retry).
    expect(c.cleanups.sort()).toEqual([
      "queue:s0",
      "queue:s1",
      "queue:s2",
      "queue:s2",
      "queue:s2",
      "queue:s3",
    ]);
    expect(c.reconciled.size).toBe(0);
    expect(c.scope.hasActions).toBe(false);
  });

  it("an abort mid-way gives error.canceled and still runs the cleanups", async () => {
    const c = control(shards, all, "s3");
    const pending = ResultPipeline.fanOut(c.operations, {
      timeProvider: c.timeProvider,
      signal: c.context.signal,
      context: c.context,
    });
    await c.timeProvider.advance(10);
    c.controller.abort("operator stop");
    const fanned = await pending;
    expect(fanned.error?.code).toBe("error.canceled");
    expect(c.cleanups.sort()).toEqual(["queue:s0", "queue:s1", "queue:s2", "queue:s3"]);
    expect(c.undone.sort()).toEqual(["s0", "s1", "s2"]);
    const merged = Channel.createUnbounded<Diff>();
    const mergeResult = await ResultPipelineChannels.merge(c.context, c.queues, merged.writer);
    expect(mergeResult.error?.code).toBe("error.canceled");
  });

  it("the flow source uses no Promise.all / Promise.race", async () => {
    const source = control.toString();
    expect(source.includes("Promise.all")).toBe(false);
    expect(source.includes("Promise.race")).toBe(false);
  });
});
