/**
 * Issue 14 item 8: the same thrown `AbortError` is `error.canceled` (reason in metadata) and a `TimeoutError` is
 * `error.timeout` at every entry point (the rule of `fromThrown`, which `Result.try` follows).
 */
import { describe, expect, it } from "vitest";
import {
  Channel,
  ResultPipelineChannels as Channels,
  fanIn,
  Result,
  ResultPipeline,
  ResultPipelineStepContext,
  SelectCase,
  select,
  WaitGroup,
} from "../src/index.ts";

type Entry = (thrown: unknown) => Promise<Result<unknown>> | Result<unknown>;

const throwing =
  (thrown: unknown) =>
  (..._args: unknown[]): never => {
    throw thrown;
  };

const rejecting =
  (thrown: unknown) =>
  async (..._args: unknown[]): Promise<never> => {
    throw thrown;
  };

const oneValue = () => {
  const c = Channel.createUnbounded<number>();
  c.writer.tryWrite(1);
  c.writer.tryComplete();
  return c.reader;
};

const entryPoints: [string, Entry][] = [
  ["Result.whenAll", (t) => Result.whenAll([rejecting(t)])],
  ["ResultPipeline.fanOut", (t) => ResultPipeline.fanOut([throwing(t)])],
  ["ResultPipeline.withTimeout", (t) => ResultPipeline.withTimeout(rejecting(t), 60_000)],
  ["ResultPipeline.retry", (t) => ResultPipeline.retry(throwing(t))],
  ["channels select continuation", (t) => select([SelectCase.read(oneValue(), throwing(t))])],
  ["channels fanIn handler", (t) => fanIn([oneValue()], rejecting(t))],
  [
    "channels WaitGroup.go",
    (t) => {
      const group = new WaitGroup();
      group.go(rejecting(t));
      return group.wait();
    },
  ],
  [
    "pipeline WaitGroup.go(context, ...)",
    (t) => {
      const group = new WaitGroup();
      group.go(new ResultPipelineStepContext({ stepName: "s" }), throwing(t));
      return group.wait();
    },
  ],
  [
    "ResultPipelineChannels.fanIn handler",
    (t) => Channels.fanIn(new ResultPipelineStepContext({ stepName: "s" }), [oneValue()], rejecting(t)),
  ],
];

describe("one rule for thrown aborts and timeouts", () => {
  for (const [name, run] of entryPoints) {
    it(`${name}: AbortError -> error.canceled, TimeoutError -> error.timeout, else error.exception`, async () => {
      const canceled = await run(new DOMException("stopped", "AbortError"));
      expect(canceled.isErr && canceled.error.code).toBe("error.canceled");
      expect(canceled.isErr && canceled.error.metadata.reason).toEqual({
        name: "AbortError",
        message: "stopped",
      });
      const timedOut = await run(new DOMException("too slow", "TimeoutError"));
      expect(timedOut.isErr && timedOut.error.code).toBe("error.timeout");
      const other = await run(new TypeError("boom"));
      expect(other.isErr && other.error.code).toBe("error.exception");
    });
  }
});
