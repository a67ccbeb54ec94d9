import { getEventListeners } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AbortTarget, linkAbort } from "../src/index.ts";
import { flush, hookErrorsDuring } from "./helpers.ts";

const listeners = (signal: AbortSignal): number => getEventListeners(signal, "abort").length;

describe("linkAbort", () => {
  it("aborts the target with the source's reason; after unlink it does not", () => {
    const source = new AbortController();
    const linked = new AbortController();
    const unlinked = new AbortController();
    linkAbort(source.signal, linked);
    const unlink = linkAbort(source.signal, unlinked);
    unlink();
    unlink();
    source.abort("stop");
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe("stop");
    expect(unlinked.signal.aborted).toBe(false);
  });

  it("aborts the target at once when the source already is, and returns a function that does nothing", () => {
    const target = new AbortController();
    const unlink = linkAbort(AbortSignal.abort("gone"), target);
    expect(target.signal.reason).toBe("gone");
    expect(() => unlink()).not.toThrow();
  });

  it("adds one listener per source however many targets link, and removes it with the last unlink", () => {
    const source = new AbortController();
    const unlinks = Array.from({ length: 50 }, () => linkAbort(source.signal, new AbortController()));
    expect(listeners(source.signal)).toBe(1);
    for (const unlink of unlinks.slice(1)) unlink();
    expect(listeners(source.signal)).toBe(1);
    unlinks[0]?.();
    expect(listeners(source.signal)).toBe(0);
    // linking again after the last unlink listens again
    const again = new AbortController();
    linkAbort(source.signal, again);
    expect(listeners(source.signal)).toBe(1);
    source.abort("late");
    expect(again.signal.reason).toBe("late");
  });

  it("aborts every target linked when the source aborts, even one that another target unlinks while aborting", () => {
    const source = new AbortController();
    const second = new AbortController();
    let unlinkSecond = (): void => {};
    const first: AbortTarget = { abort: () => unlinkSecond() };
    linkAbort(source.signal, first);
    unlinkSecond = linkAbort(source.signal, second);
    source.abort("both");
    expect(second.signal.reason).toBe("both");
  });

  it("aborts the targets after one whose abort throws, and rethrows that error from a microtask", async () => {
    const boom = new Error("target abort failed");
    const errors = await hookErrorsDuring(async () => {
      const source = new AbortController();
      const first = new AbortController();
      const last = new AbortController();
      linkAbort(source.signal, first);
      linkAbort(source.signal, {
        abort() {
          throw boom;
        },
      });
      linkAbort(source.signal, last);
      source.abort("stop");
      expect(first.signal.reason).toBe("stop");
      expect(last.signal.aborted).toBe(true);
      expect(last.signal.reason).toBe("stop");
      await flush();
    });
    expect(errors).toEqual([boom]);
  });

  it("throws a TypeError for a source that is not an AbortSignal or a target without abort", () => {
    expect(() => linkAbort(undefined as unknown as AbortSignal, new AbortController())).toThrow(
      /source must be an AbortSignal/,
    );
    expect(() => linkAbort({} as AbortSignal, new AbortController())).toThrow(TypeError);
    expect(() => linkAbort(new AbortController().signal, {} as AbortTarget)).toThrow(
      /target must have an abort method/,
    );
  });

  type Op =
    | { kind: "link"; target: number; source: number }
    | { kind: "unlink"; link: number }
    | { kind: "abort"; source: number };
  const SOURCES = 3;
  const TARGETS = 4;
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("link" as const),
      target: fc.nat(TARGETS - 1),
      source: fc.nat(SOURCES - 1),
    }),
    fc.record({ kind: fc.constant("unlink" as const), link: fc.nat(40) }),
    fc.record({ kind: fc.constant("abort" as const), source: fc.nat(SOURCES - 1) }),
  );

  it("every linked target aborts exactly once, with the first source's reason, and unlink leaves no listener", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const sources = Array.from({ length: SOURCES }, () => new AbortController());
        const targets = Array.from({ length: TARGETS }, () => {
          const controller = new AbortController();
          const target = { controller, events: 0, calls: [] as unknown[], abort: (_r?: unknown) => {} };
          target.abort = (reason?: unknown) => {
            target.calls.push(reason);
            controller.abort(reason);
          };
          controller.signal.addEventListener("abort", () => target.events++);
          return target;
        });
        // the model: which links are live, and the reason each target must end with
        const links: { target: number; source: number; live: boolean; unlink: () => void }[] = [];
        const expected: unknown[] = Array.from({ length: TARGETS }, () => undefined);
        const aborted: boolean[] = Array.from({ length: TARGETS }, () => false);
        // how often each target's abort is called: once per live link to a source that aborts, once per link
        // to a source already aborted
        const calls: number[] = Array.from({ length: TARGETS }, () => 0);
        const abortTarget = (t: number, reason: unknown): void => {
          if (aborted[t]) return;
          aborted[t] = true;
          expected[t] = reason;
        };
        ops.forEach((op, step) => {
          if (op.kind === "link") {
            const source = sources[op.source] as AbortController;
            const unlink = linkAbort(source.signal, targets[op.target] as AbortTarget);
            links.push({ target: op.target, source: op.source, live: !source.signal.aborted, unlink });
            if (source.signal.aborted) {
              abortTarget(op.target, source.signal.reason);
              calls[op.target] = (calls[op.target] ?? 0) + 1;
            }
          } else if (op.kind === "unlink") {
            const link = links[op.link % Math.max(links.length, 1)];
            if (link === undefined) return;
            link.unlink();
            link.live = false;
          } else {
            const source = sources[op.source] as AbortController;
            if (source.signal.aborted) return;
            const reason = `source ${op.source} at step ${step}`;
            for (const l of links) {
              if (l.source !== op.source || !l.live) continue;
              abortTarget(l.target, reason);
              calls[l.target] = (calls[l.target] ?? 0) + 1;
            }
            for (const l of links) if (l.source === op.source) l.live = false;
            source.abort(reason);
          }
          for (const s of sources) expect(listeners(s.signal)).toBeLessThanOrEqual(1);
        });
        targets.forEach((target, t) => {
          expect(target.controller.signal.aborted).toBe(aborted[t]);
          expect(target.events).toBe(aborted[t] ? 1 : 0);
          if (aborted[t]) {
            expect(target.controller.signal.reason).toBe(expected[t]);
            expect(target.calls[0]).toBe(expected[t]);
          }
          expect(target.calls.length).toBe(calls[t]);
        });
        for (const link of links) link.unlink();
        for (const s of sources) expect(listeners(s.signal)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
