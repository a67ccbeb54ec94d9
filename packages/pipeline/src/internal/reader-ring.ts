import { type ChannelReader, NO_VALUE } from "@pipe/channels";
import type { PipeError, Result } from "@pipe/result";
import { isThenable } from "./util.ts";

/**
 * The readers a fan-in still drains: takes buffered values round-robin without allocating, and keeps one
 * pending `waitToRead` per reader while all are empty. A completed reader leaves the ring; a faulted one is
 * reported to `onFault`.
 * @internal
 */
export class ReaderRing<T> {
  readonly live: ChannelReader<T>[];
  readonly waiting: (Promise<unknown> | undefined)[];
  rr = 0;

  constructor(
    readers: ChannelReader<T>[],
    /** Rotate the starting reader after each take (fairness under concurrency); else always start at 0. */
    readonly rotate: boolean,
    readonly signal: AbortSignal,
    readonly onFault: (error: PipeError) => void,
    readonly onWake: () => void,
  ) {
    this.live = readers;
    this.waiting = new Array(readers.length);
  }

  /** Takes one buffered value round-robin, or NO_VALUE. */
  tryTake(): T | typeof NO_VALUE {
    const n = this.live.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      const v = (this.live[i] as ChannelReader<T>).tryRead();
      if (v !== NO_VALUE) {
        this.rr = this.rotate ? (i + 1) % n : 0;
        return v;
      }
    }
    return NO_VALUE;
  }

  /** Arms one pending waitToRead per live reader; returns true when one is readable right now. */
  arm(): boolean {
    const signal = this.signal;
    for (let i = 0; i < this.live.length; i++) {
      if (this.waiting[i] !== undefined) continue;
      const reader = this.live[i] as ChannelReader<T>;
      const r = reader.waitToRead({ signal });
      if (isThenable<Result<boolean>>(r)) {
        const p = r.then((res) => {
          const at = this.live.indexOf(reader);
          if (at !== -1) this.waiting[at] = undefined;
          this.onWaitResult(reader, res);
          this.onWake();
        });
        this.waiting[i] = p;
        continue;
      }
      if (this.onWaitResult(reader, r)) return true;
      if (this.live[i] !== reader) i--;
    }
    return false;
  }

  /** Handles a waitToRead outcome; returns true when readable. */
  onWaitResult(reader: ChannelReader<T>, r: Result<boolean>): boolean {
    if (r.isOk) {
      if (r.value) return true;
      const i = this.live.indexOf(reader);
      if (i !== -1) {
        this.live.splice(i, 1);
        this.waiting.splice(i, 1);
      }
      return false;
    }
    if (r.error.code === "error.canceled" && this.signal.aborted) return false;
    this.onFault(r.error);
    return false;
  }
}
