/**
 * Scenarios for `fanIn` running on a context other code registers on at the same time (siblings): a script of
 * writes, sibling registrations (made by the test, another async task than any handler) and handler releases,
 * run against one retain mode, concurrency and handler style. Checks that a clean fan-in removes exactly its
 * messages' compensations (every sibling entry stays) and that after a failure every staged compensation runs
 * exactly once, newest first. Imported by the server-entry and portable-entry test files, which decide through
 * `afterAwait` which registrations can be attributed on their runtime.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import {
  Channel,
  CompensationScope,
  err,
  ok,
  PipeError,
  Result,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  TimeProvider,
} from "../src/index.ts";

/**
 * How the handler is written: a plain function returning a Result; an `async` function that awaits its gate; a
 * plain function returning a promise that settles after its gate.
 */
type Kind = "sync" | "async" | "promise";

type Op =
  | { readonly t: "write" }
  | { readonly t: "sibling" }
  | { readonly t: "release"; readonly pick: number };

interface Scenario {
  readonly retain: "pipeline" | "message";
  readonly concurrency: number;
  readonly kind: Kind;
  readonly ops: readonly Op[];
  /** The message whose handler fails, if any. */
  readonly failing: number | undefined;
}

/**
 * Which registrations on the shared context made after a handler's first await the runtime can attribute:
 * "exact" on the server entry (async store); "none" on the portable entry, where whatever is registered while a
 * handler awaits is taken for the fan-in's (the handler's continuation or, the documented limit, a sibling's).
 */
export type AfterAwait = "exact" | "none";

interface Entry {
  readonly label: string;
  /** The message that registered it, or -1 for a sibling. */
  readonly owner: number;
  readonly order: number;
  /** Attached to the handler's Result (registered when the fan-in absorbs it, so its order is not known). */
  readonly attached: boolean;
  /** Registered on the shared context after the handler's first await. */
  readonly afterAwait: boolean;
  /** Registered while at least one handler was awaiting. */
  readonly whileAwaiting: boolean;
  /** A sibling's, registered on its own child context (ended at once: its entries move into the scope). */
  readonly ownContext: boolean;
}

/** Lets every pending microtask and continuation run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The reported case: a sibling registers on the context while the fan-in waits for messages; the scope must still
 * hold it after the fan-in succeeds.
 */
async function siblingWhileWaiting(): Promise<void> {
  const scope = new CompensationScope();
  const ctx = new ResultPipelineStepContext({
    stepName: "s",
    compensationScope: scope,
    timeProvider: TimeProvider.system,
  });
  const ch = Channel.createUnbounded<number>();
  const run = ResultPipelineChannels.fanIn(ctx, [ch.reader], (v: number) => ok(v), { retain: "pipeline" });
  await settle();
  ctx.registerCompensation("sibling", async () => {});
  expect(scope.size).toBe(1);
  ch.writer.tryWrite(1);
  ch.writer.tryComplete();
  expect((await run).isOk).toBe(true);
  expect(scope.size).toBe(1);
}

async function runScenario(s: Scenario, afterAwait: AfterAwait): Promise<void> {
  const scope = new CompensationScope();
  const ctx = new ResultPipelineStepContext({ stepName: "siblings", compensationScope: scope });
  const { reader, writer } = Channel.createUnbounded<number>();
  let order = 0;
  const registered: Entry[] = [];
  const ran: Entry[] = [];
  const undo = (e: Entry): void => void ran.push(e);
  const entry = (label: string, owner: number, attached: boolean, late: boolean, own = false): Entry => {
    const e: Entry = {
      label,
      owner,
      order: order++,
      attached,
      afterAwait: late,
      whileAwaiting: gates.size > 0,
      ownContext: own,
    };
    registered.push(e);
    return e;
  };
  const gates = new Map<number, () => void>();
  const launched: number[] = [];
  /** Messages whose handler returned Ok before any handler failed, and whether one failed yet. */
  const succeededFirst = new Set<number>();
  let failedYet = false;
  const finish = (id: number): Result<void> => {
    const failed = id === s.failing;
    if (failed) failedYet = true;
    else if (!failedYet) succeededFirst.add(id);
    const r: Result<void> = failed ? err(PipeError.from(`message ${id} failed`)) : ok();
    return r.withCompensation(entry(`m${id}.attached`, id, true, false), undo);
  };
  const handlers = {
    sync: (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
      launched.push(id);
      ctx.registerCompensation(entry(`m${id}.shared`, id, false, false), undo);
      message.registerCompensation(entry(`m${id}.message`, id, false, false), undo);
      scope.register(entry(`m${id}.scope`, id, false, false), undo);
      return finish(id);
    },
    async: async (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
      launched.push(id);
      ctx.registerCompensation(entry(`m${id}.shared`, id, false, false), undo);
      await new Promise<void>((resolve) => gates.set(id, resolve));
      ctx.registerCompensation(entry(`m${id}.shared-late`, id, false, true), undo);
      message.registerCompensation(entry(`m${id}.message-late`, id, false, false), undo);
      scope.register(entry(`m${id}.scope-late`, id, false, true), undo);
      return finish(id);
    },
    promise: (id: number, _signal: AbortSignal, message: ResultPipelineStepContext) => {
      launched.push(id);
      ctx.registerCompensation(entry(`m${id}.shared`, id, false, false), undo);
      return new Promise<void>((resolve) => gates.set(id, resolve)).then(() => {
        ctx.registerCompensation(entry(`m${id}.shared-late`, id, false, true), undo);
        message.registerCompensation(entry(`m${id}.message-late`, id, false, false), undo);
        return finish(id);
      });
    },
  };

  let siblings = 0;
  const sibling = (): void => {
    const way = siblings % 3;
    const e = entry(`sibling${siblings++}`, -1, false, false, way === 2);
    // In turn through the context, straight on its scope, and on a child context of its own (the docs' advice).
    if (way === 0) ctx.registerCompensation(e, undo);
    else if (way === 1) scope.register(e, undo);
    else {
      const own = ctx.child("sibling");
      own.registerCompensation(e, undo);
      own.end();
    }
  };
  sibling();
  const pending = ResultPipelineChannels.fanIn(ctx, [reader], handlers[s.kind], {
    retain: s.retain,
    concurrency: s.concurrency,
  });
  let done = false;
  void pending.then(() => {
    done = true;
  });
  let written = 0;
  const release = (pick: number): void => {
    const ids = [...gates.keys()];
    if (ids.length === 0) return;
    const id = ids[pick % ids.length] as number;
    (gates.get(id) as () => void)();
    gates.delete(id);
  };
  for (const op of s.ops) {
    await settle();
    if (op.t === "write") writer.tryWrite(written++);
    else if (op.t === "sibling") sibling();
    else release(op.pick);
  }
  writer.complete();
  while (!done) {
    await settle();
    release(0);
  }
  const result = await pending;
  sibling();

  const failed = s.failing !== undefined && launched.includes(s.failing);
  expect(result.isErr).toBe(failed);
  await Result.runCompensation(undefined, scope);
  expect(scope.hasActions).toBe(false);

  // Exactly once each.
  expect(new Set(ran).size).toBe(ran.length);
  // Newest first (entries attached to Results are registered when absorbed, at a time the test does not see).
  const orders = ran.filter((e) => !e.attached).map((e) => e.order);
  expect(orders).toEqual([...orders].sort((a, b) => b - a));

  // Without an async store (the portable entry), what is registered on the shared context or scope while a
  // handler awaits is taken for the fan-in's: a sibling's may be released with the fan-in's messages (the
  // documented limit; never one registered on a child context of its own), a handler's late entry is released once the fan-in succeeds, and with retain "message" a
  // message that succeeded before the failure may or may not have had its late entries released yet.
  const portable = afterAwait === "none";
  const ranSet = new Set(ran);
  for (const e of registered) {
    if (e.owner === -1) {
      if (portable && e.whileAwaiting && !e.ownContext) continue;
      expect(ranSet.has(e), `${e.label} (a sibling's) must stay in the scope`).toBe(true);
      continue;
    }
    const keptForRollback = failed && (s.retain === "pipeline" || !succeededFirst.has(e.owner));
    if (!keptForRollback && portable && e.afterAwait && failed) continue;
    expect(ranSet.has(e), `${e.label} ${keptForRollback ? "must" : "must not"} be left in the scope`).toBe(
      keptForRollback,
    );
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ t: "write" }),
  fc.constant<Op>({ t: "sibling" }),
  fc.nat({ max: 1000 }).map((pick): Op => ({ t: "release", pick })),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  retain: fc.constantFrom<"pipeline" | "message">("pipeline", "message"),
  concurrency: fc.integer({ min: 1, max: 4 }),
  kind: fc.constantFrom<Kind>("sync", "async", "promise"),
  ops: fc.array(opArb, { minLength: 0, maxLength: 40 }),
  failing: fc.option(fc.nat({ max: 12 }), { nil: undefined }),
});

/** The fixed matrix: every retain mode × concurrency 1 and 3 × handler style × success and failure. */
function matrix(): [string, Scenario][] {
  const ops: Op[] = [
    { t: "write" },
    { t: "write" },
    { t: "sibling" },
    { t: "release", pick: 1 },
    { t: "sibling" },
    { t: "write" },
    { t: "release", pick: 0 },
    { t: "sibling" },
    { t: "write" },
    { t: "release", pick: 2 },
    { t: "sibling" },
    { t: "release", pick: 0 },
  ];
  const cases: [string, Scenario][] = [];
  for (const retain of ["pipeline", "message"] as const)
    for (const concurrency of [1, 3])
      for (const kind of ["sync", "async", "promise"] as const)
        for (const failing of [undefined, 2])
          cases.push([
            `retain ${retain}, concurrency ${concurrency}, ${kind} handler, ${failing === undefined ? "success" : "failure"}`,
            { retain, concurrency, kind, ops, failing },
          ]);
  return cases;
}

/**
 * The cases every entry runs: the reported one, the fixed matrix, and random interleavings (fast-check), with
 * what the entry can attribute after an await.
 */
export function siblingCases(afterAwait: AfterAwait): void {
  it("keeps a sibling's registration made while the fan-in waits for messages", siblingWhileWaiting);

  it.each(matrix())("%s", async (_name, scenario) => {
    await runScenario(scenario, afterAwait);
  });

  it("random interleavings of sibling registrations and messages", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => runScenario(s, afterAwait)),
      { numRuns: 200 },
    );
  });
}
