/**
 * The hand-written baseline for the channel benchmarks: the smallest honest bounded channel (a power-of-two ring
 * buffer, synchronous `tryWrite`/`tryRead`, and promises only when full or empty). No completion errors, no
 * abort signals, no Results: what a careful engineer would write for one program.
 *
 * @module
 */

export const EMPTY: unique symbol = Symbol("empty");

/** Minimal bounded ring-buffer channel with many writers and many readers. */
export class RingChannel<T> {
  private readonly buf: (T | undefined)[];
  private readonly mask: number;
  private head = 0;
  private size = 0;
  private closed = false;
  private readWaiters: (() => void)[] = [];
  private writeWaiters: (() => void)[] = [];

  constructor(private readonly capacity: number) {
    let n = 1;
    while (n < capacity) n <<= 1;
    this.buf = new Array<T | undefined>(n);
    this.mask = n - 1;
  }

  tryWrite(value: T): boolean {
    if (this.size === this.capacity || this.closed) return false;
    this.buf[(this.head + this.size) & this.mask] = value;
    this.size++;
    if (this.readWaiters.length > 0) this.wakeAll(this.readWaiters, true);
    return true;
  }

  tryRead(): T | typeof EMPTY {
    if (this.size === 0) return EMPTY;
    const value = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    if (this.writeWaiters.length > 0) this.wakeAll(this.writeWaiters, false);
    return value;
  }

  /** Resolves when there may be room (or the channel closed). */
  waitToWrite(): Promise<void> {
    return new Promise((resolve) => this.writeWaiters.push(resolve));
  }

  /** Resolves when there may be data; `false` once closed and empty. */
  waitToRead(): Promise<boolean> | boolean {
    if (this.size > 0) return true;
    if (this.closed) return false;
    return new Promise<boolean>((resolve) =>
      this.readWaiters.push(() => resolve(this.size > 0 || !this.closed)),
    );
  }

  /** Writes, waiting for room when full. */
  async write(value: T): Promise<void> {
    while (!this.tryWrite(value)) await this.waitToWrite();
  }

  close(): void {
    this.closed = true;
    this.wakeAll(this.readWaiters, true);
  }

  get done(): boolean {
    return this.closed && this.size === 0;
  }

  private wakeAll(list: (() => void)[], reads: boolean): void {
    const waiters = list.slice();
    if (reads) this.readWaiters = [];
    else this.writeWaiters = [];
    for (const w of waiters) w();
  }
}

/** Resolves when any of the channels may be readable. */
export function waitAny<T>(channels: readonly RingChannel<T>[]): Promise<unknown> {
  return new Promise<void>((resolve) => {
    let fired = false;
    const once = (): void => {
      if (!fired) {
        fired = true;
        resolve();
      }
    };
    for (const c of channels) {
      const w = c.waitToRead();
      if (w instanceof Promise) w.then(once);
      else once();
    }
  });
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The plain way, hand-written: a bounded channel whose every operation is awaited by its user (`await write`,
 * `for await`). Writes return a shared resolved promise when there is room; the iterator hands out an already
 * resolved promise when there is data. The fastest honest version of "await every operation" (no generator, no
 * per-operation closure).
 */
export class AwaitChannel<T> implements AsyncIterable<T> {
  private readonly ring: RingChannel<T>;

  constructor(capacity: number) {
    this.ring = new RingChannel<T>(capacity);
  }

  /** Resolves once the value is buffered. */
  write(value: T): Promise<void> {
    return this.ring.tryWrite(value) ? RESOLVED : this.ring.write(value);
  }

  close(): void {
    this.ring.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const ring = this.ring;
    const slow = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        const v = ring.tryRead();
        if (v !== EMPTY) return { done: false, value: v };
        const more = ring.waitToRead();
        if (!(more instanceof Promise ? await more : more)) return { done: true, value: undefined };
      }
    };
    return {
      next: (): Promise<IteratorResult<T>> => {
        const v = ring.tryRead();
        return v !== EMPTY ? Promise.resolve({ done: false, value: v }) : slow();
      },
    };
  }
}
