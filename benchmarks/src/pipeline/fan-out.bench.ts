/**
 * Fan-out: 20,000 asynchronous operations at concurrency 64, values collected in input order, per sample.
 *
 * Reference (baseline): p-map, the usual library for this. Compared with `ResultPipeline.fanOut` (per-operation
 * step context, Result values, compensation bookkeeping; guard 1.2× p-map) and a hand-written shared-index
 * worker pool (the floor).
 *
 * @module
 */
import { ok, ResultPipeline, type ResultPipelineOperation } from "@pipe/pipeline";
import pMap from "p-map";
import { benchmark } from "../harness.ts";

const N = 20_000;
const CONCURRENCY = 64;

const work = async (i: number): Promise<number> => i & 7;
const items = Array.from({ length: N }, (_, i) => i);
const operations: ResultPipelineOperation<number>[] = items.map((i) => async () => ok(await work(i)));

const checksum = (values: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) * ((i % 13) + 1);
  return s;
};

async function handPool(): Promise<number[]> {
  const out = new Array<number>(N);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < N) {
      const i = next++;
      out[i] = await work(i);
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < CONCURRENCY; w++) workers.push(worker());
  for (const w of workers) await w;
  return out;
}

export default benchmark({
  name: "pipeline: fanOut 20,000 ops at concurrency 64",
  workload: "20,000 async operations (one await each), at most 64 in flight, values in input order",
  baselineNote: "p-map is the reference the guard compares with; the hand-written pool is the floor",
  samples: 20,
  itemsPerSample: N,
  baseline: {
    name: "p-map",
    run: async () => checksum(await pMap(items, work, { concurrency: CONCURRENCY })),
  },
  variants: [
    {
      name: "@pipe ResultPipeline.fanOut",
      bound: 1.2,
      run: async () => {
        const r = await ResultPipeline.fanOut(operations, { concurrency: CONCURRENCY });
        return r.isOk ? checksum(r.value) : -1;
      },
    },
    { name: "hand-written shared-index pool", run: async () => checksum(await handPool()) },
  ],
});
