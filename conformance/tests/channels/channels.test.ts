import { Channel, NO_VALUE } from "@pipe/channels";
import { PipeError } from "@pipe/result";
import { describe, expect, it } from "../../src/harness.ts";

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe("channels: bounded, unbounded, prioritized", () => {
  it("completes reads and tries writes synchronously when data or room is there; a write with room takes the value at once", async () => {
    const { reader, writer } = Channel.createBounded<number>(2);
    const w = writer.write(1);
    expect(reader.count).toBe(1);
    expect(writer.write(0)).toBe(w); // one shared, already resolved promise
    expect(reader.tryRead()).toBe(1);
    expect(reader.tryRead()).toBe(0);
    expect((await w).isOk).toBe(true);
    expect(writer.tryWrite(1)).toBe(true);
    expect(writer.tryWrite(2)).toBe(true);
    expect(writer.tryWrite(3)).toBe(false);
    const r = reader.read();
    expect(r instanceof Promise).toBe(false);
    expect(r).toMatchObject({ isOk: true, value: 1 });
    expect(reader.tryRead()).toBe(2);
    expect(reader.tryRead()).toBe(NO_VALUE);
  });

  it("backpressure: a write waits for room and keeps order", async () => {
    const { reader, writer } = Channel.createBounded<number>(1);
    writer.tryWrite(1);
    const pending = writer.write(2);
    expect(pending instanceof Promise).toBe(true);
    expect(reader.tryRead()).toBe(1);
    expect((await pending).isOk).toBe(true);
    expect(reader.tryRead()).toBe(2);
  });

  it("drop modes report every drop", () => {
    const dropped: number[] = [];
    const { reader, writer } = Channel.createBounded<number>({
      capacity: 2,
      fullMode: "dropOldest",
      onDrop: (v) => dropped.push(v),
    });
    for (const v of [1, 2, 3, 4]) writer.tryWrite(v);
    expect(dropped).toEqual([1, 2]);
    expect([reader.tryRead(), reader.tryRead()]).toEqual([3, 4]);
  });

  it("a write to a completed channel fails with error.channel.completed", async () => {
    const { writer } = Channel.createUnbounded<number>();
    writer.complete();
    const r = (await writer.write(1)) as { isOk: boolean; error: PipeError };
    expect(r.isOk).toBe(false);
    expect(r.error.code).toBe("error.channel.completed");
  });

  it("a reader of a channel completed with an error sees that error", async () => {
    const { reader, writer } = Channel.createUnbounded<number>();
    const boom = PipeError.from("boom", "app.boom");
    writer.tryWrite(1);
    writer.complete(boom);
    expect(reader.tryRead()).toBe(1);
    const r = await reader.read();
    expect(r.isErr && r.error).toBe(boom);
    await expect(reader.completion).rejects.toBe(boom);
  });

  it("async iteration drains and its return() releases a pending next()", async () => {
    const { reader, writer } = Channel.createBounded<number>(4);
    for (const v of [1, 2, 3]) writer.tryWrite(v);
    writer.complete();
    const seen: number[] = [];
    for await (const v of reader) seen.push(v);
    expect(seen).toEqual([1, 2, 3]);
    const other = Channel.createUnbounded<number>();
    const it = other.reader[Symbol.asyncIterator]();
    const next = it.next();
    await it.return?.();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it("abort cancels a parked read with error.canceled; a pre-aborted signal has no side effects", async () => {
    const { reader, writer } = Channel.createUnbounded<number>();
    const c = new AbortController();
    const p = reader.read({ signal: c.signal });
    c.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    writer.tryWrite(1);
    const pre = reader.read({ signal: AbortSignal.abort() }) as { isOk: boolean };
    expect(pre.isOk).toBe(false);
    expect(reader.count).toBe(1);
  });

  it("prioritized: lane 0 first, default lane lowest, per-lane backpressure", async () => {
    const { reader, writer } = Channel.createPrioritized<string>({ levels: 3, capacityPerLevel: 1 });
    writer.tryWrite("low");
    writer.tryWrite("high", 0);
    const blocked = writer.write("low2");
    expect(blocked instanceof Promise).toBe(true);
    expect(reader.tryRead()).toBe("high");
    await flush();
    expect(reader.tryRead()).toBe("low");
    expect((await blocked).isOk).toBe(true);
    expect(reader.tryRead()).toBe("low2");
  });
});
