/** Issue 14 item 12: programming errors from plain JavaScript throw a TypeError that says what was expected. */
import { describe, expect, it } from "vitest";
import {
  collectErrors,
  filterStream,
  flatMapStream,
  forEach,
  gen,
  mapStream,
  ok,
  PipeError,
  tapFailureEach,
  tapSuccessEach,
} from "../src/index.ts";

const INTERNAL = /Cannot read prop|is not iterable|is not a function|Cannot destructure/;

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe("stream operators and sinks fed plain values", () => {
  const plain = [1, "two", { id: 3 }, null, undefined];
  it("reject with a TypeError naming the operation and what was expected", async () => {
    for (const value of plain) {
      const source = [ok(0), value];
      const runs: [string, () => Promise<unknown>][] = [
        ["mapStream", () => drain(mapStream(source as never, (v) => ok(v)))],
        ["flatMapStream", () => drain(flatMapStream(source as never, (v) => [ok(v)]))],
        ["filterStream", () => drain(filterStream(source as never, () => true))],
        ["forEach", () => forEach(source as never, () => undefined)],
        ["collectErrors", () => collectErrors(source as never)],
        ["tapSuccessEach", () => tapSuccessEach(source as never, () => undefined)],
        ["tapFailureEach", () => tapFailureEach(source as never, () => undefined)],
      ];
      for (const [name, run] of runs) {
        const failure = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(TypeError);
        expect((failure as TypeError).message).toMatch(
          new RegExp(`^${name}: the stream yielded .* where a Result was expected`),
        );
        expect((failure as TypeError).message).not.toMatch(INTERNAL);
      }
    }
  });

  it("a selector's stream of plain values is named too", async () => {
    const failure = await drain(flatMapStream([ok(1)], () => [42] as never)).then(
      (items) => items,
      (e: unknown) => e,
    );
    const message = failure instanceof TypeError ? failure.message : JSON.stringify(failure);
    expect(message).toMatch(
      /flatMapStream \(a selector's stream\): the stream yielded number where a Result was expected/,
    );
  });
});

describe("other entry points", () => {
  it("gen with a body that is not a generator function", () => {
    expect(() => gen((() => 1) as never)).toThrow(/Result.gen: body must be a generator function/);
    expect(() => gen(undefined as never)).toThrow(TypeError);
  });

  it("PipeError.from with options that are not an object", () => {
    expect(() => PipeError.from("m", "c", null as never)).toThrow(/PipeError: options must be an object/);
    expect(() => PipeError.from("m", "c", 5 as never)).toThrow(TypeError);
  });
});
