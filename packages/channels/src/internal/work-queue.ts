import { describe } from "./usage.ts";

/** What starting a work gives: its outcome, and the controller to abort once it settled (if any). */
interface Started {
  readonly outcome: unknown;
  readonly ended: AbortController | undefined;
}

/** A work counted by a group but not started yet: its signal and how to start it. */
export interface Queued {
  readonly source: AbortSignal;
  readonly start: (source: AbortSignal) => Started;
}

/** A signal that never aborts: the source of a work started without any. */
export const NEVER: AbortSignal = new AbortController().signal;

/** A group's `limit` option as a number (`Infinity` when omitted); anything else is a `RangeError`. */
export function checkLimit(limit: unknown, what: string): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && (limit as number) >= 1))
    return limit as number;
  throw new RangeError(`${what}: limit must be a positive integer or Infinity, got ${describe(limit)}.`);
}

let ended: unknown;

/** The reason a work's signal aborts with once the work settled (one shared `AbortError`). */
export function workEnded(): unknown {
  ended ??= new DOMException("The work has ended.", "AbortError");
  return ended;
}

/**
 * The works of a group that runs at most `limit` at once: counts the running ones and keeps the rest in the
 * order they came (an array read from a moving head, reset when it empties).
 */
export class WorkQueue {
  /** Works started and not yet settled. */
  private running = 0;
  /** Works beyond the limit, oldest first from `head`. */
  private queue: (Queued | undefined)[] = [];
  private head = 0;
  /** True while `release` starts queued works (a work that settles synchronously does not start the next one). */
  private starting = false;

  constructor(private readonly limit: number) {}

  /** Takes a running slot when one is free. */
  tryEnter(): boolean {
    if (this.running >= this.limit) return false;
    this.running++;
    return true;
  }

  /** Queues a work for the next free slot. */
  push(work: Queued): void {
    this.queue.push(work);
  }

  /** Removes every queued work and returns how many there were. */
  clear(): number {
    const dropped = this.queue.length - this.head;
    if (dropped !== 0) {
      this.queue = [];
      this.head = 0;
    }
    return dropped;
  }

  /** Frees the slot of a settled work and starts queued works with `begin` while slots are free (a loop). */
  release(begin: (work: Queued) => void): void {
    this.running--;
    if (this.starting || this.head === this.queue.length) return;
    this.starting = true;
    try {
      while (this.running < this.limit && this.head < this.queue.length) {
        const next = this.queue[this.head] as Queued;
        this.queue[this.head++] = undefined;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        }
        this.running++;
        begin(next);
      }
    } finally {
      this.starting = false;
    }
  }
}
