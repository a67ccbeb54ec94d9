import type { Compensation } from "./compensation.ts";
import { concatCompensations, EMPTY_COMPENSATIONS } from "./internal/compensations.ts";
import { okWith } from "./internal/construct.ts";
import { Err, isResult, type Result } from "./result.ts";

/** The helper `Result.gen` hands to its body: `yield* bind(result)` unwraps a success or stops the body. */
export type GenBind = <U>(result: Result<U>) => Generator<Result<U>, U, unknown>;

function* bind<U>(result: Result<U>): Generator<Result<U>, U, unknown> {
  return (yield result) as U;
}

/**
 * Early-return notation: inside a generator, `yield* bind(result)` gives the value of a success or stops the
 * generator and returns that failure (same error).
 *
 * Details: the generator's return value becomes `Ok(value)`. The compensations of every result unwrapped with
 * `yield*` are kept on the returned result, oldest first. The generator's `finally` blocks run on early exit.
 * Exceptions thrown inside the body are not caught (use `Result.try`).
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, Result } from "@pipe/result";
 * const r = Result.gen(function* (bind) {
 *   const a = yield* bind(ok(2));
 *   const b = yield* bind(a > 1 ? ok(3) : err<number>(PipeError.from("too small")));
 *   return a * b;
 * }); // Ok(6)
 * ```
 */
export function gen<T>(body: (bind: GenBind) => Generator<Result<unknown>, T, unknown>): Result<T> {
  if (typeof body !== "function")
    throw new TypeError("Result.gen: body must be a generator function (function* (bind) { ... }).");
  const iterator = body(bind);
  if (typeof iterator !== "object" || iterator === null || typeof iterator.next !== "function")
    throw new TypeError("Result.gen: body must be a generator function (function* (bind) { ... }).");
  let comps: readonly Compensation[] = EMPTY_COMPENSATIONS;
  let step = iterator.next();
  while (step.done !== true) {
    const yielded = step.value;
    if (!isResult(yielded)) {
      iterator.return(undefined as T);
      throw new TypeError("Result.gen: use `yield* bind(result)`.");
    }
    comps = concatCompensations(comps, yielded.compensations);
    if (yielded.isErr) {
      iterator.return(undefined as T);
      return comps === yielded.compensations
        ? (yielded as unknown as Err<T>)
        : new Err<T>(yielded.error, comps);
    }
    step = iterator.next(yielded.value);
  }
  return okWith(step.value, comps);
}
