import { describe, expect, it } from "vitest";
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  delay,
  ok,
  PipeError,
  type PipelineFanInHandler,
  Result,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  VirtualTimeProvider,
} from "../src/index.ts";

function feed<T>(values: readonly T[]): ChannelReader<T> {
  const { reader, writer } = Channel.createUnbounded<T>();
  for (const v of values) writer.tryWrite(v);
  writer.complete();
  return reader;
}

function setup() {
  const scope = new CompensationScope();
  const timeProvider = new VirtualTimeProvider();
  const context = new ResultPipelineStepContext({
    stepName: "ingest",
    compensationScope: scope,
    timeProvider,
  });
  return { scope, context, timeProvider };
}

describe("fanIn passes the message context to every handler", () => {
  const shapes: [string, (seen: unknown[]) => PipelineFanInHandler<number>][] = [
    [
      "rest parameters",
      (seen) =>
        (...args: [number, AbortSignal, ResultPipelineStepContext]) => {
          seen.push(args[2]);
          return ok();
        },
    ],
    [
      "a default for the context",
      (seen) =>
        (_v: number, _s: AbortSignal, context: ResultPipelineStepContext | undefined = undefined) => {
          seen.push(context);
          return ok();
        },
    ],
    [
      "a wrapping function",
      (seen) => {
        const inner: PipelineFanInHandler<number> = (_v, _s, context) => {
          seen.push(context);
          return ok();
        };
        const wrap =
          (fn: PipelineFanInHandler<number>) =>
          (...args: Parameters<PipelineFanInHandler<number>>) =>
            fn(...args);
        return wrap(inner);
      },
    ],
    [
      "a bound two-parameter function reading arguments",
      (seen) =>
        function (this: unknown, _v: number, _s: AbortSignal) {
          // biome-ignore lint/complexity/noArguments: the point is a handler that declares two parameters
          seen.push(arguments[2]);
          return ok();
        }.bind(undefined),
    ],
  ];

  for (const [name, make] of shapes) {
    it(`with ${name}`, async () => {
      const { context } = setup();
      const seen: unknown[] = [];
      const r = await ResultPipelineChannels.fanIn(context, [feed([1, 2, 3])], make(seen), {
        concurrency: 2,
      });
      expect(r.isOk).toBe(true);
      expect(seen).toHaveLength(3);
      for (const c of seen) {
        expect(c).toBeInstanceOf(ResultPipelineStepContext);
        expect((c as ResultPipelineStepContext).parent).toBe(context);
      }
      expect(new Set(seen).size).toBe(3);
    });
  }

  it("a registration on the message context of a rest-parameter handler is rolled back with its failed message", async () => {
    const { scope, context } = setup();
    const undone: number[] = [];
    const r = await ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2])],
      (...args: [number, AbortSignal, ResultPipelineStepContext]) => {
        const [v, , message] = args;
        message.registerCompensation(v, (n) => void undone.push(n));
        return v === 2 ? Result.fail(PipeError.from("bad")) : ok();
      },
      { retain: "message" },
    );
    expect(r.isErr).toBe(true);
    await Result.runCompensation(undefined, scope);
    expect(undone).toEqual([2]);
  });
});

describe("fanIn messageTimeout", () => {
  it("fails the fan-in with error.timeout even when the handler returns Ok after its signal timed out", async () => {
    const { scope, context, timeProvider } = setup();
    const handled: number[] = [];
    const undone: number[] = [];
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2, 3])],
      async (v, signal) => {
        handled.push(v);
        context.registerCompensation(v, (n) => void undone.push(n));
        // delay() returns a canceled Result on abort instead of throwing; the handler ignores it.
        if (v === 1) await delay(5_000, { timeProvider, signal });
        return ok();
      },
      { messageTimeout: 100, retain: "message" },
    );
    await timeProvider.advance(100);
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    // The fan-in stopped at the timeout: no later message was read.
    expect(handled).toEqual([1]);
    // The timed-out message's compensation stays staged for the caller's rollback.
    await Result.runCompensation(undefined, scope);
    expect(undone).toEqual([1]);
    expect(timeProvider.pendingTimers).toBe(0);
  });

  it("a timed-out message among several in flight: the fan-in fails with error.timeout and rolls back what had not succeeded", async () => {
    const { scope, context, timeProvider } = setup();
    const undone: number[] = [];
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2, 3, 4])],
      async (v, signal, message) => {
        message.registerCompensation(v, (n) => void undone.push(n));
        await delay(v === 2 ? 1_000 : 10 * v, { timeProvider, signal });
        return ok();
      },
      { messageTimeout: 50, concurrency: 2, retain: "message" },
    );
    await timeProvider.runAll();
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    await Result.runCompensation(undefined, scope);
    expect(undone).toContain(2);
    expect(undone).not.toContain(1);
  });

  it("a handler that finishes in time is not affected", async () => {
    const { context, timeProvider } = setup();
    const pending = ResultPipelineChannels.fanIn(
      context,
      [feed([1, 2])],
      async (_v, signal) => {
        await delay(10, { timeProvider, signal });
        return ok();
      },
      { messageTimeout: 100 },
    );
    await timeProvider.runAll();
    expect((await pending).isOk).toBe(true);
  });
});

describe("fanIn / merge / mergeWithStrategy accept any iterable of readers", () => {
  function* generate(...readers: ChannelReader<number>[]): Generator<ChannelReader<number>> {
    yield* readers;
  }

  it("fanIn drains a Set and a generator", async () => {
    const { context } = setup();
    const seen: number[] = [];
    const handler = (v: number) => {
      seen.push(v);
      return ok();
    };
    expect((await ResultPipelineChannels.fanIn(context, new Set([feed([1]), feed([2])]), handler)).isOk).toBe(
      true,
    );
    expect((await ResultPipelineChannels.fanIn(context, generate(feed([3]), feed([4])), handler)).isOk).toBe(
      true,
    );
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });

  it("merge and mergeWithStrategy take a Set and a generator", async () => {
    const { context } = setup();
    const out = Channel.createUnbounded<number>();
    const r1 = await ResultPipelineChannels.merge(context, new Set([feed([1]), feed([2])]), out.writer, {
      completeDestination: false,
    });
    const r2 = await ResultPipelineChannels.mergeWithStrategy(
      context,
      generate(feed([3]), feed([4])),
      out.writer,
      (readers) => (readers.length === 2 ? 0 : -1),
    );
    expect(r1.isOk && r2.isOk).toBe(true);
    const got: number[] = [];
    for await (const v of out.reader) got.push(v);
    expect(got.sort()).toEqual([1, 2, 3, 4]);
  });

  it("a non-iterable, or an element that is not a reader, throws a TypeError at the call saying what was expected", () => {
    const { context } = setup();
    const out = Channel.createUnbounded<number>();
    const bad: unknown[] = [undefined, null, 42, "readers", { length: 1 }];
    for (const readers of bad) {
      const args = readers as Iterable<ChannelReader<number>>;
      expect(() => ResultPipelineChannels.fanIn(context, args, () => ok())).toThrow(
        /fanIn: readers must be an iterable of ChannelReader/,
      );
      expect(() => ResultPipelineChannels.merge(context, args, out.writer)).toThrow(
        /merge: readers must be an iterable of ChannelReader/,
      );
      expect(() => ResultPipelineChannels.mergeWithStrategy(context, args, out.writer, () => 0)).toThrow(
        /mergeWithStrategy: readers must be an iterable of ChannelReader/,
      );
    }
    const notReaders = new Set([feed([1]), { tryRead: 1 }]) as unknown as Iterable<ChannelReader<number>>;
    expect(() => ResultPipelineChannels.fanIn(context, notReaders, () => ok())).toThrow(
      /fanIn: readers\[1\] must be a ChannelReader/,
    );
    expect(() => ResultPipelineChannels.merge(context, notReaders, out.writer)).toThrow(TypeError);
  });
});
