/**
 * The arrival buffer of the channel benchmarks: a consumer stores the k-th value it receives in slot k (one store,
 * the cheapest honest record of what arrived), and the checksum is computed from it after the timer stopped.
 *
 * @module
 */
import { hashSequence, perSourceDigest } from "../checksum.ts";

/** Every channel workload moves 1,000,000 values. */
const ARRIVALS = 1_000_000;

/** Slot k holds the k-th value the consumer received (cleared after each checksum). */
export const arrivals: Int32Array = new Int32Array(ARRIVALS);

/** Checksum of a run that received `count` values in one ordered stream; clears the buffer. */
export function sequenceDigest(count: number): string {
  const sum =
    count > ARRIVALS ? `overflow ${count}` : `${count}:${hashSequence(arrivals.subarray(0, count))}`;
  arrivals.fill(-1);
  return sum;
}

/** What {@link sequenceDigest} returns for 0, 1, ..., ARRIVALS - 1 in order. */
export const SEQUENCE_EXPECTED = `${ARRIVALS}:${hashSequence(Int32Array.from({ length: ARRIVALS }, (_, i) => i))}`;

/** Checksum of `count` arrivals interleaving `sources` ordered sources of `per` values each; clears the buffer. */
export function interleavedDigest(count: number, sources: number, per: number): string {
  const sum = count > ARRIVALS ? `overflow ${count}` : perSourceDigest(arrivals, count, sources, per);
  arrivals.fill(-1);
  return sum;
}
