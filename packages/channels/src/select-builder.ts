import type { Result } from "@pipe/result";
import type { ChannelReader } from "./channel-types.ts";
import { select } from "./select.ts";
import { SelectCase, type SelectCaseOptions, type SelectContinuation } from "./select-case.ts";
import type { SelectOptions } from "./select-options.ts";

/**
 * Fluent form of {@link select}: add cases, then `execute()`.
 *
 * When to use: when the cases are built inline; the builder can be executed many times (its cases are
 * reusable, and each `execute()` is one select).
 *
 * Errors: as `select`. Usage errors (thrown synchronously): a second `default` (`TypeError`), `execute()`
 * with no case (`TypeError`), a negative deadline (`RangeError`).
 *
 * @example
 * ```ts
 * import { Channel, selectBuilder } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const { reader } = Channel.createUnbounded<number>();
 * const r = await selectBuilder<string>()
 *   .case(reader, (n: number) => ok(`got ${n}`))
 *   .default(() => ok("nothing yet"))
 *   .execute();
 * console.log(r); // Ok("nothing yet")
 * ```
 */
export class SelectBuilder<R> {
  private readonly cases: SelectCase<R>[] = [];
  private hasDefault = false;

  /** @param options the select options used by every `execute()` (timeout, signal, timeProvider, fair). */
  constructor(private readonly options: SelectOptions = {}) {}

  /** Adds a read case (see `SelectCase.read`). */
  case<T>(
    reader: ChannelReader<T>,
    continuation: SelectContinuation<T, R>,
    options?: SelectCaseOptions,
  ): this {
    this.cases.push(SelectCase.read(reader, continuation, options));
    return this;
  }

  /** Adds the default case; a second one is a `TypeError`. */
  default(continuation: () => Result<R> | PromiseLike<Result<R>>, options?: SelectCaseOptions): this {
    if (this.hasDefault) throw new TypeError("SelectBuilder: a default case was already added.");
    this.hasDefault = true;
    this.cases.push(SelectCase.default(continuation, options));
    return this;
  }

  /** Adds a deadline case that becomes ready `dueInMs` after each `execute()` starts. */
  deadline(
    dueInMs: number,
    continuation: () => Result<R> | PromiseLike<Result<R>>,
    options?: SelectCaseOptions,
  ): this {
    this.cases.push(SelectCase.deadline(dueInMs, continuation, options));
    return this;
  }

  /** Runs one select over the cases added so far (always a Promise, for a uniform `await`). */
  execute(): Promise<Result<R>> {
    if (this.cases.length === 0)
      throw new TypeError("SelectBuilder: add at least one case before execute().");
    return Promise.resolve(select(this.cases, this.options));
  }
}

/**
 * Starts a {@link SelectBuilder}.
 *
 * @example
 * ```ts
 * import { selectBuilder, VirtualTimeProvider } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const clock = new VirtualTimeProvider();
 * const pending = selectBuilder<string>({ timeProvider: clock }).deadline(10, () => ok("due")).execute();
 * await clock.advance(10);
 * console.log(await pending); // Ok("due")
 * ```
 */
export function selectBuilder<R>(options?: SelectOptions): SelectBuilder<R> {
  return new SelectBuilder<R>(options);
}
