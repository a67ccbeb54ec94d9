/**
 * The one global registration counter. Every compensation registered in any scope, and every result
 * compensation absorbed into one, gets the next number, so merging scopes can keep a single global
 * reverse-registration order.
 * @internal
 */
let counter = 0;

/** Returns the next registration sequence number (strictly increasing). */
export function nextSeq(): number {
  return ++counter;
}

/** Returns the last number handed out: every registration from now on gets a greater one. */
export function currentSeq(): number {
  return counter;
}
