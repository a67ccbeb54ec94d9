/**
 * `fanIn` with `retain: "message"` at concurrency > 1, through the server entry (an async store attributes each
 * registration to the message whose handler made it): after every message completes, the scope holds only the
 * entries of the messages still in flight, whatever the registration style and the completion order; a failure
 * rolls back exactly the messages that had not succeeded, each as a whole, newest first.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  err,
  ok,
  PipeError,
  Result,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "../src/index.node.ts";

type Style = "shared" | "scope" | "message" | "attached";
const STYLES: readonly Style[] = ["shared", "scope", "message", "attached"];

interface Case {
  readonly concurrency: number;
  readonly messages: number;
  /** Entries each message registers: before its first await, then after it. */
  readonly before: number;
  readonly after: number;
  readonly style: Style | "mixed";
  /** Which in-flight message completes next (index modulo the in-flight count), one per step. */
  readonly picks: readonly number[];
  /** The message that fails, if any. */
  readonly failing: number | undefined;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    concurrency: fc.integer({ min: 2, max: 6 }),
    messages: fc.integer({ min: 1, max: 24 }),
    before: fc.integer({ min: 0, max: 2 }),
    after: fc.integer({ min: 0, max: 2 }),
    style: fc.constantFrom<Style | "mixed">("shared", "scope", "message", "attached", "mixed"),
    picks: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 24 }),
    failing: fc.option(fc.nat({ max: 30 }), { nil: undefined }),
  })
  .filter((c) => c.before + c.after > 0);

/** Lets every pending microtask and continuation run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function runCase(c: Case): Promise<void> {
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "prop", compensationScope: scope });
  const { reader, writer } = Channel.createUnbounded<number>();
  for (let id = 0; id < c.messages; id++) writer.tryWrite(id);
  writer.complete();

  const gates = new Map<number, () => void>();
  const undone: { id: number; order: number }[] = [];
  let order = 0;
  const styleOf = (id: number, j: number): Style =>
    c.style === "mixed" ? (STYLES[(id + j) % STYLES.length] as Style) : c.style;
  const undo = (entry: { id: number; order: number }): void => void undone.push(entry);

  const handler = async (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
    let attached: { id: number; order: number }[] = [];
    const register = (j: number): void => {
      const entry = { id, order: order++ };
      const style = styleOf(id, j);
      if (style === "shared") context.registerCompensation(entry, undo);
      else if (style === "scope") scope.register(entry, undo);
      else if (style === "message") message.registerCompensation(entry, undo);
      else attached = [...attached, entry];
    };
    for (let j = 0; j < c.before; j++) register(j);
    await new Promise<void>((resolve) => gates.set(id, resolve));
    await Promise.resolve();
    for (let j = c.before; j < c.before + c.after; j++) register(j);
    let r: Result<void> = id === c.failing ? err(PipeError.from(`message ${id} failed`)) : ok();
    for (const entry of attached) r = r.withCompensation(() => undo(entry));
    return r;
  };

  const pending = ResultPipelineChannels.fanIn(context, [reader], handler, {
    concurrency: c.concurrency,
    retain: "message",
  });
  const succeededBeforeFailure = new Set<number>();
  const notSucceeded = new Set<number>();
  let failed = false;
  for (let step = 0; ; step++) {
    await settle();
    if (gates.size === 0) break;
    const ids = [...gates.keys()];
    const id = ids[(c.picks[step % c.picks.length] as number) % ids.length] as number;
    (gates.get(id) as () => void)();
    gates.delete(id);
    await settle();
    if (id === c.failing) failed = true;
    if (failed) {
      notSucceeded.add(id);
      continue;
    }
    succeededBeforeFailure.add(id);
    // Only the messages still in flight may hold entries: this one's are gone.
    expect(gates.size).toBeLessThanOrEqual(c.concurrency);
    expect(scope.size).toBeLessThanOrEqual(gates.size * (c.before + c.after));
  }

  const result = await pending;
  expect(result.isErr).toBe(failed);
  await Result.runCompensation(undefined, scope);
  expect(scope.hasActions).toBe(false);
  if (!failed) {
    expect(undone).toEqual([]);
    return;
  }
  // Rolled back: every message that had not succeeded before the failure, each with all its entries.
  const perMessage = new Map<number, number>();
  for (const u of undone) perMessage.set(u.id, (perMessage.get(u.id) ?? 0) + 1);
  for (const [id, count] of perMessage) {
    expect(succeededBeforeFailure.has(id)).toBe(false);
    expect(count).toBe(c.before + c.after);
  }
  expect([...perMessage.keys()].sort((a, b) => a - b)).toEqual([...notSucceeded].sort((a, b) => a - b));
  // One global reverse-registration order (attached entries are absorbed when their message completes).
  if (c.style !== "attached" && c.style !== "mixed") {
    const orders = undone.map((u) => u.order);
    expect(orders).toEqual([...orders].sort((a, b) => b - a));
  }
}

describe("fanIn retain 'message' at concurrency > 1", () => {
  it("holds only the in-flight messages' entries after each completion, in every registration style and completion order", async () => {
    await fc.assert(fc.asyncProperty(caseArb, runCase), { numRuns: 150 });
  });

  it("an always-busy feed whose handlers register on the shared context after an await stays at the in-flight window (seed 001)", async () => {
    await runCase({
      concurrency: 3,
      messages: 60,
      before: 1,
      after: 2,
      style: "shared",
      // Never the oldest first: the oldest handler stays in flight while many later ones complete.
      picks: [1, 2, 1, 2, 2],
      failing: undefined,
    });
  });
});

describe("nested fanIn with retain message", () => {
  it("attributes an inner async handler's registrations to the inner message, even under a synchronous outer handler", async () => {
    const outerScope = new CompensationScope();
    const outer = new ResultPipelineStepContext({ stepName: "outer", compensationScope: outerScope });
    const outerChannel = Channel.createUnbounded<number>();
    outerChannel.writer.tryWrite(0);
    outerChannel.writer.complete();

    const gates = new Map<number, (fail: boolean) => void>();
    const undone: number[] = [];
    let innerContext: ResultPipelineStepContext | undefined;
    let innerResult: Promise<Result<void>> | undefined;

    // Not an async function: the outer fan-in calls it with its direct sink set.
    const outerHandler = (_id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
      innerContext = message;
      const innerChannel = Channel.createUnbounded<number>();
      innerChannel.writer.tryWrite(1);
      innerChannel.writer.tryWrite(2);
      innerChannel.writer.complete();
      innerResult = ResultPipelineChannels.fanIn(
        message,
        [innerChannel.reader],
        async (id: number) => {
          message.registerCompensation(id, (v) => void undone.push(v));
          const fail = await new Promise<boolean>((resolve) => gates.set(id, resolve));
          return fail ? err(PipeError.from(`inner ${id} failed`)) : ok();
        },
        { concurrency: 2, retain: "message" },
      );
      return innerResult;
    };

    const pending = ResultPipelineChannels.fanIn(outer, [outerChannel.reader], outerHandler, {
      concurrency: 2,
      retain: "message",
    });
    await settle();
    expect([...gates.keys()].sort()).toEqual([1, 2]);
    // Message 2 succeeds while message 1 is in flight: only message 1's entry stays.
    (gates.get(2) as (fail: boolean) => void)(false);
    await settle();
    const scope = (innerContext as ResultPipelineStepContext).compensationScope;
    expect(scope.size).toBe(1);
    // Message 1 fails: the rollback undoes message 1 alone, never the message that succeeded.
    (gates.get(1) as (fail: boolean) => void)(true);
    const result = await pending;
    expect(result.isErr).toBe(true);
    expect((await innerResult)?.isErr).toBe(true);
    await Result.runCompensation(undefined, scope);
    await Result.runCompensation(undefined, outerScope);
    expect(undone).toEqual([1]);
  });
});
