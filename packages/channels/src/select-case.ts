import type { Result } from "@pipe/result";
import type { ChannelReader } from "./channel-types.ts";
import { isWatchable, type WatchableReader } from "./internal/protocol.ts";

/**
 * What a select case runs when it wins: returns a Result (or a promise of one).
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * import { type SelectContinuation } from "@pipe/channels";
 * const onNumber: SelectContinuation<number, string> = (n) => ok(`got ${n}`);
 * ```
 */
export type SelectContinuation<T, R> = (value: T) => Result<R> | PromiseLike<Result<R>>;

/**
 * Options of a select case.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, type SelectCaseOptions } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const options: SelectCaseOptions = { priority: 0 };
 * SelectCase.read(Channel.createUnbounded<number>().reader, (n: number) => ok(n), options);
 * ```
 */
export interface SelectCaseOptions {
  /** Lower runs first when several cases are ready (default 0); ties go to registration order. */
  readonly priority?: number;
}

/**
 * One arm of a `select`: a read case (a reader and a continuation for its value), a default case, or a
 * deadline case. Immutable and reusable across `select` calls.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, select } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const { reader, writer } = Channel.createUnbounded<number>();
 * const onNumber = SelectCase.read(reader, (n: number) => ok(n * 2));
 * writer.tryWrite(21);
 * console.log(await select([onNumber])); // Ok(42)
 * ```
 */
export interface SelectCase<R> {
  /** `"read"`, `"default"` or `"deadline"`. */
  readonly kind: "read" | "default" | "deadline";
  /** Priority (lower wins). */
  readonly priority: number;
  /** The reader of a read case. */
  readonly reader: ChannelReader<unknown> | undefined;
  /** Milliseconds after the select starts at which a deadline case becomes ready. */
  readonly dueInMs: number;
  /** @internal */
  readonly run: (value: unknown) => Result<R> | PromiseLike<Result<R>>;
  /** @internal the reader's internal protocol */
  readonly source: WatchableReader | undefined;
}

/** Marks the cases made by the factories below, so `select` can tell them from look-alike objects. @internal */
export const SELECT_CASE: unique symbol = Symbol("SelectCase");

const priorityOf = (options: SelectCaseOptions | undefined): number => {
  const p = options?.priority ?? 0;
  if (!Number.isFinite(p)) throw new RangeError(`SelectCase: priority must be a finite number, got ${p}.`);
  return p;
};

function read<T, R>(
  reader: ChannelReader<T>,
  continuation: SelectContinuation<T, R>,
  options?: SelectCaseOptions,
): SelectCase<R> {
  if (!isWatchable(reader)) throw new TypeError("SelectCase.read: the reader must come from @pipe/channels.");
  if (typeof continuation !== "function")
    throw new TypeError("SelectCase.read: continuation must be a function.");
  return Object.freeze({
    [SELECT_CASE]: true,
    kind: "read",
    priority: priorityOf(options),
    reader: reader as ChannelReader<unknown>,
    dueInMs: 0,
    run: continuation as (value: unknown) => Result<R> | PromiseLike<Result<R>>,
    source: reader,
  });
}

function defaultCase<R>(
  continuation: () => Result<R> | PromiseLike<Result<R>>,
  options?: SelectCaseOptions,
): SelectCase<R> {
  if (typeof continuation !== "function")
    throw new TypeError("SelectCase.default: continuation must be a function.");
  return Object.freeze({
    [SELECT_CASE]: true,
    kind: "default",
    priority: priorityOf(options),
    reader: undefined,
    dueInMs: 0,
    run: continuation,
    source: undefined,
  });
}

function deadline<R>(
  dueInMs: number,
  continuation: () => Result<R> | PromiseLike<Result<R>>,
  options?: SelectCaseOptions,
): SelectCase<R> {
  if (!Number.isFinite(dueInMs) || dueInMs < 0) {
    throw new RangeError(`SelectCase.deadline: dueInMs must be a finite number >= 0, got ${dueInMs}.`);
  }
  if (typeof continuation !== "function")
    throw new TypeError("SelectCase.deadline: continuation must be a function.");
  return Object.freeze({
    [SELECT_CASE]: true,
    kind: "deadline",
    priority: priorityOf(options),
    reader: undefined,
    dueInMs,
    run: continuation,
    source: undefined,
  });
}

/**
 * Factories for {@link SelectCase}s.
 *
 * - `SelectCase.read(reader, continuation, { priority })`: ready when the reader has a value (the winner takes
 *   exactly one value; losing cases never consume), or when the reader was completed with an error (the
 *   select then returns that error as a failed Result without calling the continuation).
 * - `SelectCase.default(continuation)`: runs only when no other case is ready at the start of the select.
 * - `SelectCase.deadline(dueInMs, continuation, { priority })`: becomes ready `dueInMs` after each select
 *   starts (measured on the select's TimeProvider, so the case is reusable).
 *
 * Gotchas: a reader must come from this package (`TypeError` otherwise); a negative or non-finite `dueInMs`
 * is a `RangeError`. A continuation that throws or rejects makes the select return `error.exception`.
 *
 * @example
 * ```ts
 * import { SelectCase, select, VirtualTimeProvider, Channel } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const clock = new VirtualTimeProvider();
 * const { reader } = Channel.createUnbounded<string>();
 * const pending = select([SelectCase.read(reader, (s: string) => ok(s)), SelectCase.deadline(50, () => ok("late"))], { timeProvider: clock });
 * await clock.advance(50);
 * console.log(await pending); // Ok("late")
 * ```
 */
export const SelectCase: {
  readonly read: <T, R>(
    reader: ChannelReader<T>,
    continuation: SelectContinuation<T, R>,
    options?: SelectCaseOptions,
  ) => SelectCase<R>;
  readonly default: <R>(
    continuation: () => Result<R> | PromiseLike<Result<R>>,
    options?: SelectCaseOptions,
  ) => SelectCase<R>;
  readonly deadline: <R>(
    dueInMs: number,
    continuation: () => Result<R> | PromiseLike<Result<R>>,
    options?: SelectCaseOptions,
  ) => SelectCase<R>;
} = Object.freeze({ read, default: defaultCase, deadline });
