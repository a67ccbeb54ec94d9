/**
 * A meter configured before @pipe/tenants is first imported: the package learns it at import time, so the
 * first routed envelope is counted. (Only @pipe/result is imported statically here, besides the helpers.)
 */
import { GoDiagnostics, type MeterLike, ok } from "@pipe/result";
import { afterAll, expect, it } from "vitest";

const values = new Map<string, number>();
const instrument = (name: string) => {
  const bump = (n: number, attrs?: Readonly<Record<string, unknown>>) => {
    const key = `${name}${attrs?.tenantId === undefined ? "" : `{${String(attrs.tenantId)}}`}`;
    values.set(key, (values.get(key) ?? 0) + n);
  };
  return { add: bump, record: bump };
};
GoDiagnostics.configure({
  createCounter: instrument,
  createHistogram: instrument,
  createUpDownCounter: instrument,
} as MeterLike);
afterAll(() => GoDiagnostics.reset());

it("counts through a meter configured before the package is imported", async () => {
  const { TenantRouter } = await import("../src/index.ts");
  const { drive, env, filledIngress, VirtualTimeProvider } = await import("./helpers.ts");
  const clock = new VirtualTimeProvider();
  const router = new TenantRouter(filledIngress([env("a", 1), env("a", 2)]), {
    tenants: ["a"],
    timeProvider: clock,
    process: () => ok(),
  });
  await drive(router.run(), clock);
  expect(values.get("tenants.received{a}")).toBe(2);
  expect(values.get("tenants.processed{a}")).toBe(2);
});
