/**
 * `fanIn` without a message timeout or registration tracking (concurrency 1, or retain "pipeline"), where a handler
 * that returns a Result settles its message at once: handlers that return synchronously, throw, return a promise or
 * return something else, mixed per message. Every message is handled once, in its reader's order; on success nothing
 * is left in the scope; on failure exactly the entries the retain mode keeps are rolled back, each once, newest first.
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

type Kind = "sync" | "async" | "syncFail" | "asyncFail" | "throw" | "notAResult";
const KINDS: readonly Kind[] = ["sync", "async", "syncFail", "asyncFail", "throw", "notAResult"];
const failing = (k: Kind): boolean => k !== "sync" && k !== "async";

const caseArb = fc.record({
  perReader: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }),
  kinds: fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 40 }),
  /** Probability-ish of a failure: most cases run clean. */
  clean: fc.boolean(),
  concurrency: fc.integer({ min: 1, max: 3 }),
  retain: fc.constantFrom<"pipeline" | "message">("pipeline", "message"),
});

describe("fanIn, handlers settling synchronously and asynchronously (no tracking)", () => {
  it("handles each message once in reader order and rolls back exactly what the retain mode keeps", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        // retain "message" above concurrency 1 tracks registrations per message (another path).
        const concurrency = c.retain === "message" ? 1 : c.concurrency;
        const kindOf = (n: number): Kind => {
          const k = c.kinds[n % c.kinds.length] as Kind;
          return c.clean && failing(k) ? "sync" : k;
        };
        const scope = new CompensationScope();
        const context = new ResultPipelineStepContext({ stepName: "p", compensationScope: scope });
        const readers = c.perReader.map((count, r) => {
          const { reader, writer } = Channel.createUnbounded<number>();
          for (let i = 0; i < count; i++) writer.tryWrite(r * 100 + i);
          writer.complete();
          return reader;
        });
        const handled: number[] = [];
        const registered: { id: number; order: number }[] = [];
        const undone: { id: number; order: number }[] = [];
        let order = 0;
        const undo = (e: { id: number; order: number }): void => void undone.push(e);
        let failedAt: number | undefined;
        const result = await ResultPipelineChannels.fanIn(
          context,
          readers,
          (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
            const n = handled.length;
            handled.push(id);
            const kind = kindOf(n);
            const a = { id, order: order++ };
            const b = { id, order: order++ };
            registered.push(a, b);
            message.registerCompensation(a, undo);
            context.registerCompensation(b, undo);
            if (failing(kind) && failedAt === undefined) failedAt = n;
            const failure = err<void>(PipeError.from(`message ${id} failed`, "test.failed"));
            switch (kind) {
              case "sync":
                return ok();
              case "async":
                return Promise.resolve(ok());
              case "syncFail":
                return failure;
              case "asyncFail":
                return Promise.resolve(failure);
              case "throw":
                throw new Error(`message ${id} threw`);
              default:
                return 42 as never;
            }
          },
          { concurrency, retain: c.retain },
        );
        // Each reader's messages were handled once, in order (a failure stops the rest).
        c.perReader.forEach((count, r) => {
          const mine = handled.filter((id) => Math.floor(id / 100) === r);
          expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => r * 100 + i));
          expect(mine.length).toBeLessThanOrEqual(count);
        });
        if (failedAt === undefined) {
          expect(result.isOk).toBe(true);
          expect(handled.length).toBe(c.perReader.reduce((x, y) => x + y, 0));
          expect(scope.hasActions).toBe(false);
          expect(undone).toEqual([]);
          return;
        }
        expect(result.isErr).toBe(true);
        await Result.runCompensation(undefined, scope);
        expect(scope.hasActions).toBe(false);
        const failedId = handled[failedAt] as number;
        const kept =
          c.retain === "pipeline"
            ? registered
            : // concurrency 1: only the failing message is in flight when it fails
              registered.filter((e) => e.id === failedId);
        expect(undone).toEqual([...kept].reverse());
      }),
      { numRuns: 200 },
    );
  });
});
