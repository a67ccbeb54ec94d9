/** Issue 14 item 12: programming errors from plain JavaScript throw a TypeError that says what was expected. */
import { ok } from "@pipe/result";
import { describe, expect, it } from "vitest";
import {
  after,
  broadcast,
  Channel,
  delay,
  ErrGroup,
  fanIn,
  keyedFanOut,
  merge,
  partition,
  prepareSelect,
  SelectCase,
  select,
  ticker,
  VirtualTimeProvider,
  WaitGroup,
  window,
} from "../src/index.ts";

const INTERNAL = /Cannot read prop|is not iterable|is not a function|Cannot destructure/;

function usage(run: () => unknown, expected: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as TypeError).message).toMatch(expected);
  expect((thrown as TypeError).message).not.toMatch(INTERNAL);
}

const reader = () => Channel.createUnbounded<number>().reader;
const writer = () => Channel.createUnbounded<number>().writer;

describe("select", () => {
  it("a plain object instead of a select case", () => {
    const { reader: r } = Channel.createUnbounded<number>();
    const lookalike = { kind: "read", priority: 0, reader: r, dueInMs: 0, run: () => ok(1) };
    usage(() => select([lookalike as never]), /select: case 0 must be made by SelectCase.read/);
    usage(() => select([SelectCase.read(r, () => ok(1)), {} as never]), /case 1 must be made by SelectCase/);
    usage(() => prepareSelect([undefined as never]), /case 0 must be made by SelectCase.*got undefined/);
    usage(() => select(undefined as never), /select: cases must be an array of SelectCase, got undefined/);
  });

  it("a signal that is not an AbortSignal", () => {
    const cases = [SelectCase.read(reader(), () => ok(1))];
    usage(
      () => select(cases, { signal: new AbortController() as never }),
      /options.signal must be an AbortSignal/,
    );
  });
});

describe("channel operators and groups", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["createBounded(null)", () => Channel.createBounded(null as never), /expected a capacity or \{ capacity/],
    ["createUnbounded(1)", () => Channel.createUnbounded(1 as never), /options must be an object/],
    ["createPrioritized(null)", () => Channel.createPrioritized(null as never), /options must be an object/],
    [
      "fanIn options null",
      () => fanIn([reader()], () => {}, null as never),
      /fanIn: options must be an object/,
    ],
    ["fanIn signal", () => fanIn([reader()], () => {}, { signal: {} as never }), /options.signal must be/],
    ["merge options null", () => merge([reader()], writer(), null as never), /merge: options must be/],
    [
      "broadcast(r, 42)",
      () => broadcast(reader(), 42 as never),
      /destinations must be an iterable of channel writers/,
    ],
    ["broadcast(r, [{}])", () => broadcast(reader(), [{}] as never), /writer 0 must be a channel writer/],
    [
      "partition targets",
      () => partition(reader(), () => true, null as never),
      /targets must be \{ matched, unmatched \}/,
    ],
    [
      "keyedFanOut options",
      () => keyedFanOut(reader(), () => 1, null as never),
      /keyedFanOut: options must be/,
    ],
    [
      "window()",
      () => window(reader(), undefined as never),
      /window: options \{ size\?, intervalMs\? \} are required/,
    ],
    ["delay options null", () => delay(1, null as never), /delay: options must be an object/],
    [
      "after signal",
      () => after(1, { signal: "x" as never }),
      /after: options.signal must be an AbortSignal/,
    ],
    ["ticker options", () => ticker(1, 5 as never), /ticker: options must be an object/],
    ["WaitGroup.go(42)", () => new WaitGroup().go(42 as never), /WaitGroup.go: work must be a function/],
    [
      "WaitGroup.go(f, null)",
      () => new WaitGroup().go(() => {}, null as never),
      /WaitGroup.go: options must be/,
    ],
    ["WaitGroup.wait(null)", () => new WaitGroup().wait(null as never), /WaitGroup.wait: options must be/],
    ["new ErrGroup(null)", () => new ErrGroup(null as never), /ErrGroup: options must be/],
    [
      "new VirtualTimeProvider(null)",
      () => new VirtualTimeProvider(null as never),
      /VirtualTimeProvider: options/,
    ],
    [
      "fanIn clock",
      () => fanIn([reader()], () => {}, { timeProvider: {} as never }),
      /fanIn: options.timeProvider must be a TimeProvider/,
    ],
    [
      "select clock",
      () => select([SelectCase.read(reader(), () => ok(1))], { timeout: 1, timeProvider: Date as never }),
      /select: options.timeProvider must be a TimeProvider/,
    ],
    ["delay clock", () => delay(1, { timeProvider: {} as never }), /delay: options.timeProvider/],
    [
      "window clock",
      () => window(reader(), { size: 1, timeProvider: 1 as never }),
      /window: options.timeProvider/,
    ],
    [
      "WaitGroup.wait clock",
      () => new WaitGroup().wait({ timeProvider: {} as never }),
      /WaitGroup.wait: options.timeProvider/,
    ],
  ];
  for (const [name, run, expected] of cases) it(name, () => usage(run, expected));

  it("WaitGroup.go with a non-function no longer records a silent failure", async () => {
    const group = new WaitGroup();
    usage(() => group.go("not a function" as never), /work must be a function/);
    expect(group.count).toBe(0);
    expect((await group.wait()).isOk).toBe(true);
  });
});
