import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  err,
  ok,
  PipeError,
  Result,
  ResultExecutionPolicy,
  ResultPipeline,
  ResultPipelineChannels,
  type ResultPipelineStepContext,
  ResultRetryPolicy,
  ResultPipelineStepContext as StepContext,
} from "../src/index.node.ts";

// The server entry: fanIn attributes shared-context registrations to their message at any concurrency, so a
// message's compensations are released or rolled back as a whole (test/fan-in-portable.test.ts covers the
// portable entry, which has no async store).

interface Leaf {
  readonly regs: number;
  readonly fail: boolean;
  readonly ticks: number;
}

type Stage =
  | { readonly kind: "leaf"; readonly leaf: Leaf; readonly nested: boolean }
  | { readonly kind: "fanOut"; readonly leaves: readonly Leaf[]; readonly concurrency: number }
  | { readonly kind: "retry"; readonly leaf: Leaf; readonly failures: number; readonly attempts: number }
  | {
      readonly kind: "fanIn";
      readonly messages: readonly Leaf[];
      readonly concurrency: number;
      readonly retain: "pipeline" | "message";
    };

const leafArb: fc.Arbitrary<Leaf> = fc.record({
  regs: fc.integer({ min: 0, max: 3 }),
  fail: fc.boolean(),
  ticks: fc.integer({ min: 0, max: 3 }),
});
const safeLeaf = leafArb.map((l) => ({ ...l, fail: false }));
const rareFail = fc.tuple(leafArb, fc.integer({ min: 0, max: 5 })).map(([l, r]) => ({ ...l, fail: r === 0 }));

const stageArb: fc.Arbitrary<Stage> = fc.oneof(
  fc.record({ kind: fc.constant("leaf" as const), leaf: rareFail, nested: fc.boolean() }),
  fc.record({
    kind: fc.constant("fanOut" as const),
    leaves: fc.array(rareFail, { minLength: 0, maxLength: 5 }),
    concurrency: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    kind: fc.constant("retry" as const),
    leaf: safeLeaf,
    failures: fc.integer({ min: 0, max: 3 }),
    attempts: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("fanIn" as const),
    messages: fc.array(rareFail, { minLength: 0, maxLength: 6 }),
    concurrency: fc.integer({ min: 1, max: 4 }),
    retain: fc.constantFrom("pipeline" as const, "message" as const),
  }),
);

interface Reg {
  readonly id: number;
  readonly unit: number;
  readonly message: number | undefined;
}

class World {
  nextId = 0;
  nextUnit = 0;
  readonly regs: Reg[] = [];
  readonly runs: { id: number; phase: string }[] = [];
  phase = "";
  committedMessages = new Set<number>();

  async leaf(
    ctx: ResultPipelineStepContext,
    leaf: Leaf,
    fail: boolean,
    message?: number,
    target?: ResultPipelineStepContext,
  ) {
    const unit = this.nextUnit++;
    const into = target ?? ctx;
    for (let i = 0; i < leaf.regs; i++) {
      const reg: Reg = { id: this.nextId++, unit, message };
      this.regs.push(reg);
      into.registerCompensation(reg, (r) => {
        this.runs.push({ id: r.id, phase: this.phase });
      });
      for (let t = 0; t < leaf.ticks; t++) await Promise.resolve();
    }
    return fail ? err<number>(PipeError.from(`unit ${unit} failed`)) : ok(unit);
  }
}

async function runProgram(world: World, stages: readonly Stage[]) {
  const scope = new CompensationScope();
  const root = new StepContext({ stepName: "root", compensationScope: scope });
  const committed = new Set<number>();
  let messageSeq = 0;
  for (let s = 0; s < stages.length; s++) {
    const stage = stages[s] as Stage;
    world.phase = `stage ${s}`;
    let result: Result<unknown>;
    if (stage.kind === "leaf") {
      if (stage.nested) {
        const child = root.child("child");
        const inner = child.child("grandchild");
        result = await world.leaf(inner, stage.leaf, stage.leaf.fail);
        inner.end();
        child.end();
      } else {
        result = await world.leaf(root, stage.leaf, stage.leaf.fail);
      }
    } else if (stage.kind === "fanOut") {
      result = await ResultPipeline.fanOut(
        stage.leaves.map((l) => (ctx: ResultPipelineStepContext) => world.leaf(ctx, l, l.fail)),
        { context: root, concurrency: stage.concurrency },
      );
    } else if (stage.kind === "retry") {
      let calls = 0;
      result = await ResultPipeline.retry((ctx) => world.leaf(ctx, stage.leaf, calls++ < stage.failures), {
        context: root,
        policy: ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.fixed(stage.attempts, 0)),
      });
    } else {
      const { reader, writer } = Channel.createUnbounded<[number, Leaf]>();
      const ids: number[] = [];
      for (const m of stage.messages) {
        const id = messageSeq++;
        ids.push(id);
        writer.tryWrite([id, m]);
      }
      writer.complete();
      const succeeded = new Set<number>();
      result = await ResultPipelineChannels.fanIn(
        root,
        [reader],
        async ([id, m]) => {
          const r = await world.leaf(root, m, m.fail, id, root);
          if (r.isOk) succeeded.add(id);
          return r;
        },
        { concurrency: stage.concurrency, retain: stage.retain },
      );
      if (result.isOk) for (const id of ids) committed.add(id);
      else if (stage.retain === "message") for (const id of succeeded) world.committedMessages.add(id);
    }
    if (result.isErr) break;
  }
  world.phase = "final";
  const failure = await Result.runCompensation(undefined, scope);
  expect(failure).toBeUndefined();
  expect(scope.hasActions).toBe(false);
  return committed;
}

describe("compensation properties", () => {
  it("every registered action runs at most once, exactly once unless committed, in reverse registration order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stageArb, { minLength: 1, maxLength: 6 }), async (stages) => {
        const world = new World();
        const committed = await runProgram(world, stages);
        const counts = new Map<number, number>();
        for (const r of world.runs) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
        const byMessage = new Map<number, Reg[]>();
        for (const reg of world.regs) {
          const n = counts.get(reg.id) ?? 0;
          expect(n).toBeLessThanOrEqual(1);
          if (reg.message !== undefined) {
            const list = byMessage.get(reg.message) ?? [];
            list.push(reg);
            byMessage.set(reg.message, list);
            if (committed.has(reg.message)) expect(n).toBe(0);
            else if (!world.committedMessages.has(reg.message)) expect(n).toBe(1);
          } else {
            expect(n).toBe(1);
          }
        }
        // retain "message": a message's compensations are released or rolled back as a whole.
        for (const regs of byMessage.values()) {
          const ran = regs.map((r) => counts.get(r.id) ?? 0);
          expect(new Set(ran).size).toBeLessThanOrEqual(1);
        }
        // The final rollback is one global reverse-registration order.
        const finalIds = world.runs.filter((r) => r.phase === "final").map((r) => r.id);
        expect(finalIds).toEqual([...finalIds].sort((a, b) => b - a));
        // Rollbacks inside a stage are newest first per unit (attempt / operation).
        const unitOf = new Map(world.regs.map((r) => [r.id, r.unit]));
        const lastByUnit = new Map<string, number>();
        for (const r of world.runs) {
          const key = `${r.phase}/${unitOf.get(r.id)}`;
          const last = lastByUnit.get(key);
          if (last !== undefined) expect(r.id).toBeLessThan(last);
          lastByUnit.set(key, r.id);
        }
      }),
      { numRuns: 200 },
    );
  });
});
