import { type Compensation, compensation, type StatefulCompensationAction } from "@pipe/result";
import { noteRegistration } from "./registration-tracking.ts";
import { nextSeq } from "./seq.ts";

/** Runs a stateless action stored as `{ state: action, action: invokeStateless }` (no closure per entry). */
export const invokeStateless: StatefulCompensationAction<unknown> = (state, signal) =>
  (state as (signal: AbortSignal) => void | PromiseLike<void>)(signal);

/**
 * The storage behind a {@link CompensationScope}: three parallel arrays sorted by global registration
 * sequence (oldest first). Replay walks it backwards.
 * @internal
 */
export class CompensationLog {
  states: unknown[];
  actions: StatefulCompensationAction<unknown>[];
  seqs: number[];

  /** An empty log, or one holding the given parallel arrays (taken over, not copied). */
  constructor(
    states: unknown[] = [],
    actions: StatefulCompensationAction<unknown>[] = [],
    seqs: number[] = [],
  ) {
    this.states = states;
    this.actions = actions;
    this.seqs = seqs;
  }

  get size(): number {
    return this.seqs.length;
  }

  push(state: unknown, action: StatefulCompensationAction<unknown>): void {
    this.states.push(state);
    this.actions.push(action);
    const seq = nextSeq();
    this.seqs.push(seq);
    noteRegistration(seq, this);
  }

  /** Appends result compensation entries (oldest first) as newly registered. */
  pushEntries(entries: readonly Compensation[]): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Compensation;
      this.push(entry.state, entry.action);
    }
  }

  /** Moves every entry of `other` into this log, keeping global sequence order; empties `other`. */
  mergeFrom(other: CompensationLog): void {
    if (other === this || other.seqs.length === 0) return;
    const n = this.seqs.length;
    if (n === 0) {
      this.states = other.states;
      this.actions = other.actions;
      this.seqs = other.seqs;
      other.states = [];
      other.actions = [];
      other.seqs = [];
      return;
    }
    if ((this.seqs[n - 1] as number) < (other.seqs[0] as number)) {
      for (let i = 0; i < other.seqs.length; i++) {
        this.states.push(other.states[i]);
        this.actions.push(other.actions[i] as StatefulCompensationAction<unknown>);
        this.seqs.push(other.seqs[i] as number);
      }
    } else {
      const states: unknown[] = [];
      const actions: StatefulCompensationAction<unknown>[] = [];
      const seqs: number[] = [];
      let a = 0;
      let b = 0;
      const m = other.seqs.length;
      while (a < n || b < m) {
        const takeOther = a >= n || (b < m && (other.seqs[b] as number) < (this.seqs[a] as number));
        if (takeOther) {
          states.push(other.states[b]);
          actions.push(other.actions[b] as StatefulCompensationAction<unknown>);
          seqs.push(other.seqs[b] as number);
          b++;
        } else {
          states.push(this.states[a]);
          actions.push(this.actions[a] as StatefulCompensationAction<unknown>);
          seqs.push(this.seqs[a] as number);
          a++;
        }
      }
      this.states = states;
      this.actions = actions;
      this.seqs = seqs;
    }
    other.clear();
  }

  /** Atomically moves every entry into a new log and leaves this one empty. */
  take(): CompensationLog {
    const taken = new CompensationLog(this.states, this.actions, this.seqs);
    this.states = [];
    this.actions = [];
    this.seqs = [];
    return taken;
  }

  clear(): void {
    if (this.seqs.length === 0) return;
    this.states = [];
    this.actions = [];
    this.seqs = [];
  }

  /** Index of the first entry whose seq is greater than `seq` (binary search). */
  indexAfter(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seqs[mid] as number) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Drops the entries whose seq is among the first `count` of `seqs` (in any order, repeats allowed; seqs not in
   * this log are ignored); returns how many were dropped. A few are looked up one by one from the newest (popping
   * when they are the newest entries, as a fan-in's just-registered ones are); many are dropped in one pass.
   */
  removeSeqs(seqs: readonly number[], count: number = seqs.length): number {
    if (count === 0 || this.seqs.length === 0) return 0;
    if (count > 16) return this.removeMany(seqs, count);
    let dropped = 0;
    for (let k = count - 1; k >= 0 && this.seqs.length > 0; k--) {
      const seq = seqs[k] as number;
      const last = this.seqs.length - 1;
      if (this.seqs[last] === seq) {
        this.states.pop();
        this.actions.pop();
        this.seqs.pop();
        dropped++;
        continue;
      }
      const i = this.indexAfter(seq - 1);
      if (this.seqs[i] !== seq) continue;
      dropped++;
      this.states.splice(i, 1);
      this.actions.splice(i, 1);
      this.seqs.splice(i, 1);
    }
    return dropped;
  }

  /** `removeSeqs` for many: one pass over the log against the sorted seqs. */
  private removeMany(seqs: readonly number[], count: number): number {
    const drop = seqs.slice(0, count).sort((a, b) => a - b);
    const n = this.seqs.length;
    let write = this.indexAfter((drop[0] as number) - 1);
    let d = 0;
    for (let read = write; read < n; read++) {
      const seq = this.seqs[read] as number;
      while (d < count && (drop[d] as number) < seq) d++;
      if (d < count && drop[d] === seq) continue;
      this.states[write] = this.states[read];
      this.actions[write] = this.actions[read] as StatefulCompensationAction<unknown>;
      this.seqs[write] = seq;
      write++;
    }
    const dropped = n - write;
    if (dropped > 0) {
      this.states.length = write;
      this.actions.length = write;
      this.seqs.length = write;
    }
    return dropped;
  }

  /** The entries as result compensations, oldest first. */
  toCompensations(): Compensation[] {
    const out: Compensation[] = new Array(this.seqs.length);
    for (let i = 0; i < this.seqs.length; i++) {
      out[i] = compensation(this.states[i], this.actions[i] as StatefulCompensationAction<unknown>);
    }
    return out;
  }
}
