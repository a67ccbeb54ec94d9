import { err, ok, PipeError, type Result } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrGroup, WaitGroup } from "../src/index.ts";
import { flush } from "./helpers.ts";

/** A work the test settles by hand: `sync` ones return at once (ok, or a failure when `fails`). */
interface Plan {
  readonly sync: boolean;
  readonly fails: boolean;
}

const plans = fc.array(fc.record({ sync: fc.boolean(), fails: fc.boolean() }), { maxLength: 12 });

/**
 * Calls `go` for every plan, then settles running works in the order `picks` chooses; records the order works
 * started in and the most that ran at once.
 */
async function drive(group: WaitGroup, limit: number, list: readonly Plan[], picks: readonly number[]) {
  const started: number[] = [];
  const running = new Map<number, (r: Result<void>) => void>();
  let most = 0;
  list.forEach((plan, i) => {
    const before = started.length;
    group.go(() => {
      started.push(i);
      if (plan.sync) return plan.fails ? err(PipeError.from(`w${i}`)) : ok();
      return new Promise<Result<void>>((resolve) => {
        running.set(i, resolve);
        most = Math.max(most, running.size);
      });
    });
    // `go` never blocks: it returned, and started this work only when a slot was free.
    expect(started.length - before).toBeLessThanOrEqual(1);
  });
  expect(group.count).toBeGreaterThanOrEqual(running.size);
  let k = 0;
  while (running.size > 0) {
    const keys = [...running.keys()];
    const i = keys[(picks[k++ % Math.max(picks.length, 1)] ?? 0) % keys.length] as number;
    const resolve = running.get(i) as (r: Result<void>) => void;
    running.delete(i);
    resolve((list[i] as Plan).fails ? err(PipeError.from(`w${i}`)) : ok());
    await flush();
    expect(running.size).toBeLessThanOrEqual(limit);
  }
  return { started, most };
}

describe("WaitGroup / ErrGroup concurrency limit", () => {
  it("WaitGroup: every work starts once, in the order of go, never more than limit at once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        plans,
        fc.array(fc.nat(), { maxLength: 8 }),
        async (limit, list, picks) => {
          const wg = new WaitGroup({ limit });
          expect(wg.count).toBe(0);
          const { started, most } = await drive(wg, limit, list, picks);
          expect(started).toEqual(list.map((_, i) => i));
          expect(most).toBeLessThanOrEqual(limit);
          const r = await wg.wait();
          expect(wg.count).toBe(0);
          const failures = list.filter((p) => p.fails).length;
          expect(r.isErr).toBe(failures > 0);
          if (failures > 1) expect(r.error?.errors.length).toBe(failures);
        },
      ),
    );
  });

  it("ErrGroup: after the first failure, work not started yet never starts and counts as canceled", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        plans,
        fc.array(fc.nat(), { maxLength: 8 }),
        async (limit, list, picks) => {
          const group = new ErrGroup({ limit });
          const { started, most } = await drive(group, limit, list, picks);
          expect(most).toBeLessThanOrEqual(limit);
          // Starts are in go order; none starts once a started work has failed.
          expect(started).toEqual([...started].sort((a, b) => a - b));
          const firstFailed = started.findIndex((i) => (list[i] as Plan).fails);
          const r = await group.wait();
          expect(group.count).toBe(0);
          if (firstFailed === -1) {
            expect(started).toEqual(list.map((_, i) => i));
            expect(r.isOk).toBe(true);
          } else {
            expect(r.isErr).toBe(true);
            expect(r.error).toBe(group.error);
            // Every work that never started was beyond the limit when the group aborted.
            for (let i = 0; i < list.length; i++)
              if (!started.includes(i)) expect(i).toBeGreaterThan(firstFailed);
          }
        },
      ),
    );
  });

  it("ErrGroup.cancel drops the queued work at once: it never starts, counts as canceled, and wait resolves", async () => {
    const group = new ErrGroup({ limit: 1 });
    const ran: number[] = [];
    let release: (() => void) | undefined;
    group.go(() => {
      ran.push(0);
      return new Promise<Result<void>>((resolve) => {
        release = () => resolve(ok());
      });
    });
    group.go(() => {
      ran.push(1);
      return ok();
    });
    group.go(() => {
      ran.push(2);
      return ok();
    });
    expect(ran).toEqual([0]);
    expect(group.count).toBe(3);
    group.cancel();
    expect(group.count).toBe(1);
    release?.();
    const r = await group.wait();
    expect(ran).toEqual([0]);
    expect(r.error?.code).toBe("error.canceled");
  });

  it("WaitGroup: queued work whose own signal aborted before its turn never starts and counts as canceled", async () => {
    const wg = new WaitGroup({ limit: 1 });
    const c = new AbortController();
    let release: (() => void) | undefined;
    const ran: string[] = [];
    wg.go(
      () =>
        new Promise<Result<void>>((resolve) => {
          ran.push("first");
          release = () => resolve(ok());
        }),
    );
    wg.go(
      () => {
        ran.push("second");
        return ok();
      },
      { signal: c.signal },
    );
    c.abort();
    release?.();
    const r = await wg.wait();
    expect(ran).toEqual(["first"]);
    expect(r.error?.code).toBe("error.canceled");
  });

  it("rejects a limit that is not a positive integer (or Infinity)", () => {
    for (const limit of [0, -1, 1.5, Number.NaN, "2"]) {
      expect(() => new WaitGroup({ limit: limit as number })).toThrow(RangeError);
      expect(() => new ErrGroup({ limit: limit as number })).toThrow(RangeError);
    }
    expect(new WaitGroup({ limit: Number.POSITIVE_INFINITY }).count).toBe(0);
  });
});

describe("ErrGroup limit after the group aborted", () => {
  it("never starts work queued after the abort, even with a signal of its own", async () => {
    const group = new ErrGroup({ limit: 1 });
    let release: (r: Result<void>) => void = () => {};
    group.go(() => new Promise<Result<void>>((resolve) => (release = resolve)));
    group.cancel();
    let started = false;
    // Queued (the slot is taken) after the group signal aborted.
    group.go(
      () => {
        started = true;
        return ok();
      },
      { signal: new AbortController().signal },
    );
    // Counted as canceled at once: nothing of it is kept until a slot frees.
    expect(group.count).toBe(1);
    release(ok());
    const result = await group.wait();
    expect(started).toBe(false);
    expect(result.error?.code).toBe("error.canceled");
    expect(group.count).toBe(0);
  });
});
