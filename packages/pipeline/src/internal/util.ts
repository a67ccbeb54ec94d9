import { PipeError } from "@pipe/result";

export { isThenable } from "@pipe/result";

const neverController = new AbortController();

/** A signal that never aborts (shared; nobody holds its controller outside this module). */
export const neverAbortedSignal: AbortSignal = neverController.signal;

/** The canceled error for an aborted signal (reason rendered by PipeError.canceled). */
export function canceledBy(signal: AbortSignal | undefined, message?: string): PipeError {
  return PipeError.canceled(message, signal?.reason);
}

/** Ensures a number option is finite and >= 0 (a programmer error otherwise). */
export function requireNonNegative(value: number, name: string): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds.`);
  }
  return value;
}

/** Ensures a count option is a positive integer (a programmer error otherwise). */
export function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer.`);
  return value;
}
