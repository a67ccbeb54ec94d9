import type { Result } from "@pipe/result";
import { executePlan, planSelect, type SelectPlan } from "./internal/select-plan.ts";
import type { SelectCase } from "./select-case.ts";
import type { SelectOptions } from "./select-options.ts";

/**
 * A select validated once and run many times: the fastest way to `select` in a loop.
 *
 * When to use: a hot loop that selects over the same cases (a consumer of several channels), when you want the
 * cases fixed: a prepared select validates and copies them once, so later edits of your array do not affect it.
 * (`select(cases)` also remembers the plan of an array it has seen, and checks on every call that the array
 * still holds the same cases.)
 *
 * Details and errors: `run(options)` behaves exactly like `select(cases, options)`: a plain Result when a case
 * is ready and its continuation is synchronous, else a Promise. Usage errors in the cases are thrown by
 * `prepareSelect`.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, prepareSelect } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const a = Channel.createUnbounded<number>(), b = Channel.createUnbounded<number>();
 * let sum = 0;
 * const onValue = (v: number) => { sum += v; return ok(); };
 * const sel = prepareSelect([SelectCase.read(a.reader, onValue), SelectCase.read(b.reader, onValue)]);
 * a.writer.tryWrite(1); b.writer.tryWrite(2); a.writer.complete(); b.writer.complete();
 * for (;;) {
 *   const r = await sel.run();
 *   if (r.isErr) break; // error.select.drained once both are drained
 * }
 * console.log(sum); // 3
 * ```
 */
export class PreparedSelect<R> {
  private readonly plan: SelectPlan<R>;
  readonly #cases: readonly SelectCase<R>[];

  /** Validates and copies `cases` (`TypeError` for none or two defaults). */
  constructor(cases: readonly SelectCase<R>[]) {
    this.plan = planSelect(cases);
    this.#cases = Object.freeze(this.plan.cases.slice());
  }

  /** The (frozen) cases, in registration order. */
  get cases(): readonly SelectCase<R>[] {
    return this.#cases;
  }

  /** Runs one select; see `select` for results, errors and abort behaviour. */
  run(options?: SelectOptions): Result<R> | Promise<Result<R>> {
    return executePlan(this.plan, options);
  }
}

/**
 * Validates `cases` once and returns a {@link PreparedSelect}.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, prepareSelect } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const { reader, writer } = Channel.createUnbounded<string>();
 * const sel = prepareSelect([SelectCase.read(reader, (s: string) => ok(s.toUpperCase()))]);
 * writer.tryWrite("hi");
 * console.log(sel.run()); // Ok("HI"), synchronously
 * ```
 */
export function prepareSelect<R>(cases: readonly SelectCase<R>[]): PreparedSelect<R> {
  return new PreparedSelect<R>(cases);
}
