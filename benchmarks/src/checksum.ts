/**
 * Order-sensitive checksums for benchmark outcomes: a 32-bit FNV-1a style mix over the values in the order they
 * were produced, so a reordered, skipped or duplicated item changes the result (an order-independent sum, or a
 * sum weighted by `i % 13`, lets swaps through).
 *
 * Workloads whose legal interleaving varies (a merge of several producers, a select) keep one hash per source
 * (each source's items must arrive in the order written) and combine them in source order. Benchmarks record
 * their outcome while timed (a store into a preallocated array) and hash it after the timer stopped, so the
 * checksum adds no work to the measured code.
 *
 * @module
 */

/** The FNV-1a offset basis: the start value of every hash. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** Mixes one 32-bit integer into `h`; the result depends on every earlier value and its position. */
export function mix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193);
}

/** Hash of a whole sequence of integers, in order. */
export function hashSequence(values: ArrayLike<number>): number {
  let h = HASH_SEED;
  for (let i = 0; i < values.length; i++) h = mix(h, values[i] as number);
  return h;
}

/** Hash of `count` integers produced by `valueAt(i)` for i = 0, 1, ... (the expected outcome of a workload). */
export function hashOf(count: number, valueAt: (i: number) => number): number {
  let h = HASH_SEED;
  for (let i = 0; i < count; i++) h = mix(h, valueAt(i));
  return h;
}

/**
 * Checksum of an arrival sequence that interleaves several ordered sources: value `v` belongs to source
 * `Math.floor(v / perSource)`, and each source's values are hashed in arrival order, so any legal interleaving of
 * the sources gives the same result while a reordering within a source, a skipped, duplicated or foreign value
 * does not. Includes each source's count.
 */
export function perSourceDigest(
  arrivals: ArrayLike<number>,
  count: number,
  sources: number,
  perSource: number,
): string {
  const hashes = new Array<number>(sources).fill(HASH_SEED);
  const counts = new Array<number>(sources).fill(0);
  for (let i = 0; i < count; i++) {
    const v = arrivals[i] as number;
    const s = Math.floor(v / perSource);
    if (!(s >= 0 && s < sources)) return `foreign value ${v} at arrival ${i}`;
    hashes[s] = mix(hashes[s] as number, v);
    counts[s] = (counts[s] as number) + 1;
  }
  return hashes.map((h, s) => `${counts[s]}:${h}`).join(",");
}

/** What {@link perSourceDigest} returns when source s delivered s * perSource + i for i in 0..perSource, in order. */
export function expectedPerSource(sources: number, perSource: number): string {
  const all = new Int32Array(sources * perSource);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return perSourceDigest(all, all.length, sources, perSource);
}
