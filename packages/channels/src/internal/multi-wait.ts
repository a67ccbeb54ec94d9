import type { PipeError } from "@pipe/result";
import type { TimeProvider, TimerHandle } from "../time-provider.ts";
import type { ListNode, WaiterList } from "./list.ts";
import type { WatchableReader, Watcher } from "./protocol.ts";

/** Why a {@link MultiWait} woke up. */
export const Wake = { Ready: 0, Timeout: 1, Aborted: 2, Timer: 3 } as const;
/** A wake reason; `Timer` is followed by the index of the extra timer that fired (see `firedTimer`). */
export type Wake = 0 | 1 | 2 | 3;

class ReaderWatcher implements Watcher {
  prev: ListNode | null = null;
  next: ListNode | null = null;
  list: WaiterList<ListNode> | null = null;
  seq = 0;
  constructor(
    private readonly owner: MultiWait,
    readonly reader: WatchableReader,
  ) {}
  onReady(): void {
    this.owner.wake(Wake.Ready);
  }
}

/**
 * One reusable "wait until any of these readers may be readable, a deadline passes, or the signal aborts"
 * primitive, shared by select, fan-in, merge, broadcast and window. Every registration is one-shot and removed
 * when the wait settles, so an idle loop holds no stale waiters, timers or abort listeners.
 */
export class MultiWait {
  private readonly watchers: (ReaderWatcher | undefined)[] = [];
  private resolve: ((wake: Wake) => void) | undefined = undefined;
  private timeoutHandle: TimerHandle | undefined = undefined;
  private extraHandles: (TimerHandle | undefined)[] = [];
  /** Index of the extra timer that fired (valid after a `Wake.Timer`). */
  firedTimer = -1;
  /** Status of a drained reader seen during the wait, if any. */
  status: PipeError | null | undefined = undefined;

  constructor(
    private readonly clock: TimeProvider,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Registers a reader (or a placeholder slot) once; each `wait` arms the slots `active` selects. */
  watcherFor(reader: WatchableReader | undefined): number {
    this.watchers.push(reader === undefined ? undefined : new ReaderWatcher(this, reader));
    return this.watchers.length - 1;
  }

  /**
   * Waits for a wake. `active(i)` says which registered readers to watch; `timeoutAt` is an absolute time on the
   * clock (or undefined); `extraTimers` are absolute times of extra one-shot timers (deadline cases, ticks).
   */
  wait(
    active: (index: number) => boolean,
    timeoutAt: number | undefined,
    extraTimers?: readonly (number | undefined)[],
  ): Promise<Wake> {
    const promise = new Promise<Wake>((resolve) => {
      this.resolve = resolve;
    });
    const watchers = this.watchers;
    for (let i = 0; i < watchers.length; i++) {
      const w = watchers[i];
      if (w !== undefined && active(i)) w.reader.pipeWatchRead(w);
    }
    const clock = this.clock;
    if (timeoutAt !== undefined) {
      this.timeoutHandle = clock.setTimeout(() => {
        this.timeoutHandle = undefined;
        this.wake(Wake.Timeout);
      }, timeoutAt - clock.now());
    }
    if (extraTimers !== undefined) {
      for (let i = 0; i < extraTimers.length; i++) {
        const at = extraTimers[i];
        if (at === undefined) continue;
        this.extraHandles[i] = clock.setTimeout(() => {
          this.extraHandles[i] = undefined;
          this.firedTimer = i;
          this.wake(Wake.Timer);
        }, at - clock.now());
      }
    }
    if (this.signal !== undefined) this.signal.addEventListener("abort", this);
    return promise;
  }

  /** Abort listener. */
  handleEvent(): void {
    this.wake(Wake.Aborted);
  }

  /** Settles the current wait (first call wins) and removes every registration. */
  wake(reason: Wake): void {
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    for (const w of this.watchers) if (w !== undefined && w.list !== null) w.reader.pipeUnwatchRead(w);
    const clock = this.clock;
    if (this.timeoutHandle !== undefined) {
      clock.clearTimeout(this.timeoutHandle);
      this.timeoutHandle = undefined;
    }
    const extra = this.extraHandles;
    for (let i = 0; i < extra.length; i++) {
      if (extra[i] !== undefined) {
        clock.clearTimeout(extra[i]);
        extra[i] = undefined;
      }
    }
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    resolve(reason);
  }
}
