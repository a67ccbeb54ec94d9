import { Channel, delay, err, ok, PipeError, ResultRetryPolicy } from "@pipe/pipeline";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DroppedEnvelope, TenantRouter } from "../src/index.ts";
import { drain, drive, type Envelope, env, VirtualTimeProvider } from "./helpers.ts";

const TENANTS = ["a", "b", "c", "d"] as const;

const scenario = fc.record({
  initial: fc.uniqueArray(fc.constantFrom(...TENANTS), { maxLength: 4 }),
  envelopes: fc.array(fc.constantFrom(...TENANTS, "e"), { maxLength: 40 }),
  events: fc.array(
    fc.record({
      at: fc.nat(40),
      type: fc.constantFrom("add", "remove"),
      tenant: fc.constantFrom(...TENANTS),
    }),
    { maxLength: 6 },
  ),
  failures: fc.dictionary(fc.nat(40).map(String), fc.integer({ min: 1, max: 4 }), { maxKeys: 6 }),
  overflow: fc.constantFrom("block" as const, "deadLetter" as const, "dropOldest" as const),
  capacity: fc.integer({ min: 1, max: 4 }),
  failureMode: fc.constantFrom("isolate" as const, "failFast" as const),
  unknownTenant: fc.constantFrom("deadLetter" as const, "createOnFirstSight" as const),
  abortAt: fc.option(fc.nat(40), { nil: undefined }),
  abortBy: fc.constantFrom("producer" as const, "processor" as const, "timer" as const),
  slow: fc.boolean(),
});

describe("property: every envelope has exactly one fate; every compensation runs at most once", () => {
  it("holds for random tenant sets, registry changes, overflow policies, failures and aborts", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = new VirtualTimeProvider();
        const controller = new AbortController();
        const ingress = Channel.createBounded<Envelope>(8);
        const succeeded = new Map<number, number>();
        const attempts = new Map<number, number>();
        const compensationRuns = new Map<string, number>();
        const failedAttempts: string[] = [];
        const dropped: DroppedEnvelope<Envelope>[] = [];
        const order = new Map<string, number[]>();
        const router = new TenantRouter(ingress.reader, {
          tenants: s.initial,
          overflow: s.overflow,
          capacity: s.capacity,
          failureMode: s.failureMode,
          unknownTenant: s.unknownTenant,
          retry: ResultRetryPolicy.fixed(3, 5),
          signal: controller.signal,
          timeProvider: clock,
          onDrop: (d) => dropped.push(d),
          process: async (ctx, id, e, signal) => {
            const attempt = (attempts.get(e.id) ?? 0) + 1;
            attempts.set(e.id, attempt);
            const token = `${e.id}#${attempt}`;
            if (s.abortBy === "processor" && s.abortAt === e.id)
              controller.abort("property abort in processor");
            ctx.registerCompensation(() => {
              compensationRuns.set(token, (compensationRuns.get(token) ?? 0) + 1);
            });
            if (s.slow && e.id % 3 === 0) {
              const slept = await delay(7, { timeProvider: clock, signal });
              if (slept.isErr) {
                failedAttempts.push(token);
                return err(slept.error as PipeError);
              }
            }
            if (attempt <= (s.failures[String(e.id)] ?? 0)) {
              failedAttempts.push(token);
              return err(PipeError.from(`fail ${token}`));
            }
            succeeded.set(e.id, (succeeded.get(e.id) ?? 0) + 1);
            const list = order.get(id) ?? [];
            list.push(e.id);
            order.set(id, list);
            return ok();
          },
        });
        const done = router.run();
        if (s.abortBy === "timer" && s.abortAt !== undefined)
          clock.setTimeout(() => controller.abort("property abort by timer"), s.abortAt);
        const written: number[] = [];
        void (async () => {
          for (let i = 0; i < s.envelopes.length; i++) {
            for (const ev of s.events) {
              if (ev.at !== i) continue;
              if (ev.type === "add") router.add(ev.tenant);
              else void router.remove(ev.tenant);
            }
            if (s.abortBy === "producer" && s.abortAt === i) controller.abort("property abort");
            if (controller.signal.aborted) return;
            written.push(i);
            const r = await ingress.writer.write(env(s.envelopes[i] as string, i));
            if (r.isErr) return;
          }
          ingress.writer.complete();
        })();
        const result = await drive(done, clock, 5, 20_000);
        const remaining = drain(ingress.reader).map((e) => e.id);
        const letters = drain(router.deadLetters).map((d) => d.envelope.id);
        const fates = new Map<number, number>();
        const bump = (id: number) => fates.set(id, (fates.get(id) ?? 0) + 1);
        for (const [id, n] of succeeded) for (let k = 0; k < n; k++) bump(id);
        for (const id of letters) bump(id);
        for (const d of dropped) bump(d.envelope.id);
        for (const id of remaining) bump(id);
        for (const id of written) expect(fates.get(id), `envelope ${id}`).toBe(1);
        expect([...fates.keys()].every((id) => written.includes(id))).toBe(true);
        for (const [token, n] of compensationRuns) expect(n, `compensation ${token}`).toBe(1);
        for (const token of failedAttempts) expect(compensationRuns.get(token), `failed ${token}`).toBe(1);
        for (const list of order.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
        if (s.abortAt === undefined && s.failureMode === "isolate" && Object.keys(s.failures).length === 0)
          expect(result.isOk).toBe(true);
        expect(router.state).toBe("stopped");
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
