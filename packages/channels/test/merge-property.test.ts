import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Channel, type ChannelReader, type ChannelWriter, merge, NO_VALUE } from "../src/index.ts";

/** A writer that is not one of this package's channels (the merge's generic path), over a real channel. */
function foreign<T>(inner: ChannelWriter<T>): ChannelWriter<T> {
  return {
    write: (v, o) => inner.write(v, o),
    tryWrite: (v) => inner.tryWrite(v),
    waitToWrite: (o) => inner.waitToWrite(o),
    complete: (e) => inner.complete(e),
    tryComplete: (e) => inner.tryComplete(e),
  } as ChannelWriter<T>;
}

function drainNow<T>(reader: ChannelReader<T>, into: T[]): void {
  for (let v = reader.tryRead(); v !== NO_VALUE; v = reader.tryRead()) into.push(v);
}

describe("merge (property)", () => {
  it("every value arrives once, in its source's order, whatever the capacities and destination kind", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom("bounded", "prioritized", "foreign", "unbounded"),
        fc.integer({ min: 1, max: 5 }),
        async (counts, sourceCap, destCap, kind, readBatch) => {
          const sources = counts.map(() => Channel.createBounded<number>(sourceCap));
          const dest =
            kind === "unbounded"
              ? Channel.createUnbounded<number>()
              : kind === "prioritized"
                ? Channel.createPrioritized<number>({ capacityPerLevel: destCap })
                : Channel.createBounded<number>(destCap);
          const producers = sources.map(async ({ writer }, s) => {
            for (let i = 0; i < (counts[s] as number); i++) {
              const r = await writer.write(s * 1000 + i);
              if (r.isErr) throw new Error(r.error.message);
            }
            writer.complete();
          });
          const target = kind === "foreign" ? foreign(dest.writer) : dest.writer;
          const merged = merge(
            sources.map((s) => s.reader),
            target,
          );
          const got: number[] = [];
          // Reads a few values at a time, so the destination is full at varying points of the merge.
          for (;;) {
            for (let k = 0; k < readBatch; k++) {
              const v = dest.reader.tryRead();
              if (v === NO_VALUE) break;
              got.push(v);
            }
            const more = await dest.reader.waitToRead();
            if (!more.isOk || !more.value) break;
          }
          await Promise.all(producers);
          expect((await merged).isOk).toBe(true);
          counts.forEach((n, s) => {
            expect(got.filter((v) => Math.floor(v / 1000) === s)).toEqual(
              Array.from({ length: n }, (_, i) => s * 1000 + i),
            );
          });
          expect(got.length).toBe(counts.reduce((a, b) => a + b, 0));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a destination completed by someone else mid-merge loses no value: each is read or still in its source", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 20 }),
        async (counts, destCap, readBeforeClose) => {
          const sources = counts.map((n, s) => {
            const ch = Channel.createUnbounded<number>();
            for (let i = 0; i < n; i++) ch.writer.tryWrite(s * 1000 + i);
            ch.writer.complete();
            return ch;
          });
          const dest = Channel.createBounded<number>(destCap);
          const merged = merge(
            sources.map((s) => s.reader),
            dest.writer,
          );
          const got: number[] = [];
          for (let k = 0; k < readBeforeClose; k++) {
            await Promise.resolve();
            drainNow(dest.reader, got);
          }
          dest.writer.tryComplete();
          const r = await merged;
          drainNow(dest.reader, got);
          const left = sources.map((s) => {
            const rest: number[] = [];
            drainNow(s.reader, rest);
            return rest;
          });
          counts.forEach((n, s) => {
            const arrived = got.filter((v) => Math.floor(v / 1000) === s);
            expect([...arrived, ...(left[s] as number[])]).toEqual(
              Array.from({ length: n }, (_, i) => s * 1000 + i),
            );
          });
          if (r.isErr) expect(r.error.code).toBe("error.channel.completed");
        },
      ),
      { numRuns: 150 },
    );
  });
});
