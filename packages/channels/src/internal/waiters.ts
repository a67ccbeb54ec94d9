/**
 * The waiters a channel parks in its lists: a pending read, a pending blocked write, and a readiness wait
 * (`waitToRead`/`waitToWrite`). Each is one object that is its own list node and its own abort listener, and
 * settles through {@link settleWaiter}. They are three classes rather than subclasses of one base class, which
 * measured slower on Bun (benchmarks/README.md, "waiters").
 */
import type { Result } from "@pipe/result";
import { canceledResult } from "./errors.ts";
import type { ListNode, WaiterList } from "./list.ts";
import type { Watcher } from "./protocol.ts";

/** Marker result delivered to a read waiter released by an iterator's `return()`. */
export const RELEASED: unique symbol = Symbol("released");
export type Released = typeof RELEASED;

/** What every waiter is: a list node holding the `resolve` of the promise its caller awaits. */
interface Waiter<R> extends ListNode, EventListenerObject {
  /** The caller's promise's resolve, set right after construction; `noop` once settled. */
  resolve: (result: R) => void;
  readonly signal: AbortSignal | undefined;
}

/** Settles `waiter` once: leaves its list, stops listening to its signal, then resolves (later calls do nothing). */
function settleWaiter<R>(waiter: Waiter<R>, result: R): void {
  waiter.list?.remove(waiter);
  if (waiter.signal !== undefined) waiter.signal.removeEventListener("abort", waiter);
  const resolve = waiter.resolve;
  waiter.resolve = noop;
  resolve(result);
}

/** A pending `read()` (or iterator `next()`): one-shot, removed from its list on settle. */
export class ReadWaiter<T> implements Waiter<Result<T> | Released> {
  prev: ListNode | null = null;
  next: ListNode | null = null;
  list: WaiterList<ListNode> | null = null;
  seq = 0;
  resolve: (result: Result<T> | Released) => void = noop;
  constructor(readonly signal: AbortSignal | undefined) {}

  settle(result: Result<T> | Released): void {
    settleWaiter(this, result);
  }

  /** Abort listener (an object listener: no closure per waiter). */
  handleEvent(): void {
    settleWaiter(this, canceledResult<T>(this.signal));
  }
}

/** A pending blocked `write()` in mode `wait`. */
export class WriteWaiter<T> implements Waiter<Result<void>> {
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
    settleWaiter(this, result);
  }

  handleEvent(): void {
    settleWaiter(this, canceledResult<void>(this.signal));
  }
}

/** A pending `waitToRead`/`waitToWrite`: re-checks on each notification, re-registers when still not ready. */
export class ReadinessWaiter implements Watcher, Waiter<Result<boolean>> {
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
    else settleWaiter(this, result);
  }

  settle(result: Result<boolean>): void {
    settleWaiter(this, result);
  }

  handleEvent(): void {
    settleWaiter(this, canceledResult<boolean>(this.signal));
  }
}

function noop(): void {}
