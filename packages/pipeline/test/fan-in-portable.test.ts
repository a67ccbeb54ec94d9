/**
 * `fanIn` with `retain: "message"` through the portable entry (no async store, as in a browser): registrations
 * on the shared context cannot be attributed to a message while several handlers run, so each one is released
 * once every handler that was in flight when it was made has succeeded. An always-busy feed stays bounded by
 * the oldest handler in flight, and nothing registered while a failing or unfinished handler ran is dropped.
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
  it("releases what was registered before the oldest in-flight handler started, after each completion", async () => {
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
          const startedAt = new Map<number, number>();
          const undone = new Set<number>();
          let registered = 0;
          const pending = ResultPipelineChannels.fanIn(
            context,
            [reader],
            async (id: number) => {
              startedAt.set(id, registered);
              context.registerCompensation(id, (n) => void undone.add(n));
              registered++;
              await new Promise<void>((resolve) => gates.set(id, resolve));
              await Promise.resolve();
              context.registerCompensation(id, (n) => void undone.add(n));
              registered++;
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
            let oldest = registered;
            for (const inFlight of gates.keys()) oldest = Math.min(oldest, startedAt.get(inFlight) as number);
            expect(scope.size).toBeLessThanOrEqual(registered - oldest);
          }
          const r = await pending;
          expect(r.isErr).toBe(failed);
          await Result.runCompensation(undefined, scope);
          // Never dropped: the failing message's and the unfinished messages' compensations.
          for (const id of unfinished) expect(undone.has(id)).toBe(true);
          if (!failed) expect(undone.size).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
  });
});
