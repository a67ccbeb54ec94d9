/**
 * Immutable compensation lists attached to results.
 *
 * @internal
 * @module
 */
import { type Compensation, compensation } from "../compensation.ts";

/** The shared frozen empty list every result without compensations points at. */
export const EMPTY_COMPENSATIONS: readonly Compensation[] = Object.freeze([]);

/** `a` then `b` as one frozen list (either is returned as is when the other is empty). */
export function concatCompensations(
  a: readonly Compensation[],
  b: readonly Compensation[],
): readonly Compensation[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return Object.freeze(a.concat(b));
}

/** Validates `entries` and appends them to `list`. */
export function appendEntries(
  list: readonly Compensation[],
  entries: Iterable<Compensation>,
): readonly Compensation[] {
  const added: Compensation[] = [];
  for (const entry of entries) {
    if (entry === null || typeof entry !== "object" || typeof entry.action !== "function") {
      throw new TypeError("withCompensations: every entry must be a Compensation (see compensation()).");
    }
    added.push(Object.isFrozen(entry) ? entry : Object.freeze({ state: entry.state, action: entry.action }));
  }
  if (added.length === 0) return list;
  return Object.freeze(list.concat(added));
}

/** Appends one entry built from `(action)` or `(state, action)`. */
export function appendOne(
  list: readonly Compensation[],
  stateOrAction: unknown,
  action: unknown,
): readonly Compensation[] {
  const entry =
    action === undefined
      ? compensation(stateOrAction as (signal: AbortSignal) => void)
      : compensation(stateOrAction, action as (state: unknown, signal: AbortSignal) => void);
  return Object.freeze(list.length === 0 ? [entry] : [...list, entry]);
}
