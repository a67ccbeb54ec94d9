import { afterEach, describe, expect, it } from "vitest";
import { CompensationScope, GoDiagnostics, type MeterLike, Result } from "../src/index.ts";

function fakeMeter() {
  const counts = new Map<string, number>();
  const instrument = (name: string) => ({
    add: (n: number) => counts.set(name, (counts.get(name) ?? 0) + n),
    record: (n: number) => counts.set(name, (counts.get(name) ?? 0) + n),
  });
  const meter: MeterLike = {
    createCounter: instrument,
    createHistogram: instrument,
    createUpDownCounter: instrument,
  } as unknown as MeterLike;
  return { meter, counts };
}

describe("diagnostics", () => {
  afterEach(() => GoDiagnostics.reset());

  it("counts compensation runs, actions and failures when a meter is configured; nothing when off", async () => {
    const scope = new CompensationScope();
    scope.register(() => {});
    await Result.runCompensation(undefined, scope);
    const { meter, counts } = fakeMeter();
    GoDiagnostics.configure(meter);
    scope.register(() => {});
    scope.register(() => {
      throw new Error("x");
    });
    await Result.runCompensation(undefined, scope);
    expect(counts.get("pipeline.compensation.runs")).toBe(1);
    expect(counts.get("pipeline.compensation.actions")).toBe(2);
    expect(counts.get("pipeline.compensation.failures")).toBe(1);
  });

  it("counts reach the meter configured now: configure A, reset, configure B", async () => {
    const a = fakeMeter();
    const b = fakeMeter();
    const run = async () => {
      const scope = new CompensationScope();
      scope.register(() => {});
      await Result.runCompensation(undefined, scope);
    };
    GoDiagnostics.configure(a.meter);
    await run();
    GoDiagnostics.reset();
    await run();
    GoDiagnostics.configure(b.meter);
    await run();
    await run();
    expect(a.counts.get("pipeline.compensation.runs")).toBe(1);
    expect(b.counts.get("pipeline.compensation.runs")).toBe(2);
    GoDiagnostics.configure(a.meter);
    await run();
    expect(a.counts.get("pipeline.compensation.runs")).toBe(2);
    expect(b.counts.get("pipeline.compensation.runs")).toBe(2);
  });
});
