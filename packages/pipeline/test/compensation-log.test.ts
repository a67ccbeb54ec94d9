/**
 * The compensation log's removal by sequence number (`removeSeqs`, what a fan-in removes on success): it drops
 * exactly the listed entries, whatever their order, repeats or entries the log does not hold, and keeps every
 * other entry in place with its state and action, through both the one-by-one and the one-pass path.
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
  .uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 60 })
  .map((a) => a.sort((x, y) => x - y));

describe("CompensationLog.removeSeqs", () => {
  it("drops exactly the first `count` listed seqs and keeps the rest in order with their states and actions", () => {
    fc.assert(
      fc.property(
        sortedSeqs,
        fc.array(fc.integer({ min: 0, max: 210 }), { maxLength: 50 }),
        fc.nat(),
        (seqs, listed, cut) => {
          const count = listed.length === 0 ? 0 : cut % (listed.length + 1);
          const log = logOf(seqs);
          const actionOf = new Map(seqs.map((seq, i) => [seq, log.actions[i]]));
          const drop = new Set(listed.slice(0, count));
          const kept = seqs.filter((seq) => !drop.has(seq));
          expect(log.removeSeqs(listed, count)).toBe(seqs.length - kept.length);
          expect(log.seqs).toEqual(kept);
          expect(log.states).toEqual(kept.map((seq) => `s${seq}`));
          expect(log.actions).toEqual(kept.map((seq) => actionOf.get(seq)));
        },
      ),
    );
  });
});
