import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  delay,
  err,
  ok,
  PipeError,
  Result,
  ResultExecutionPolicy,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  ResultPipelineTimers,
  SelectCase,
  VirtualTimeProvider,
} from "../src/index.ts";

function feed<T>(values: readonly T[], complete: boolean | Error = true): ChannelReader<T> {
  const { reader, writer } = Channel.createUnbounded<T>();
  for (const v of values) writer.tryWrite(v);
  if (complete === true) writer.complete();
  else if (complete instanceof Error) writer.complete(complete);
  return reader;
}

function setup(timeProvider = new VirtualTimeProvider(), signal?: AbortSignal) {
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({
    stepName: "ingest",
    compensationScope: scope,
    timeProvider,
    ...(signal === undefined ? {} : { signal }),
  });
  return { scope, context, timeProvider };
}

describe("ResultPipelineChannels.fanIn", () => {
  it("drains every reader, one handler at a time by default, and clears staged compensations on success", async () => {
    const { scope, context } = setup();
    const seen: number[] = [];
    let active = 0;
    let peak = 0;
    const r = await ResultPipelineChannels.fanIn(context, [feed([1, 2, 3]), feed([10, 20])], async (v) => {
      active++;
      peak = Math.max(peak, active);
      context.registerCompensation(v, () => {});
      await Promise.resolve();
      active--;
      seen.push(v);
      return ok();
    });
    expect(r.isOk).toBe(true);
    expect(peak).toBe(1);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20]);
    expect(scope.hasActions).toBe(false);
  });

  it("keeps compensations registered before the fan-in", async () => {
    const { scope, context } = setup();
    context.registerCompensation(() => {});
    const r = await ResultPipelineChannels.fanIn(context, [feed([1])], (v) => {
      context.registerCompensation(v, () => {});
      return ok();
    });
    expect(r.isOk).toBe(true);
    expect(scope.size).toBe(1);
  });

  it("the first failure stops the fan-in and leaves the staged compensations for one rollback", async () => {
    const { scope, context } = setup();
    const undone: number[] = [];
    const handled: number[] = [];
    const r = await ResultPipelineChannels.fanIn(context, [feed([1, 2, 3, 4, 5])], (v) => {
      handled.push(v);
      context.registerCompensation(v, (n) => void undone.push(n));
      return v === 3 ? err(PipeError.from("poison", "ingest.poison")) : ok();
    });
    expect(r.error?.code).toBe("ingest.poison");
    expect(handled).toEqual([1, 2, 3]);
    await Result.runCompensation(ResultExecutionPolicy.none, scope);
    expect(undone).toEqual([3, 2, 1]);
  });

  it("absorbs compensations attached to the handler's Result", async () => {
    const { scope, context } = setup();
    const undone: number[] = [];
    const r = await ResultPipelineChannels.fanIn(context, [feed([1, 2])], (v) =>
      v === 2
        ? err(PipeError.from("x")).withCompensation(() => void undone.push(v))
        : ok().withCompensation(() => void undone.push(v)),
    );
    expect(r.isErr).toBe(true);
    await Result.runCompensation(undefined, scope);
    expect(undone).toEqual([2, 1]);
  });

  it("runs up to `concurrency` handlers at once", async () => {
    const { context, timeProvider } = setup();
    let active = 0;
    let peak = 0;
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2, 3, 4, 5, 6, 7, 8]), feed([9, 10])],
      async (_v, signal) => {
        active++;
        peak = Math.max(peak, active);
        await ResultPipelineTimers.delay(context, 10, { signal });
        active--;
        return ok();
      },
      { concurrency: 4 },
    );
    await timeProvider.runAll();
    expect((await pending).isOk).toBe(true);
    expect(peak).toBe(4);
  });

  it("retain 'message' releases each message's compensations once it succeeded", async () => {
    const { scope, context } = setup();
    const sizes: number[] = [];
    const undone: number[] = [];
    const r = await ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2, 3, 4])],
      (v) => {
        sizes.push(scope.size);
        context.registerCompensation(v, (n) => void undone.push(n));
        context.registerCompensation(v, (n) => void undone.push(n * 10));
        return v === 4 ? err(PipeError.from("bad")) : ok();
      },
      { retain: "message" },
    );
    expect(sizes).toEqual([0, 0, 0, 0]);
    expect(r.isErr).toBe(true);
    await Result.runCompensation(undefined, scope);
    expect(undone).toEqual([40, 4]);
  });

  it("retain 'message' with overlapping handlers: each message's context is released on success (flat scope) and a failure rolls back only unfinished messages", async () => {
    const { scope, context, timeProvider } = setup();
    const values = Array.from({ length: 400 }, (_, i) => i);
    const undone: number[] = [];
    let maxStaged = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed(values)],
      async (v, signal, message) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        message.registerCompensation(v, (n) => void undone.push(n));
        maxStaged = Math.max(maxStaged, scope.size);
        // Durations 1..7 ms so that handlers overlap continuously (never all idle at once).
        await delay(1 + (v % 7), { timeProvider, signal });
        inFlight -= 1;
        return v === 300 ? err(PipeError.from("poison")) : ok();
      },
      { concurrency: 8, retain: "message" },
    );
    await timeProvider.runAll();
    const r = await pending;
    expect(r.isErr && r.error.message).toBe("poison");
    expect(maxInFlight).toBe(8);
    // Successful messages were released as they finished: nothing accumulated in the shared scope.
    expect(maxStaged).toBe(0);
    await Result.runCompensation(undefined, scope);
    // Rolled back: the poison message and the ones still in flight when it failed; never a finished one.
    expect(undone).toContain(300);
    expect(undone.length).toBeGreaterThanOrEqual(1);
    expect(undone.length).toBeLessThanOrEqual(8);
    for (const n of undone) expect(n).toBeGreaterThanOrEqual(300 - 8);
    expect(scope.hasActions).toBe(false);
  });

  it("retain 'message' releases shared-context registrations when no handler is in flight", async () => {
    const { scope, context, timeProvider } = setup();
    const { reader, writer } = Channel.createUnbounded<number>();
    const sizes: number[] = [];
    const pending = ResultPipelineChannels.fanIn(
      context,
      [reader],
      async (v, signal) => {
        sizes.push(scope.size);
        context.registerCompensation(() => {});
        await delay(v, { timeProvider, signal });
        return ok();
      },
      { concurrency: 2, retain: "message" },
    );
    // Two overlapping handlers, then a quiet moment, then two more.
    writer.tryWrite(1);
    writer.tryWrite(3);
    await timeProvider.runAll();
    const afterFirstBatch = scope.size;
    writer.tryWrite(1);
    writer.tryWrite(1);
    writer.complete();
    await timeProvider.runAll();
    expect((await pending).isOk).toBe(true);
    // While both ran, the first one's registration could not be attributed, so it was kept; once neither
    // ran, everything was released.
    expect(sizes).toEqual([0, 1, 0, 1]);
    expect(afterFirstBatch).toBe(0);
    expect(scope.hasActions).toBe(false);
  });

  it("a faulted source is error.exception with the fault as cause (the original threw)", async () => {
    const { context } = setup();
    const fault = new Error("broker died");
    const r = await ResultPipelineChannels.fanIn(context, [feed([1], fault)], () => ok());
    expect(r.error?.code).toBe("error.exception");
    expect(r.error?.cause).toBe(fault);
  });

  it("timeout is one deadline for the whole fan-in on the context's clock", async () => {
    const { context, timeProvider } = setup();
    const { reader, writer } = Channel.createUnbounded<number>();
    const pending = ResultPipelineChannels.fanIn(context, [reader], () => ok(), { timeout: 1000 });
    writer.tryWrite(1);
    await timeProvider.advance(999);
    writer.tryWrite(2);
    await timeProvider.advance(1);
    const r = await pending;
    expect(r.error?.code).toBe("error.timeout");
    expect(timeProvider.pendingTimers).toBe(0);
  });

  it("messageTimeout bounds one handler: its signal aborts and the fan-in fails with error.timeout", async () => {
    const { context, timeProvider } = setup();
    let aborted = false;
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed([1])],
      async (_v, signal) => {
        const r = await ResultPipelineTimers.delay(context, 5000, { signal });
        aborted = signal.aborted;
        return r;
      },
      { messageTimeout: 100 },
    );
    await timeProvider.advance(100);
    const r = await pending;
    expect(r.error?.code).toBe("error.timeout");
    expect(aborted).toBe(true);
  });

  it("abort gives error.canceled (never Ok), keeps staged compensations, and a pre-aborted call reads nothing", async () => {
    const controller = new AbortController();
    const { scope, context } = setup(new VirtualTimeProvider(), controller.signal);
    const { reader, writer } = Channel.createUnbounded<number>();
    writer.tryWrite(1);
    const pending = ResultPipelineChannels.fanIn(context, [reader], (v) => {
      context.registerCompensation(v, () => {});
      return ok();
    });
    await Promise.resolve();
    controller.abort("shutdown");
    const r = await pending;
    expect(r.error?.code).toBe("error.canceled");
    expect(scope.size).toBe(1);
    writer.tryWrite(2);
    const again = await ResultPipelineChannels.fanIn(context, [reader], () => ok());
    expect(again.error?.code).toBe("error.canceled");
    expect(reader.count).toBe(1);
  });

  it("a handler that throws gives error.exception; bad options throw synchronously", async () => {
    const { context } = setup();
    const r = await ResultPipelineChannels.fanIn(context, [feed([1])], () => {
      throw new Error("decode failed");
    });
    expect(r.error?.code).toBe("error.exception");
    expect(() => ResultPipelineChannels.fanIn(context, [], () => ok(), { concurrency: 0 })).toThrow(
      RangeError,
    );
    expect(() => ResultPipelineChannels.fanIn(context, [], () => ok(), { retain: "x" as never })).toThrow(
      TypeError,
    );
  });

  it("no readers is Ok at once", async () => {
    const { context } = setup();
    expect((await ResultPipelineChannels.fanIn(context, [], () => ok())).isOk).toBe(true);
  });
});

describe("ResultPipelineChannels.merge / mergeWithStrategy / broadcast / fanOut", () => {
  it("merge copies every value and completes the destination", async () => {
    const { context } = setup();
    const out = Channel.createUnbounded<number>();
    const r = await ResultPipelineChannels.merge(context, [feed([1, 2]), feed([3])], out.writer);
    expect(r.isOk).toBe(true);
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    expect(got.sort()).toEqual([1, 2, 3]);
  });

  it("merge of a faulted source fails and completes the destination with the error", async () => {
    const { context } = setup();
    const out = Channel.createUnbounded<number>();
    const r = await ResultPipelineChannels.merge(context, [feed([1], new Error("bad feed"))], out.writer);
    expect(r.error?.code).toBe("error.exception");
    expect(out.reader.tryRead()).toBe(1);
    await expect(out.reader.completion).rejects.toBeDefined();
  });

  it("merge returns error.canceled on abort", async () => {
    const controller = new AbortController();
    const { context } = setup(new VirtualTimeProvider(), controller.signal);
    const source = Channel.createUnbounded<number>();
    const out = Channel.createUnbounded<number>();
    const pending = ResultPipelineChannels.merge(context, [source.reader], out.writer);
    controller.abort();
    expect((await pending).error?.code).toBe("error.canceled");
  });

  it("mergeWithStrategy follows the strategy, returns canceled on abort and surfaces faults", async () => {
    const { context } = setup();
    const out = Channel.createUnbounded<number>();
    const r = await ResultPipelineChannels.mergeWithStrategy(
      context,
      [feed([1, 2]), feed([3, 4])],
      out.writer,
      () => 1,
    );
    expect(r.isOk).toBe(true);
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    expect(got).toEqual([3, 4, 1, 2]);

    const faulted = await ResultPipelineChannels.mergeWithStrategy(
      context,
      [feed([1], new Error("fault"))],
      Channel.createUnbounded<number>().writer,
      () => 0,
    );
    expect(faulted.error?.code).toBe("error.exception");

    const controller = new AbortController();
    const { context: c2 } = setup(new VirtualTimeProvider(), controller.signal);
    const open = Channel.createUnbounded<number>();
    let calls = 0;
    const pending = ResultPipelineChannels.mergeWithStrategy(
      c2,
      [open.reader],
      Channel.createUnbounded<number>().writer,
      () => {
        calls++;
        if (calls === 2) controller.abort();
        return 0;
      },
    );
    open.writer.tryWrite(1);
    expect((await pending).error?.code).toBe("error.canceled");
  });

  it("broadcast sends every value to every destination", async () => {
    const { context } = setup();
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const r = await ResultPipelineChannels.broadcast(context, feed([1, 2]), [a.writer, b.writer]);
    expect(r.isOk).toBe(true);
    expect([a.reader.count, b.reader.count]).toEqual([2, 2]);
  });

  it("fanOut returns branch readers fed in the background; a faulted source reaches every branch", async () => {
    const { context, scope } = setup();
    const branches = ResultPipelineChannels.fanOut(context, feed(["x", "y"]), {
      branchCount: 3,
      completeBranches: true,
      channelFactory: () =>
        Channel.createBounded<string>({ capacity: 10, singleReader: true, fullMode: "wait" }),
    });
    expect(branches).toHaveLength(3);
    expect(scope.size).toBe(1);
    for (const reader of branches) {
      const got: string[] = [];
      for await (const v of reader) got.push(v);
      expect(got).toEqual(["x", "y"]);
    }
    const faulty = ResultPipelineChannels.fanOut(context, feed([1], new Error("gone")), { branchCount: 2 });
    for (const reader of faulty) {
      expect(reader.tryRead()).toBe(1);
      await expect(reader.completion).rejects.toBeDefined();
    }
    expect(() => ResultPipelineChannels.fanOut(context, feed([]), { branchCount: 0 })).toThrow(RangeError);
  });

  it("rolling back the stage stops the background fan-out", async () => {
    const { context, scope } = setup();
    const source = Channel.createUnbounded<number>();
    const [branch] = ResultPipelineChannels.fanOut(context, source.reader, { branchCount: 1 });
    await Result.runCompensation(undefined, scope);
    await expect((branch as ChannelReader<number>).completion).rejects.toBeDefined();
  });
});

describe("ResultPipelineChannels.select / window / keyedFanOut", () => {
  it("select absorbs the chosen case's compensations into the context", async () => {
    const { context, scope } = setup();
    const r = await ResultPipelineChannels.select(context, [
      SelectCase.read(feed([5]), (v: number) => ok(v * 2).withCompensation(() => {})),
    ]);
    expect(r.value).toBe(10);
    expect(r.compensations.length).toBe(0);
    expect(scope.size).toBe(1);
  });

  it("select returns error.canceled on abort", async () => {
    const controller = new AbortController();
    const { context } = setup(new VirtualTimeProvider(), controller.signal);
    const open = Channel.createUnbounded<number>();
    const pending = ResultPipelineChannels.select(context, [
      SelectCase.read(open.reader, (v: number) => ok(v)),
    ]);
    controller.abort();
    expect((await pending).error?.code).toBe("error.canceled");
  });

  it("window batches on the context's clock", async () => {
    const { context, timeProvider } = setup();
    const source = Channel.createUnbounded<number>();
    const stream = ResultPipelineChannels.window(context, source.reader, { size: 2, intervalMs: 100 });
    source.writer.tryWrite(1);
    source.writer.tryWrite(2);
    source.writer.tryWrite(3);
    await timeProvider.advance(100);
    source.writer.complete();
    const batches: number[][] = [];
    for await (const b of stream.reader) batches.push(b);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("keyedFanOut routes by key", async () => {
    const { context } = setup();
    const a = Channel.createUnbounded<string>();
    const b = Channel.createUnbounded<string>();
    const handle = ResultPipelineChannels.keyedFanOut(
      context,
      feed(["a1", "b1", "a2"]),
      (v) => v[0] as string,
      {
        branches: [
          ["a", a.writer],
          ["b", b.writer],
        ],
      },
    );
    expect((await handle.done).isOk).toBe(true);
    expect([a.reader.count, b.reader.count]).toEqual([2, 1]);
  });
});

describe("ResultPipelineTimers", () => {
  it("delay/after resolve on the context's clock and give error.canceled on abort", async () => {
    const controller = new AbortController();
    const { context, timeProvider } = setup(new VirtualTimeProvider(), controller.signal);
    const after = ResultPipelineTimers.after(context, 50);
    await timeProvider.advance(50);
    expect((await after).value).toBe(50);
    const d = ResultPipelineTimers.delay(context, 50);
    controller.abort();
    expect((await d).error?.code).toBe("error.canceled");
    expect((await ResultPipelineTimers.after(context, 5)).error?.code).toBe("error.canceled");
  });

  it("ticker registers a compensation that stops it", async () => {
    const { context, scope, timeProvider } = setup();
    const t = ResultPipelineTimers.ticker(context, 10);
    expect(scope.size).toBe(1);
    await timeProvider.advance(10);
    expect(t.reader.tryRead()).toBe(10);
    await Result.runCompensation(undefined, scope);
    expect(timeProvider.pendingTimers).toBe(0);
    const reader = ResultPipelineTimers.tick(context, 5);
    expect(typeof reader.tryRead).toBe("function");
  });
});

describe("ResultPipelineChannels.merge / mergeWithStrategy on a full destination", () => {
  it("merge timeout fires with error.timeout while waiting for room on a full destination", async () => {
    const { context, timeProvider } = setup();
    const out = Channel.createBounded<number>(1);
    const source = feed([1, 2]);
    const pending = ResultPipelineChannels.merge(context, [source], out.writer, {
      timeout: 50,
      completeDestination: false,
    });
    await timeProvider.advance(50);
    const r = await pending;
    expect(r.error?.code).toBe("error.timeout");
    expect(out.reader.tryRead()).toBe(1);
    expect(source.tryRead()).toBe(2);
    expect(timeProvider.pendingTimers).toBe(0);
  });

  it("mergeWithStrategy abort while the destination is full leaves the value in its source", async () => {
    const controller = new AbortController();
    const { context } = setup(new VirtualTimeProvider(), controller.signal);
    const source = Channel.createUnbounded<number>();
    for (const v of [1, 2, 3]) source.writer.tryWrite(v);
    const out = Channel.createBounded<number>(1);
    const pending = ResultPipelineChannels.mergeWithStrategy(context, [source.reader], out.writer, () => 0, {
      completeDestination: false,
    });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    controller.abort();
    expect((await pending).error?.code).toBe("error.canceled");
    expect(out.reader.tryRead()).toBe(1);
    expect([source.reader.tryRead(), source.reader.tryRead()]).toEqual([2, 3]);
  });
});
