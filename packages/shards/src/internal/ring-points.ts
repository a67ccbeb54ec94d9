import { ShardLimits } from "../limits.ts";

/** Round half away from zero (.NET `MidpointRounding.AwayFromZero`). */
const roundAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/**
 * Ring points of one node: max(1, round-half-away-from-zero(weight × 64)) (1 → 64, 1.5 → 96, 0.8 → 51,
 * ≤ 0 → 1); a non-finite weight counts as infinitely many, so it never fits the cap. @internal
 */
export const ringPointsOf = (weight: number): number =>
  Number.isFinite(weight)
    ? Math.max(1, roundAway(weight * ShardLimits.ringPointsPerWeight))
    : Number.POSITIVE_INFINITY;

/**
 * The ring points of `nodes` (weight default 1); stops counting once over `ShardLimits.maxRingPoints`, so the
 * result is exact up to the cap and some value above it otherwise. @internal
 */
export function ringPointCount(
  nodes: readonly ({ readonly weight?: number | null | undefined } | null)[],
): number {
  let total = 0;
  for (const node of nodes) {
    total += ringPointsOf(node?.weight ?? 1);
    if (total > ShardLimits.maxRingPoints) return total;
  }
  return total;
}
