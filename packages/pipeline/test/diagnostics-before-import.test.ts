/**
 * A meter configured before @pipe/pipeline is first imported: the package learns it at import time, so the
 * first compensation run is counted. (Only @pipe/result is imported statically here.)
 */
import { GoDiagnostics, type MeterLike } from "@pipe/result";
import { afterAll, expect, it } from "vitest";

const counts = new Map<string, number>();
const instrument = (name: string) => ({
  add: (n: number) => counts.set(name, (counts.get(name) ?? 0) + n),
  record: (n: number) => counts.set(name, (counts.get(name) ?? 0) + n),
});
GoDiagnostics.configure({
  createCounter: instrument,
  createHistogram: instrument,
  createUpDownCounter: instrument,
} as unknown as MeterLike);
afterAll(() => GoDiagnostics.reset());

it("counts through a meter configured before the package is imported", async () => {
  const { CompensationScope, Result } = await import("../src/index.ts");
  const scope = new CompensationScope();
  scope.register(() => {});
  await Result.runCompensation(undefined, scope);
  expect(counts.get("pipeline.compensation.runs")).toBe(1);
  expect(counts.get("pipeline.compensation.actions")).toBe(1);
});
