/**
 * The waiters a channel parks in its lists: a pending read, a pending blocked write, and a readiness wait
 * (`waitToRead`/`waitToWrite`). Each is one object that is its own list node and its own abort listener.
 */
import type { Result } from "@pipe/result";
import { canceledResult } from "./errors.ts";
import type { ListNode, WaiterList } from "./list.ts";
import type { Watcher } from "./protocol.ts";

/** Marker result delivered to a read waiter released by an iterator's `return()`. */
export const RELEASED: unique symbol = Symbol("released");
export type Released = typeof RELEASED;

/** A pending `read()` (or iterator `next()`): one-shot, removed from its list on settle. */
export class ReadWaiter<T> implements ListNode {
  prev: ListNode | null = null;
  next: ListNode | null = null;
  list: WaiterList<ListNode> | null = null;
  seq = 0;
  resolve: (result: Result<T> | Released) => void = noop;
  constructor(readonly signal: AbortSignal | undefined) {}

  settle(result: Result<T> | Released): void {
    this.list?.remove(this);
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    const resolve = this.resolve;
    this.resolve = noop;
    resolve(result);
  }

  /** Abort listener (an object listener: no closure per waiter). */
  handleEvent(): void {
    this.settle(canceledResult<T>(this.signal));
  }
}

/** A pending blocked `write()` in mode `wait`. */
export class WriteWaiter<T> implements ListNode {
  prev: ListNode | null = null;
  next: ListNode | null = null;
  list: WaiterList<ListNode> | null = null;
  seq = 0;
  resolve: (result: Result<void>) => void = noop;
  constructor(
    readonly value: T,
    readonly signal: AbortSignal | undefined,
  ) {}

  settle(result: Result<void>): void {
    this.list?.remove(this);
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    const resolve = this.resolve;
    this.resolve = noop;
    resolve(result);
  }

  handleEvent(): void {
    this.settle(canceledResult<void>(this.signal));
  }
}

/** A pending `waitToRead`/`waitToWrite`: re-checks on each notification, re-registers when still not ready. */
export class ReadinessWaiter implements Watcher {
  prev: ListNode | null = null;
  next: ListNode | null = null;
  list: WaiterList<ListNode> | null = null;
  seq = 0;
  resolve: (result: Result<boolean>) => void = noop;
  constructor(
    readonly check: () => Result<boolean> | undefined,
    readonly home: WaiterList<Watcher>,
    readonly signal: AbortSignal | undefined,
  ) {}

  onReady(): void {
    const result = this.check();
    if (result === undefined) this.home.push(this);
    else this.settle(result);
  }

  settle(result: Result<boolean>): void {
    this.list?.remove(this);
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    const resolve = this.resolve;
    this.resolve = noop;
    resolve(result);
  }

  handleEvent(): void {
    this.settle(canceledResult<boolean>(this.signal));
  }
}

function noop(): void {}
