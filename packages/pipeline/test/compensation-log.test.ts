/**
 * The compensation log's removals: `removeAfter(seq)` (the fan-in's release when no handler is in flight) drops
 * exactly what `removeRange(seq, Infinity)` drops, keeping every older entry in place with its state and action.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompensationLog } from "../src/internal/log.ts";

function logOf(seqs: readonly number[]): CompensationLog {
  const log = new CompensationLog();
  for (const seq of seqs) {
    log.states.push(`s${seq}`);
    log.actions.push(() => undefined);
    log.seqs.push(seq);
  }
  return log;
}

const sortedSeqs = fc
  .uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 40 })
  .map((a) => a.sort((x, y) => x - y));

describe("CompensationLog.removeAfter", () => {
  it("drops the same entries as removeRange(seq, Infinity) and keeps the rest in order", () => {
    fc.assert(
      fc.property(sortedSeqs, fc.integer({ min: 0, max: 210 }), (seqs, after) => {
        const a = logOf(seqs);
        const b = logOf(seqs);
        const actionsBefore = a.actions.slice();
        expect(a.removeAfter(after)).toBe(b.removeRange(after, Number.POSITIVE_INFINITY));
        expect(a.seqs).toEqual(b.seqs);
        expect(a.states).toEqual(b.states);
        expect(a.seqs).toEqual(seqs.filter((s) => s <= after));
        expect(a.actions).toEqual(actionsBefore.slice(0, a.seqs.length));
      }),
    );
  });
});
