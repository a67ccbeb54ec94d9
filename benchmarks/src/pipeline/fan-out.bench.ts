/**
 * W3 fan-out: 20,000 asynchronous result-returning tasks, at most 64 in flight, results collected in input order.
 * Task i produces 7i + 3 after one or two awaits (every fourth task takes a second hop), so tasks finish out of
 * start order and the in-order collection is exercised. The checksum hashes the collected values by position.
 *
 * Baseline: a hand-written 64-worker pool over a shared index writing each result to its slot (the fastest honest
 * version; p-map, the usual library for this, is about 4× slower and is shown as a peer).
 *
 * @module
 */
import { ok, ResultPipeline, type ResultPipelineOperation } from "@pipe/pipeline";
import pMap from "p-map";
import { hashOf, hashSequence } from "../checksum.ts";
import { type Benchmark, benchmark } from "../harness.ts";

const N = 20_000;
const CONCURRENCY = 64;

const work = async (i: number): Promise<number> => {
  if ((i & 3) === 0) await null;
  return 7 * i + 3;
};
type Plain = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: Error };
const plainTasks: (() => Promise<Plain>)[] = Array.from({ length: N }, (_, i) => async () => ({
  ok: true,
  value: await work(i),
}));
const operations: ResultPipelineOperation<number>[] = Array.from(
  { length: N },
  (_, i) => async () => ok(await work(i)),
);
const items = Array.from({ length: N }, (_, i) => i);

/** A 64-worker pool over a shared index; results land in their input slot; the first failure stops the pool. */
async function handPool(): Promise<readonly number[]> {
  const out = new Array<number>(N);
  let next = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (next < N && failure === undefined) {
      const i = next++;
      const r = await (plainTasks[i] as () => Promise<Plain>)();
      if (r.ok) out[i] = r.value;
      else failure = r.error;
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < CONCURRENCY; w++) workers.push(worker());
  for (const w of workers) await w;
  if (failure !== undefined) throw failure;
  return out;
}

async function pipeFanOut(): Promise<readonly number[]> {
  const r = await ResultPipeline.fanOut(operations, { concurrency: CONCURRENCY });
  if (r.isErr) throw new Error(r.error.message);
  return r.value;
}

const definition: Benchmark = benchmark<readonly number[]>({
  name: "W3 pipeline: fanOut 20,000 tasks, ≤ 64 in flight, results in order",
  workload:
    "20,000 async result-returning tasks (one or two awaits each), at most 64 in flight, values in input order",
  baselineNote: "a hand-written 64-worker pool over a shared index, each result written to its input slot",
  rounds: 21,
  itemsPerSample: N,
  checksum: (values) => `${values.length}:${hashSequence(values)}`,
  expected: `${N}:${hashOf(N, (i) => 7 * i + 3)}`,
  guard: true,
  baseline: { name: "hand-written 64-worker pool", run: handPool },
  variants: [
    { name: "@pipe ResultPipeline.fanOut", run: pipeFanOut, target: 1.5, bound: 3 },
    { name: "p-map", run: () => pMap(items, work, { concurrency: CONCURRENCY }) },
  ],
});
export default definition;
