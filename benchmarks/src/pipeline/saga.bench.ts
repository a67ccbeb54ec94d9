/**
 * W5 saga rollback: 10,000 sagas of 10 asynchronous steps each, the 10th step failing, every earlier step undone
 * newest first. Step k of saga s outputs 10s + k; every undo appends its step's output to an undo log, and the
 * checksum hashes the log by position, so an undo run out of order, twice or not at all fails the run.
 *
 * Baseline: a hand-written saga (an array of undo closures, `await` per step, a reverse loop on failure that only
 * awaits an undo when it returns a promise). Compared with `ResultSagaBuilder` (built once, executed 10,000
 * times) and Effect v4 scope finalizers (`Effect.scoped` + `Effect.addFinalizer` that undo on a failure exit).
 *
 * @module
 */
import { err, ok, PipeError, type Result, ResultSagaBuilder } from "@pipe/pipeline";
import { Effect, Exit } from "effect";
import { HASH_SEED, hashSequence, mix } from "../checksum.ts";
import { type Benchmark, benchmark } from "../harness.ts";

const SAGAS = 10_000;
const STEPS = 10;
const UNDOS = SAGAS * (STEPS - 1);

/** The undo log: slot k holds the output of the k-th step undone (cleared after each checksum). */
const undoLog = new Int32Array(UNDOS + 1);
let logged = 0;
const undo = (value: number): void => {
  undoLog[logged++] = value;
};
/** The saga being executed (step outputs encode it). */
let current = 0;

function logChecksum(count: number): string {
  const sum = count > UNDOS ? `overflow ${count}` : `${count}:${hashSequence(undoLog.subarray(0, count))}`;
  undoLog.fill(-1);
  return sum;
}

function expectedLog(): string {
  let h = HASH_SEED;
  for (let s = 0; s < SAGAS; s++) for (let k = STEPS - 2; k >= 0; k--) h = mix(h, s * STEPS + k);
  return `${UNDOS}:${h}`;
}

// ---- hand-written baseline ------------------------------------------------------------------------------
type Plain = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: Error };
const plainFailure = new Error("step 10 failed");
const plainStep = async (k: number): Promise<Plain> =>
  k === STEPS - 1 ? { ok: false, error: plainFailure } : { ok: true, value: current * STEPS + k };

async function baselineSaga(): Promise<boolean> {
  const undos: (() => void | Promise<void>)[] = [];
  for (let k = 0; k < STEPS; k++) {
    const r = await plainStep(k);
    if (!r.ok) {
      for (let j = undos.length - 1; j >= 0; j--) {
        const p = (undos[j] as () => void | Promise<void>)();
        if (p !== undefined) await p;
      }
      return false;
    }
    const value = r.value;
    undos.push(() => undo(value));
  }
  return true;
}

// ---- @pipe saga -----------------------------------------------------------------------------------------
const stepFailure = PipeError.from("step 10 failed", "bench.step");
let builder = new ResultSagaBuilder() as ResultSagaBuilder<Record<string, number>>;
for (let k = 0; k < STEPS; k++) {
  builder = builder.addStep(
    `s${k}`,
    async (): Promise<Result<number>> => (k === STEPS - 1 ? err(stepFailure) : ok(current * STEPS + k)),
    undo,
  ) as ResultSagaBuilder<Record<string, number>>;
}
const saga = builder;

// ---- Effect v4 scope finalizers --------------------------------------------------------------------------
const effectStep = (k: number) =>
  Effect.flatMap(
    Effect.promise(() => plainStep(k)),
    (r) => (r.ok ? Effect.succeed(r.value) : Effect.fail(r.error)),
  );
const effectSaga = Effect.scoped(
  Effect.gen(function* () {
    for (let k = 0; k < STEPS; k++) {
      const value = yield* effectStep(k);
      yield* Effect.addFinalizer((exit) =>
        Exit.isFailure(exit) ? Effect.sync(() => undo(value)) : Effect.void,
      );
    }
  }),
);

const definition: Benchmark = benchmark<number>({
  name: "W5 pipeline: saga rollback (10,000 × 10 steps, step 10 fails)",
  workload: "10,000 sagas of 10 async steps; the 10th fails and the 9 earlier steps are undone newest first",
  baselineNote: "an undo-closure array and a reverse loop, awaiting each async step (no framework)",
  rounds: 15,
  itemsPerSample: SAGAS,
  checksum: logChecksum,
  expected: expectedLog,
  guard: true,
  baseline: {
    name: "hand-written undo array",
    run: async () => {
      logged = 0;
      for (let s = 0; s < SAGAS; s++) {
        current = s;
        if (await baselineSaga()) throw new Error("the saga succeeded");
      }
      return logged;
    },
  },
  variants: [
    {
      name: "@pipe ResultSagaBuilder",
      target: 1.5,
      bound: 2.5,
      run: async () => {
        logged = 0;
        for (let s = 0; s < SAGAS; s++) {
          current = s;
          const r = await saga.execute();
          if (r.isOk) throw new Error("the saga succeeded");
        }
        return logged;
      },
    },
    {
      name: "Effect v4 scope finalizers",
      run: async () => {
        logged = 0;
        for (let s = 0; s < SAGAS; s++) {
          current = s;
          await Effect.runPromise(Effect.exit(effectSaga));
        }
        return logged;
      },
    },
  ],
});
export default definition;
