/**
 * `fanIn` with `retain: "message"` through the portable entry (no async store, as in a browser), several handlers
 * in flight: what a handler registers on the shared context before its first await is its message's (released
 * when it succeeds); what it registers there after an await cannot be told from another task's, so it stays in
 * the scope (rolled back with the pipeline, never dropped). Nothing a failing or unfinished handler registered
 * is dropped.
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

describe("fanIn retain 'message' without an async store", () => {
  it("releases each succeeded message's registrations made before its first await and keeps those made after", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 20 }),
        fc.option(fc.nat({ max: 30 }), { nil: undefined }),
        async (concurrency, messages, picks, failing) => {
          const scope = new CompensationScope();
          const context = new ResultPipelineStepContext({ stepName: "portable", compensationScope: scope });
          const { reader, writer } = Channel.createUnbounded<number>();
          for (let id = 0; id < messages; id++) writer.tryWrite(id);
          writer.complete();
          const gates = new Map<number, () => void>();
          const undone = new Set<number>();
          const lateUndone = new Set<number>();
          let late = 0;
          const pending = ResultPipelineChannels.fanIn(
            context,
            [reader],
            async (id: number) => {
              context.registerCompensation(id, (n) => void undone.add(n));
              await new Promise<void>((resolve) => gates.set(id, resolve));
              await Promise.resolve();
              context.registerCompensation(id, (n) => void lateUndone.add(n));
              late++;
              return id === failing ? err(PipeError.from("poison")) : ok();
            },
            { concurrency, retain: "message" },
          );
          let failed = false;
          const unfinished = new Set<number>();
          for (let step = 0; ; step++) {
            await settle();
            if (gates.size === 0) break;
            const ids = [...gates.keys()];
            const id = ids[(picks[step % picks.length] as number) % ids.length] as number;
            (gates.get(id) as () => void)();
            gates.delete(id);
            await settle();
            if (id === failing) failed = true;
            if (failed) {
              unfinished.add(id);
              continue;
            }
            // The in-flight messages' first entries and every entry made after an await.
            expect(scope.size).toBe(gates.size + late);
          }
          const r = await pending;
          expect(r.isErr).toBe(failed);
          await Result.runCompensation(undefined, scope);
          // Never dropped: the failing message's and the unfinished messages' compensations, and every late one.
          for (const id of unfinished) expect(undone.has(id)).toBe(true);
          if (!failed) expect(undone.size).toBe(0);
          expect(lateUndone.size).toBe(late);
        },
      ),
      { numRuns: 120 },
    );
  });
});
