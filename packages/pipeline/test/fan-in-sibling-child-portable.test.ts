/**
 * `fanIn` through the portable entry (no async store) while a sibling step works on a child context of the
 * fan-in's context, as the fanIn docs advise: what the sibling registers on its own context (or on an unrelated
 * one) while a handler awaits is never the fan-in's, so it stays after the fan-in succeeds, in both retain modes.
 */
import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  ok,
  Result,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "../src/index.ts";

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function run(retain: "pipeline" | "message", concurrency: number) {
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "shared", compensationScope: scope });
  const { reader, writer } = Channel.createUnbounded<number>();
  writer.tryWrite(0);
  writer.tryWrite(1);
  writer.complete();
  const gates: (() => void)[] = [];
  const ran: string[] = [];
  const pending = ResultPipelineChannels.fanIn(
    context,
    [reader],
    async (id: number, _signal, message) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      message.registerCompensation(id, (n) => void ran.push(`message ${n}`));
      return ok();
    },
    { retain, concurrency },
  );
  await settle();
  // A sibling step on its own child context, registering while a handler awaits, ended (merged) meanwhile.
  const sibling = context.child("sibling");
  sibling.registerCompensation(() => void ran.push("sibling"));
  sibling.end();
  // Another step on an unrelated context registering meanwhile.
  const elsewhere = new ResultPipelineStepContext({
    stepName: "elsewhere",
    compensationScope: new CompensationScope(),
  });
  elsewhere.registerCompensation(() => void ran.push("elsewhere"));
  for (let open = gates.shift(); open !== undefined; open = gates.shift()) {
    open();
    await settle();
  }
  const r = await pending;
  return { r, scope, ran, elsewhere: elsewhere.compensationScope };
}

describe("fanIn keeps what a sibling registers on its own child context (portable entry)", () => {
  for (const retain of ["pipeline", "message"] as const)
    for (const concurrency of [1, 2])
      it(`retain ${retain}, concurrency ${concurrency}`, async () => {
        const { r, scope, ran, elsewhere } = await run(retain, concurrency);
        expect(r.isOk).toBe(true);
        expect(elsewhere.size).toBe(1);
        // Only the sibling's entry stays: the messages' were released, the sibling's is not the fan-in's.
        await Result.runCompensation(undefined, scope);
        expect(ran).toEqual(["sibling"]);
      });
});
