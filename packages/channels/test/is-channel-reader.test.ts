import { describe, expect, it } from "vitest";
import { after, Channel, isChannelReader, VirtualTimeProvider } from "../src/index.ts";

describe("isChannelReader", () => {
  it("accepts the readers this package makes: channels' and timers'", () => {
    const bounded = Channel.createBounded<number>(1);
    const unbounded = Channel.createUnbounded<number>();
    const timeProvider = new VirtualTimeProvider();
    expect(isChannelReader(bounded.reader)).toBe(true);
    expect(isChannelReader(unbounded.reader)).toBe(true);
    expect(isChannelReader(after(10, { timeProvider }))).toBe(true);
  });

  it("refuses look-alike readers and non-objects", () => {
    const lookAlike = {
      tryRead: () => undefined,
      waitToRead: async () => false,
      [Symbol.asyncIterator]: async function* () {},
    };
    for (const value of [lookAlike, {}, null, undefined, 1, "reader", () => {}])
      expect(isChannelReader(value)).toBe(false);
  });
});
