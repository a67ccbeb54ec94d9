/**
 * `fanIn` with `retain: "message"` through the portable entry (no async store, as in a browser), several handlers
 * in flight: what a handler registers on the shared context before its first await is its message's (released
 * when it succeeds); what it registers there after an await is the fan-in's, released after a success once no
 * handler called before it is still awaiting (it may be that handler's), and all of it when the fan-in succeeds.
 * Nothing a failing or unfinished handler registered is dropped.
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
} from "../src/index.ts";

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function world(messages: number) {
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "portable", compensationScope: scope });
  const { reader, writer } = Channel.createUnbounded<number>();
  for (let id = 0; id < messages; id++) writer.tryWrite(id);
  writer.complete();
  const gates = new Map<number, () => void>();
  const open = (id: number): void => {
    (gates.get(id) as () => void)();
    gates.delete(id);
  };
  return { scope, context, reader, gates, open };
}

describe("fanIn retain 'message' without an async store", () => {
  it("keeps a later handler's late entry while an earlier handler still awaits, then releases it", async () => {
    const w = world(2);
    const late: number[] = [];
    const pending = ResultPipelineChannels.fanIn(
      w.context,
      [w.reader],
      async (id: number) => {
        await new Promise<void>((resolve) => w.gates.set(id, resolve));
        w.context.registerCompensation(id, (n) => void late.push(n));
        return ok();
      },
      { concurrency: 2, retain: "message" },
    );
    await settle();
    expect(w.gates.size).toBe(2);
    w.open(1);
    await settle();
    // Message 1 succeeded, but its late entry may be message 0's (still awaiting): kept.
    expect(w.scope.size).toBe(1);
    w.open(0);
    expect((await pending).isOk).toBe(true);
    expect(w.scope.hasActions).toBe(false);
    expect(late).toEqual([]);
  });

  it("rolls back a failing handler's late entry even when a later handler succeeds first", async () => {
    const w = world(2);
    const lateRan: number[] = [];
    const pending = ResultPipelineChannels.fanIn(
      w.context,
      [w.reader],
      async (id: number) => {
        await new Promise<void>((resolve) => w.gates.set(id, resolve));
        w.context.registerCompensation(id, (n) => void lateRan.push(n));
        if (id === 0) {
          await Promise.resolve();
          return err(PipeError.from("poison"));
        }
        return ok();
      },
      { concurrency: 2, retain: "message" },
    );
    await settle();
    w.open(0);
    w.open(1);
    expect((await pending).isErr).toBe(true);
    // Message 1 succeeded while message 0 (called before it) still awaited: 0's late entry stayed for the rollback.
    expect(await Result.runCompensation(undefined, w.scope)).toBeUndefined();
    expect(lateRan).toContain(0);
    expect(w.scope.hasActions).toBe(false);
  });

  it("two fan-ins awaiting at once each release only entries of their own context", async () => {
    const a = world(1);
    const b = world(1);
    const aLate: number[] = [];
    const handler =
      (w: ReturnType<typeof world>, fail: boolean, ran: number[]) =>
      async (id: number): Promise<Result<void>> => {
        await new Promise<void>((resolve) => w.gates.set(id, resolve));
        w.context.registerCompensation(id, (n) => void ran.push(n));
        await Promise.resolve();
        return fail ? err(PipeError.from("poison")) : ok();
      };
    const pa = ResultPipelineChannels.fanIn(a.context, [a.reader], handler(a, true, aLate), {
      retain: "pipeline",
    });
    const pb = ResultPipelineChannels.fanIn(b.context, [b.reader], handler(b, false, []), {
      retain: "pipeline",
    });
    await settle();
    a.open(0);
    b.open(0);
    expect((await pb).isOk).toBe(true);
    expect(b.scope.hasActions).toBe(false);
    expect((await pa).isErr).toBe(true);
    expect(a.scope.size).toBe(1);
    await Result.runCompensation(undefined, a.scope);
    expect(aLate).toEqual([0]);
  });

  it("never drops an entry of a failing or unfinished handler, and a clean run leaves nothing (random schedules)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 20 }),
        fc.option(fc.nat({ max: 30 }), { nil: undefined }),
        async (concurrency, messages, picks, failing) => {
          const w = world(messages);
          const undone = new Set<number>();
          const lateUndone = new Set<number>();
          const late = new Set<number>();
          const pending = ResultPipelineChannels.fanIn(
            w.context,
            [w.reader],
            async (id: number) => {
              w.context.registerCompensation(id, (n) => void undone.add(n));
              await new Promise<void>((resolve) => w.gates.set(id, resolve));
              await Promise.resolve();
              w.context.registerCompensation(id, (n) => void lateUndone.add(n));
              late.add(id);
              return id === failing ? err(PipeError.from("poison")) : ok();
            },
            { concurrency, retain: "message" },
          );
          let failed = false;
          const unfinished = new Set<number>();
          for (let step = 0; ; step++) {
            await settle();
            if (w.gates.size === 0) break;
            const ids = [...w.gates.keys()];
            const id = ids[(picks[step % picks.length] as number) % ids.length] as number;
            w.open(id);
            await settle();
            if (id === failing) failed = true;
            if (failed) {
              unfinished.add(id);
              continue;
            }
            // Every in-flight message's first entry is there; with none in flight, nothing is left.
            expect(w.scope.size).toBeGreaterThanOrEqual(w.gates.size);
            if (w.gates.size === 0) expect(w.scope.size).toBe(0);
          }
          const r = await pending;
          expect(r.isErr).toBe(failed);
          if (!failed) expect(w.scope.hasActions).toBe(false);
          await Result.runCompensation(undefined, w.scope);
          // Never dropped: the failing message's and the unfinished messages' compensations, early and late.
          for (const id of unfinished) {
            expect(undone.has(id), `message ${id}'s first entry`).toBe(true);
            if (late.has(id)) expect(lateUndone.has(id), `message ${id}'s late entry`).toBe(true);
          }
          if (!failed) expect(undone.size + lateUndone.size).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
  });
});
