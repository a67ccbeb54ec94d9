// A/B workload template: `prepare.sh` copies this file next to each copy of the packages (before/, after/),
// pointing its imports at that copy,
// so each side runs its own copy of the loops (no shared call-site feedback between the two sides).
import { Channel, merge, NO_VALUE, prepareSelect, SelectCase, select } from "@pipe/channels";
import {
  CompensationScope,
  ResultPipeline,
  ResultPipelineChannels,
  type ResultPipelineOperation,
  ResultPipelineStepContext,
  ResultSagaBuilder,
  tieredFallback,
  WaitGroup,
} from "@pipe/pipeline";
import { err, ok, PipeError, type Result } from "@pipe/result";

const N = 1_000_000;
const values = new Int32Array(N);
const double = (x: number): number => x * 2;
const addThree = (x: number): number => x + 3;
const step = (x: number): Result<number> =>
  x % 7 === 0 ? err(PipeError.from("divisible by 7", "bench.seven")) : ok(x + 1);

/** W4: ok → map → andThen (1 in 7 fails) → map → valueOr, 1M times. */
export function chain(): number {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const v = ok(i).map(double).andThen(step).map(addThree).valueOr(-1);
    values[i] = v;
    sum = (sum + v) | 0;
  }
  return sum;
}

const CODES = ["error.timeout", "bench.unregistered", "error.validation"];
/** 300k failures whose codes change every time (registered and not). */
export function failures(): number {
  let named = 0;
  for (let i = 0; i < 300_000; i++) {
    const r = err<number>(PipeError.from("failed", CODES[i % 3]));
    if (r.error.metadata["error.name"] !== undefined) named++;
  }
  return named;
}

const CAP = 1024;
/** W1 fast path: 1M integers through bounded(1024) with tryWrite/tryRead. */
export async function spscFast(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) if (!writer.tryWrite(i)) await writer.write(i);
    writer.complete();
  })();
  let sum = 0;
  for (;;) {
    const v = reader.tryRead();
    if (v !== NO_VALUE) {
      sum = (sum + v) | 0;
      continue;
    }
    const more = reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await producer;
  return sum;
}

/** W1 the plain way: await write + for await. */
export async function spscPlain(): Promise<number> {
  const { reader, writer } = Channel.createBounded<number>(CAP);
  const producer = (async () => {
    for (let i = 0; i < N; i++) {
      const r = await writer.write(i);
      if (!r.isOk) throw new Error(r.error.message);
    }
    writer.complete();
  })();
  let sum = 0;
  for await (const v of reader) sum = (sum + v) | 0;
  await producer;
  return sum;
}

const CHANNELS = 4;
const PER = 250_000;
function producers() {
  const chans = Array.from({ length: CHANNELS }, () => Channel.createBounded<number>(CAP));
  const running = chans.map(async ({ writer }, p) => {
    for (let i = 0; i < PER; i++) if (!writer.tryWrite(p * PER + i)) await writer.write(p * PER + i);
    writer.complete();
  });
  return { chans, running };
}
const DONE: Result<void> = ok();

/** select(cases) over 4 channels × 250k, one value per call. */
export async function selectLoop(): Promise<number> {
  const { chans, running } = producers();
  let sum = 0;
  const onValue = (v: number): Result<void> => {
    sum = (sum + v) | 0;
    return DONE;
  };
  const cases = chans.map((c) => SelectCase.read(c.reader, onValue));
  for (;;) {
    const r = select(cases);
    const res = r instanceof Promise ? await r : r;
    if (res.isErr) break;
  }
  await Promise.all(running);
  return sum;
}

/** prepareSelect(cases).run() over 4 channels × 250k. */
export async function preparedLoop(): Promise<number> {
  const { chans, running } = producers();
  let sum = 0;
  const onValue = (v: number): Result<void> => {
    sum = (sum + v) | 0;
    return DONE;
  };
  const sel = prepareSelect(chans.map((c) => SelectCase.read(c.reader, onValue)));
  for (;;) {
    const r = sel.run();
    const res = r instanceof Promise ? await r : r;
    if (res.isErr) break;
  }
  await Promise.all(running);
  return sum;
}

const PRODUCERS = 8;
const PER_PRODUCER = 125_000;
/** W2: 8 producers × 125k, each into its own bounded(1024), merged into one bounded(1024) read by one consumer. */
export async function mergeLoop(): Promise<number> {
  const sources = Array.from({ length: PRODUCERS }, () => Channel.createBounded<number>(CAP));
  const dest = Channel.createBounded<number>(CAP);
  const running = sources.map(async ({ writer }, p) => {
    for (let i = 0; i < PER_PRODUCER; i++) if (!writer.tryWrite(p + i)) await writer.write(p + i);
    writer.complete();
  });
  const merged = merge(
    sources.map((s) => s.reader),
    dest.writer,
  );
  let sum = 0;
  for (;;) {
    const v = dest.reader.tryRead();
    if (v !== NO_VALUE) {
      sum = (sum + v) | 0;
      continue;
    }
    const more = dest.reader.waitToRead();
    const r = more instanceof Promise ? await more : more;
    if (!r.isOk || !r.value) break;
  }
  await Promise.all(running);
  if (!(await merged).isOk) throw new Error("merge failed");
  return sum;
}

const TASKS = 20_000;
const work = async (i: number): Promise<number> => {
  if ((i & 3) === 0) await null;
  return 7 * i + 3;
};
const operations: ResultPipelineOperation<number>[] = Array.from(
  { length: TASKS },
  (_, i) => async () => ok(await work(i)),
);
/** W3: fanOut of 20k async tasks, at most 64 in flight, values in input order. */
export async function fanOut(): Promise<number> {
  const r = await ResultPipeline.fanOut(operations, { concurrency: 64 });
  if (r.isErr) throw new Error(r.error.message);
  let h = 0;
  for (const v of r.value) h = (Math.imul(h, 31) + v) | 0;
  return h;
}

let undone = 0;
const undoWithKey = (key: number): void => {
  undone += key;
};
const undoEvent = (): void => {
  undone++;
};
/** fanIn 4 × 250k with seed 001's two compensations per message (released on success). */
export async function fanIn(): Promise<number> {
  const readers = Array.from({ length: CHANNELS }, (_, f) => {
    const { reader, writer } = Channel.createBounded<number>({
      capacity: CAP,
      singleReader: true,
      singleWriter: true,
    });
    void (async () => {
      for (let i = 0; i < PER; i++) if (!writer.tryWrite(f * PER + i)) await writer.write(f * PER + i);
      writer.complete();
    })();
    return reader;
  });
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: scope });
  let sum = 0;
  const result = await ResultPipelineChannels.fanIn(
    context,
    readers,
    (v: number) => {
      context.registerCompensation(v, undoWithKey);
      context.registerCompensation(undoEvent);
      sum = (sum + v) | 0;
      return ok();
    },
    { retain: "message" },
  );
  if (result.isErr || scope.hasActions || undone !== 0) throw new Error("fanIn failed");
  return sum;
}

const down = err<number>(PipeError.from("primary down", "error.unavailable"));
const TIERS = [
  { name: "primary", operations: [() => down] },
  { name: "replica", operations: [() => ok(1)] },
];
/** tieredFallback, 30k synchronous calls: the first tier fails, the second succeeds (no tracer configured). */
export function fallback(): number {
  let sum = 0;
  for (let i = 0; i < 30_000; i++) {
    const r = tieredFallback(TIERS) as Result<number>;
    sum = (sum + r.valueOr(-1)) | 0;
  }
  return sum;
}

const OK: Result<void> = ok();
/** The pipeline WaitGroup: 100 groups × 1000 `go(context, work)` of synchronous work, each group awaited. */
export async function groupGo(): Promise<number> {
  let ran = 0;
  const work = (): Result<void> => {
    ran++;
    return OK;
  };
  for (let g = 0; g < 100; g++) {
    const context = new ResultPipelineStepContext({ stepName: "bench" });
    const group = new WaitGroup();
    for (let i = 0; i < 1000; i++) group.go(context, work);
    if ((await group.wait()).isErr) return -1;
  }
  return ran;
}

const SAGAS = 10_000;
const SAGA_STEPS = 10;
let sagaCurrent = 0;
let undoSum = 0;
const sagaUndo = (value: number): void => {
  undoSum = (Math.imul(undoSum, 31) + value) | 0;
};
const stepFailure = PipeError.from("step 10 failed", "bench.step");
let sagaBuilder = new ResultSagaBuilder() as ResultSagaBuilder<Record<string, number>>;
for (let k = 0; k < SAGA_STEPS; k++) {
  sagaBuilder = sagaBuilder.addStep(
    `s${k}`,
    async (): Promise<Result<number>> =>
      k === SAGA_STEPS - 1 ? err(stepFailure) : ok(sagaCurrent * SAGA_STEPS + k),
    sagaUndo,
  ) as ResultSagaBuilder<Record<string, number>>;
}
/** W5: 10k sagas × 10 async steps, step 10 fails, the 9 earlier steps undone newest first (order-sensitive sum). */
export async function saga(): Promise<number> {
  undoSum = 0;
  for (let s = 0; s < SAGAS; s++) {
    sagaCurrent = s;
    const r = await sagaBuilder.execute();
    if (r.isOk) throw new Error("the saga succeeded");
  }
  return undoSum;
}
