/**
 * A/B of two revisions of `@pipe/result`, `@pipe/channels` and `@pipe/pipeline` on the same workloads (W4 chain,
 * failures with changing codes, W1 both ways, W2 merge, select and prepareSelect, W3 fanOut, fanIn, W5 saga,
 * tieredFallback, the pipeline WaitGroup's go), prepared by `[AB_CONTROL=1] sh src/ab/prepare.sh <before> [<after>]`.
 * The "baseline" is the before side; each ratio is after / before (below 1: the after side is faster). Any other
 * directory `.ab/<name>/` holding a `workloads.ts` is measured as one more variant. Skipped when `.ab/` has not
 * been prepared.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import process from "node:process";
import { type Benchmark, benchmark } from "../harness.ts";

type Workloads = typeof import("./workloads.template.ts");
const root = new URL("../../.ab/", import.meta.url);
const sides = existsSync(new URL("before/workloads.ts", root))
  ? readdirSync(root).filter((d) => d !== "before" && existsSync(new URL(`${d}/workloads.ts`, root)))
  : [];
const load = async (side: string): Promise<Workloads> =>
  (await import(new URL(`${side}/workloads.ts`, root).href)) as Workloads;
const before = sides.length > 0 ? await load("before") : undefined;
const others = await Promise.all(sides.map(async (side) => ({ side, workloads: await load(side) })));
const only = process.env.AB_ONLY?.split(",");

const names = [
  "chain",
  "failures",
  "spscFast",
  "spscPlain",
  "mergeLoop",
  "selectLoop",
  "preparedLoop",
  "fanOut",
  "fanIn",
  "fallback",
  "groupGo",
  "saga",
] as const;

const definitions: Benchmark[] =
  before === undefined
    ? []
    : names
        .filter((name) => only === undefined || only.includes(name))
        .map((name) =>
          benchmark<number>({
            name: `A/B ${name}`,
            workload: `${name}: each side / before`,
            rounds: Number(process.env.AB_ROUNDS ?? 21),
            baseline: { name: "before", run: before[name] },
            variants: others.map(({ side, workloads }) => ({ name: side, run: workloads[name] })),
          }),
        );
export default definitions;
