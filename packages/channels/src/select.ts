import type { Result } from "@pipe/result";
import { executePlan, planSelect, type SelectPlan } from "./internal/select-plan.ts";
import type { SelectCase } from "./select-case.ts";
import type { SelectOptions } from "./select-options.ts";

/**
 * Runs exactly one case: the first ready read case by priority then registration order, else the default
 * case, else waits for the first case to become ready (Go's `select`).
 *
 * When to use: consuming several channels with priorities, adding a timeout or deadline to a read, or polling
 * with a default case. In a hot loop over the same cases, use {@link prepareSelect} and call `run()`: it
 * validates the cases once, while `select(cases)` looks up the plan of `cases` and checks on every call that
 * the array still holds the same cases (so an edited array never runs an old plan).
 *
 * Details: returns a plain Result when a case is ready at once and its continuation is synchronous (no
 * promise allocated), else a Promise. Only the winning case reads a value; losing cases consume nothing, and
 * cases are reusable. While waiting, select registers one-shot watchers on each open reader, one timer per
 * timeout/deadline and one abort listener, all removed when it settles (no `Promise.race`). With `fair`, ties
 * among ready cases of the same priority rotate across calls made with the same cases array.
 *
 * Errors: `error.select.drained` when every read case's channel completed without a value (and no deadline
 * case is pending); `error.timeout` (metadata `duration`) on timeout; `error.canceled` on abort or a
 * pre-aborted signal; when a continuation throws or rejects, the failure `fromThrown` gives (`error.exception`;
 * `error.canceled` for an `AbortError`, `error.timeout` for a `TimeoutError`); a reader completed with an
 * error makes select return that error (a PipeError passes through; anything else is converted the same way). Usage errors (thrown synchronously): `cases` not an array, a case not made
 * by `SelectCase.read`/`default`/`deadline` (a look-alike plain object too), no cases, more than one default
 * case, an `options.signal` that is not an `AbortSignal` (all `TypeError`), a negative `timeout`
 * (`RangeError`).
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, select } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const urgent = Channel.createUnbounded<string>();
 * const normal = Channel.createUnbounded<string>();
 * normal.writer.tryWrite("n"); urgent.writer.tryWrite("u");
 * const cases = [
 *   SelectCase.read(urgent.reader, (s: string) => ok(`urgent ${s}`)),
 *   SelectCase.read(normal.reader, (s: string) => ok(`normal ${s}`)),
 * ];
 * console.log(await select(cases, { timeout: 1000 })); // Ok("urgent u")
 * ```
 */
export function select<R>(
  cases: readonly SelectCase<R>[],
  options?: SelectOptions,
): Result<R> | Promise<Result<R>>;
/** Cases of different result types: the Result holds the union of their types. */
export function select<C extends readonly SelectCase<unknown>[]>(
  cases: C,
  options?: SelectOptions,
): Result<SelectValue<C>> | Promise<Result<SelectValue<C>>>;
export function select<R>(
  cases: readonly SelectCase<R>[],
  options?: SelectOptions,
): Result<R> | Promise<Result<R>> {
  return executePlan(planFor(cases), options);
}

/**
 * The union of the result types of a cases array (`SelectValue<[SelectCase<number>, SelectCase<string>]>` is
 * `number | string`): what {@link select} returns for cases of different types.
 *
 * @example
 * ```ts
 * import type { SelectCase, SelectValue } from "@pipe/channels";
 * type Both = SelectValue<[SelectCase<number>, SelectCase<string>]>; // number | string
 * ```
 */
export type SelectValue<C extends readonly SelectCase<unknown>[]> =
  C[number] extends SelectCase<infer R> ? R : never;

/**
 * The plan of each cases array select has seen, reused while the array holds the same cases. Held only through
 * the WeakMap (nothing else keeps an array or its plan), so a cases array no longer used, with its readers and
 * continuations, can be collected.
 */
const plans = new WeakMap<readonly SelectCase<unknown>[], SelectPlan<unknown>>();

/** The plan for `cases`: the cached one when the array still holds the same cases, else a new one. */
function planFor<R>(cases: readonly SelectCase<R>[]): SelectPlan<R> {
  let plan = plans.get(cases) as SelectPlan<R> | undefined;
  if (plan === undefined || !sameCases(plan.cases, cases)) {
    plan = planSelect(cases);
    plans.set(cases, plan);
  }
  return plan;
}

function sameCases<R>(a: readonly SelectCase<R>[], b: readonly SelectCase<R>[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
