import { err, fromThrown, isResult, isThenable, ok, type Result } from "@pipe/result";

const asResult = <R>(value: unknown): Result<R> => (isResult(value) ? (value as Result<R>) : ok(value as R));

const failure = <R>(error: unknown): Result<R> => err<R>(fromThrown(error));

/**
 * Calls a user function that returns a Result (or a promise of one) and never lets it throw: a throw or a
 * rejection becomes a failure by `fromThrown` (`error.exception` with it as cause). A non-Result return value is wrapped in `ok`.
 */
export function invokeUser<A, R, B = undefined>(
  fn: (arg: A, arg2: B) => unknown,
  arg: A,
  arg2?: B,
): Result<R> | Promise<Result<R>> {
  let out: unknown;
  try {
    out = fn(arg, arg2 as B);
  } catch (error) {
    return failure<R>(error);
  }
  return settleOutput<R>(out);
}

/**
 * What a user function returned, as a Result: a Result as is, a promise settled into one (a rejection becomes
 * `error.exception`), any other value wrapped in `ok`. For call sites that make the call themselves.
 */
export function settleOutput<R>(out: unknown): Result<R> | Promise<Result<R>> {
  if (isResult(out)) return out as Result<R>;
  if (isThenable(out)) return Promise.resolve(out).then(asResult<R>, failure<R>);
  return ok(out as R);
}
