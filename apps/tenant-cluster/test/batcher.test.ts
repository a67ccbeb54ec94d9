import { describe, expect, it } from "vitest";
import { Batcher } from "../src/internal/batcher.ts";

describe("group commit", () => {
  it("flushes what gathered while a flush was in flight, never one key twice in a batch, in submission order", async () => {
    const flushes: string[][] = [];
    const gates: (() => void)[] = [];
    const batcher = new Batcher<string, string>(
      async (items) => {
        flushes.push([...items]);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items.map((i) => `done ${i}`);
      },
      (item) => item.split(":")[0] as string,
      3,
      1,
    );
    const results = ["a:1", "b:1", "a:2", "c:1", "d:1", "e:1"].map((i) => batcher.submit(i));
    // The idle batcher flushed the first item alone; the others gathered meanwhile.
    expect(flushes).toEqual([["a:1"]]);
    for (let i = 0; i < 3; i++) {
      while (gates.length === 0) await Promise.resolve();
      gates.shift()?.();
      await Promise.resolve();
    }
    expect(await Promise.all(results)).toEqual([
      "done a:1",
      "done b:1",
      "done a:2",
      "done c:1",
      "done d:1",
      "done e:1",
    ]);
    expect(flushes).toEqual([["a:1"], ["b:1", "a:2", "c:1"], ["d:1", "e:1"]]);
  });

  it("rejects every item of a batch whose flush failed, and goes on with the next", async () => {
    let n = 0;
    const batcher = new Batcher<string, number>(
      async (items) => {
        if (n++ === 0) throw new Error("connection lost");
        return items.map((i) => i.length);
      },
      (i) => i,
      10,
      1,
    );
    const first = batcher.submit("x");
    const second = batcher.submit("yy");
    await expect(first).rejects.toThrow("connection lost");
    expect(await second).toBe(2);
  });
});
