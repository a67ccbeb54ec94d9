import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  VirtualTimeProvider,
} from "../src/index.ts";

const context = () =>
  new ResultPipelineStepContext({ stepName: "t", timeProvider: new VirtualTimeProvider() });

describe("fixed mismatches of the original (channel adapters)", () => {
  it("fanOut: a later call-site abort still reaches the background broadcast (original disposed its link)", async () => {
    const controller = new AbortController();
    const source = Channel.createUnbounded<number>();
    const [branch] = ResultPipelineChannels.fanOut(context(), source.reader, {
      branchCount: 1,
      signal: controller.signal,
    });
    source.writer.tryWrite(1);
    await Promise.resolve();
    controller.abort("later");
    const reader = branch as ChannelReader<number>;
    expect(reader.tryRead()).toBe(1);
    await expect(reader.completion).rejects.toBeDefined();
  });

  it("fanOut with completeBranches: false still completes the branches with the error (original lost it)", async () => {
    const source = Channel.createUnbounded<number>();
    source.writer.complete(new Error("source died"));
    const branches = ResultPipelineChannels.fanOut(context(), source.reader, {
      branchCount: 2,
      completeBranches: false,
    });
    for (const b of branches) await expect(b.completion).rejects.toBeDefined();
  });

  it("window: a faulted source completes the output with the error (original never completed it)", async () => {
    const source = Channel.createUnbounded<number>();
    source.writer.tryWrite(1);
    source.writer.complete(new Error("feed broke"));
    const stream = ResultPipelineChannels.window(context(), source.reader, { size: 10 });
    const done = await stream.done;
    expect(done.isErr).toBe(true);
    const batches: number[][] = [];
    let failed = false;
    try {
      for await (const b of stream.reader) batches.push(b);
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
  });
});
