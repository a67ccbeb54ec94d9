import { describe, expect, it } from "vitest";
import { Channel, keyedFanOut, partition, VirtualTimeProvider } from "../src/index.ts";

describe("the overall timeout also bounds a write waiting for room", () => {
  it("partition fails error.timeout while a target is full", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const matched = Channel.createBounded<number>(1);
    const unmatched = Channel.createUnbounded<number>();
    for (const v of [2, 4, 6]) src.writer.tryWrite(v);
    src.writer.complete();
    let settled = false;
    const targets = { matched: matched.writer, unmatched: unmatched.writer };
    const pending = partition(src.reader, (n) => n % 2 === 0, targets, {
      timeout: 50,
      timeProvider: clock,
    }).then((r) => {
      settled = true;
      return r;
    });
    await clock.advance(49);
    expect(settled).toBe(false);
    await clock.advance(1);
    const r = await pending;
    expect(r.isErr && r.error.code).toBe("error.timeout");
  });

  it("keyedFanOut fails error.timeout while a branch is full, and reports the waiting value", async () => {
    const clock = new VirtualTimeProvider();
    const src = Channel.createUnbounded<number>();
    const branch = Channel.createBounded<number>(1);
    const undelivered: number[] = [];
    for (const v of [1, 2]) src.writer.tryWrite(v);
    const router = keyedFanOut(src.reader, () => "a", {
      branches: [["a", branch.writer]],
      timeout: 50,
      timeProvider: clock,
      onUndelivered: (value) => undelivered.push(value),
    });
    await clock.advance(50);
    const r = await router.done;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    expect(undelivered).toEqual([2]);
  });
});
