import type { Compensation, CompensationAction, StatefulCompensationAction } from "./compensation.ts";
import { fromThrown } from "./from-thrown.ts";
import { errWith, okWith } from "./internal/construct.ts";
import { isThenable } from "./is-thenable.ts";
import { PipeError } from "./pipe-error.ts";
import { ENSURE_MESSAGE, Err, err, isResult, type Result } from "./result.ts";
import { ResultError } from "./result-error.ts";

type MaybePromise<X> = X | PromiseLike<X>;

function settleSource<T>(value: unknown): Result<T> {
  if (isResult(value)) return value as Result<T>;
  return err(
    PipeError.from("AsyncResult: the source did not resolve to a Result.", "error.validation", {
      metadata: { receivedType: value === null ? "null" : typeof value },
    }),
  );
}

const fromRejection = <T>(reason: unknown): Result<T> => err(fromThrown(reason));

/**
 * A `PromiseLike<Result<T>>` with the same combinators as `Result`, accepting sync or async callbacks, so an async
 * chain needs one `await`.
 *
 * When to use: wrap an `async function` that returns `Promise<Result<T>>` with `AsyncResult.from(...)` (or start
 * from `Result.tryAsync`) and keep chaining; `await` the chain to get the `Result<T>`.
 *
 * Details: a rejected source becomes a failure by the library's one rule ({@link fromThrown}: `error.exception`
 * with the rejection as cause; an `AbortError` is `error.canceled`, a `TimeoutError` `error.timeout`). Each combinator
 * adopts promises returned by its callback. Compensations travel exactly as with `Result`.
 *
 * Gotchas: like `Result`, an exception thrown (or a rejection returned) by one of your callbacks is not turned
 * into a failure: the AsyncResult rejects. Use `Result.tryAsync` inside `andThen` for risky code.
 *
 * @example
 * ```ts
 * import { AsyncResult, ok, type Result } from "@pipe/result";
 * async function load(id: number): Promise<Result<{ id: number; total: number }>> {
 *   return ok({ id, total: 42 });
 * }
 * const r = await AsyncResult.from(load(1))
 *   .map((o) => o.total)
 *   .andThen(async (t) => ok(t * 2));
 * console.log(r.isOk && r.value); // 84
 * ```
 */
export class AsyncResult<T> implements PromiseLike<Result<T>> {
  /** The underlying promise; it resolves to a Result (it rejects only when a callback threw). */
  readonly promise: Promise<Result<T>>;

  /** Wraps a promise of a Result; prefer {@link AsyncResult.from}, which also converts rejections. */
  constructor(promise: PromiseLike<Result<T>>) {
    this.promise = Promise.resolve(promise);
  }

  /**
   * Wraps a Result, a promise of a Result, or another AsyncResult. A rejection becomes a failure by
   * {@link fromThrown} (`error.exception`; `error.canceled` for an `AbortError`, `error.timeout` for a
   * `TimeoutError`); a value that is not a Result becomes `error.validation`.
   *
   * @example
   * ```ts
   * import { AsyncResult, ok } from "@pipe/result";
   * const a = AsyncResult.from(ok(1));
   * const b = AsyncResult.from(Promise.resolve(ok(2)));
   * ```
   */
  static from<T>(source: Result<T> | PromiseLike<Result<T>>): AsyncResult<T> {
    if (source instanceof AsyncResult) return source as AsyncResult<T>;
    if (isResult(source)) return new AsyncResult(Promise.resolve(source as Result<T>));
    return new AsyncResult(Promise.resolve(source).then(settleSource<T>, fromRejection<T>));
  }

  /** Makes AsyncResult awaitable (resolves to the Result). @example `const r = await AsyncResult.from(ok(1));` */
  // biome-ignore lint/suspicious/noThenProperty: AsyncResult is deliberately a PromiseLike.
  then<A = Result<T>, B = never>(
    onfulfilled?: ((value: Result<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.promise.then(onfulfilled, onrejected);
  }

  /** Transforms the value (sync or async). @example `AsyncResult.from(ok(1)).map(async (n) => n + 1)` */
  map<U>(fn: (value: T) => MaybePromise<U>): AsyncResult<U> {
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<U>> => {
        if (r.isErr) return r as unknown as Err<U>;
        const next = fn(r.value);
        const comps = r.compensations;
        return isThenable(next) ? Promise.resolve(next).then((v) => okWith(v, comps)) : okWith(next, comps);
      }),
    );
  }

  /** Transforms the error of a failure (sync or async). @example `a.mapError((e) => e.withMetadata("step", "x"))` */
  mapError(fn: (error: PipeError) => MaybePromise<PipeError>): AsyncResult<T> {
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<T>> => {
        if (r.isOk) return r;
        const next = fn(r.error);
        const comps = r.compensations;
        return isThenable(next)
          ? Promise.resolve(next).then((e) => new Err<T>(e, comps))
          : new Err<T>(next, comps);
      }),
    );
  }

  /** Chains a step returning a Result, a promise of one, or an AsyncResult; compensations concatenate. @example `a.andThen(async (v) => ok(v))` */
  andThen<U>(fn: (value: T) => MaybePromise<Result<U>>): AsyncResult<U> {
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<U>> => {
        if (r.isErr) return r as unknown as Err<U>;
        const next = fn(r.value);
        if (!isThenable(next)) return r.andThen(() => next);
        return Promise.resolve(next).then((n) => r.andThen(() => settleSource<U>(n)));
      }),
    );
  }

  /** Runs a side effect (awaited when it returns a promise) with the value. @example `a.tap(async (v) => log(v))` */
  tap(fn: (value: T) => unknown): AsyncResult<T> {
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<T>> => {
        if (r.isErr) return r;
        const out = fn(r.value);
        return isThenable(out) ? Promise.resolve(out).then(() => r) : r;
      }),
    );
  }

  /** Runs a side effect (awaited when it returns a promise) with the error. @example `a.tapError((e) => log(e))` */
  tapError(fn: (error: PipeError) => unknown): AsyncResult<T> {
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<T>> => {
        if (r.isOk) return r;
        const out = fn(r.error);
        return isThenable(out) ? Promise.resolve(out).then(() => r) : r;
      }),
    );
  }

  /**
   * Fails with `errorFactory(value)` (default: `error.validation` "The result did not satisfy the required
   * condition.") when the (sync or async) predicate is false.
   *
   * @example
   * ```ts
   * import { AsyncResult, ok } from "@pipe/result";
   * await AsyncResult.from(ok(-1)).ensure(async (n) => n >= 0); // Err(error.validation: ...)
   * ```
   */
  ensure(
    predicate: (value: T) => MaybePromise<boolean>,
    errorFactory?: (value: T) => PipeError,
  ): AsyncResult<T> {
    const decide = (r: Result<T> & { isOk: true }, passed: boolean): Result<T> =>
      passed
        ? r
        : errWith<T>(
            errorFactory === undefined
              ? PipeError.from(ENSURE_MESSAGE, "error.validation")
              : errorFactory(r.value as T),
            r.compensations,
          );
    return new AsyncResult(
      this.promise.then((r): MaybePromise<Result<T>> => {
        if (r.isErr) return r;
        const passed = predicate(r.value);
        return isThenable(passed) ? Promise.resolve(passed).then((p) => decide(r, p)) : decide(r, passed);
      }),
    );
  }

  /** Turns a failure into another result (sync or async). @example `a.recover(() => ok(0))` */
  recover<U>(fn: (error: PipeError) => MaybePromise<Result<U>>): AsyncResult<T | U> {
    return new AsyncResult<T | U>(
      this.promise.then((r): MaybePromise<Result<T | U>> => {
        if (r.isOk) return r;
        const next = fn(r.error);
        if (!isThenable(next)) return r.recover(() => next);
        return Promise.resolve(next).then((n) => r.recover(() => settleSource<U>(n)));
      }),
    );
  }

  /** Folds into one value (handlers may be async). @example `await a.match({ ok: (v) => v, err: () => 0 })` */
  match<A, B = A>(handlers: {
    readonly ok: (value: T) => MaybePromise<A>;
    readonly err: (error: PipeError) => MaybePromise<B>;
  }): Promise<A | B> {
    return this.promise.then((r) => (r.isOk ? handlers.ok(r.value) : handlers.err(r.error)));
  }

  /** The value or the fallback (a function fallback gets the error). @example `await a.valueOr(0)` */
  valueOr<U>(fallback: U | ((error: PipeError) => U)): Promise<T | U> {
    return this.promise.then((r) => r.valueOr(fallback));
  }

  /** The value; rejects with a {@link ResultError} for a failure. @example `await a.unwrap()` */
  unwrap(): Promise<T> {
    return this.promise.then((r) => {
      if (r.isErr) throw new ResultError(r.error);
      return r.value;
    });
  }

  /** Attaches a compensation to the eventual result (see `Ok.withCompensation`). @example `a.withCompensation(() => undo())` */
  withCompensation(action: CompensationAction): AsyncResult<T>;
  withCompensation<S>(state: S, action: StatefulCompensationAction<S>): AsyncResult<T>;
  withCompensation(stateOrAction: unknown, action?: unknown): AsyncResult<T> {
    return new AsyncResult(
      this.promise.then((r) =>
        action === undefined
          ? r.withCompensation(stateOrAction as CompensationAction)
          : r.withCompensation(stateOrAction, action as StatefulCompensationAction<unknown>),
      ),
    );
  }

  /** Attaches several compensation entries to the eventual result. @example `a.withCompensations([compensation(undo)])` */
  withCompensations(entries: Iterable<Compensation>): AsyncResult<T> {
    return new AsyncResult(this.promise.then((r) => r.withCompensations(entries)));
  }

  /** The eventual result without compensations. @example `a.withoutCompensations()` */
  withoutCompensations(): AsyncResult<T> {
    return new AsyncResult(this.promise.then((r) => r.withoutCompensations()));
  }
}
