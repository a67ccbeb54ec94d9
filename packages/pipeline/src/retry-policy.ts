import { requireNonNegative, requirePositiveInteger } from "./internal/util.ts";

/** Options of {@link ResultRetryPolicy.exponential}. */
export interface ExponentialRetryOptions {
  /**
   * `true` draws each delay uniformly from `[0, delay]` ("full jitter"); a number `f` in `(0, 1]` draws it from
   * `[delay·(1−f), delay·(1+f)]` (still capped). Default: no jitter.
   */
  readonly jitter?: boolean | number;
  /** Source of randomness in `[0, 1)` for jitter (default `Math.random`; inject one for deterministic tests). */
  readonly random?: () => number;
}

/** The delays of one retry run: `next()` returns the wait before the next attempt, or `undefined` to stop. */
export interface RetrySchedule {
  /** The wait in milliseconds before the next attempt, or `undefined` when no attempt is left. */
  next(): number | undefined;
}

type Kind = "fixed" | "exponential" | "iterable";

class CountingSchedule implements RetrySchedule {
  private retries = 0;
  constructor(private readonly policy: ResultRetryPolicy) {}
  next(): number | undefined {
    if (this.retries + 1 >= this.policy.maxAttempts) return undefined;
    return this.policy.delayBefore(++this.retries + 1);
  }
}

class IterableSchedule implements RetrySchedule {
  private readonly iterator: Iterator<number>;
  private attempts = 1;
  constructor(
    iterable: Iterable<number>,
    private readonly maxAttempts: number,
  ) {
    this.iterator = iterable[Symbol.iterator]();
  }
  next(): number | undefined {
    if (this.attempts >= this.maxAttempts) return undefined;
    const step = this.iterator.next();
    if (step.done === true) return undefined;
    this.attempts++;
    const delay = Number(step.value);
    return Number.isFinite(delay) && delay > 0 ? delay : 0;
  }
}

/**
 * How often, and after which delays, a failed operation is tried again.
 *
 * When to use: `ResultPipeline.retry(op, { policy })`, or per operation of `ResultPipeline.fanOut` through a
 * `ResultExecutionPolicy` (`ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.exponential(3, 25, 2, 500))`).
 *
 * Details: `maxAttempts` counts the first try (so `fixed(3, 10)` tries at most three times, waiting 10 ms twice).
 * `exponential(max, initial, multiplier = 2, maxDelay = Infinity)` waits `initial · multiplier^(n−1)` before
 * retry n, capped at `maxDelay`, optionally jittered. `from(iterable)` (or any iterable of delays passed where a
 * policy is expected) retries once per delay it yields. Delays are milliseconds on the caller's
 * `TimeProvider`; a delay past 2^31 − 1 ms (about 24.8 days, the longest every runtime's timers accept, and
 * where an uncapped exponential ends up after enough attempts) waits that long. Failures coded `error.canceled`
 * are never retried; thrown exceptions (`error.exception`) are.
 * An optional `shouldRetry(error, attempt)` narrows further.
 *
 * Gotchas: an infinite iterable retries until success or abort. Policies are immutable; `withShouldRetry`
 * returns a copy.
 *
 * @example
 * ```ts
 * import { ResultRetryPolicy } from "@pipe/pipeline";
 * const policy = ResultRetryPolicy.exponential(4, 25, 2, 80);
 * console.log(policy.maxAttempts, policy.delayBefore(2), policy.delayBefore(4)); // 4 25 80
 * ```
 */
export class ResultRetryPolicy {
  /** One attempt, no retry. */
  static readonly none: ResultRetryPolicy = new ResultRetryPolicy(
    "fixed",
    1,
    0,
    1,
    Number.POSITIVE_INFINITY,
    {},
  );

  /** Attempts including the first (`Infinity` for an unbounded iterable of delays). */
  readonly maxAttempts: number;
  /** Optional predicate: retry only the failures it accepts (canceled failures are never retried). */
  readonly shouldRetry: ((error: import("@pipe/result").PipeError, attempt: number) => boolean) | undefined;
  readonly #kind: Kind;
  readonly #initial: number;
  readonly #multiplier: number;
  readonly #maxDelay: number;
  readonly #jitter: number | "full";
  readonly #random: () => number;
  readonly #iterable: Iterable<number> | undefined;

  private constructor(
    kind: Kind,
    maxAttempts: number,
    initial: number,
    multiplier: number,
    maxDelay: number,
    options: ExponentialRetryOptions,
    iterable?: Iterable<number>,
    shouldRetry?: (error: import("@pipe/result").PipeError, attempt: number) => boolean,
  ) {
    this.#kind = kind;
    this.maxAttempts = maxAttempts;
    this.#initial = initial;
    this.#multiplier = multiplier;
    this.#maxDelay = maxDelay;
    const jitter = options.jitter;
    this.#jitter =
      jitter === true ? "full" : typeof jitter === "number" ? Math.min(1, Math.max(0, jitter)) : 0;
    this.#random = options.random ?? Math.random;
    this.#iterable = iterable;
    this.shouldRetry = shouldRetry;
  }

  /**
   * Retries with a constant delay.
   * @throws RangeError when `maxAttempts` is not a positive integer or `delayMs` is negative.
   */
  static fixed(maxAttempts: number, delayMs: number): ResultRetryPolicy {
    requirePositiveInteger(maxAttempts, "ResultRetryPolicy.fixed: maxAttempts");
    requireNonNegative(delayMs, "ResultRetryPolicy.fixed: delayMs");
    return new ResultRetryPolicy("fixed", maxAttempts, delayMs, 1, Number.POSITIVE_INFINITY, {});
  }

  /**
   * Retries with exponentially growing delays, capped at `maxDelayMs`, optionally jittered.
   * @throws RangeError when `maxAttempts` is not a positive integer, a delay is negative or `multiplier < 1`.
   */
  static exponential(
    maxAttempts: number,
    initialDelayMs: number,
    multiplier = 2,
    maxDelayMs: number = Number.POSITIVE_INFINITY,
    options: ExponentialRetryOptions = {},
  ): ResultRetryPolicy {
    requirePositiveInteger(maxAttempts, "ResultRetryPolicy.exponential: maxAttempts");
    requireNonNegative(initialDelayMs, "ResultRetryPolicy.exponential: initialDelayMs");
    requireNonNegative(maxDelayMs, "ResultRetryPolicy.exponential: maxDelayMs");
    if (!(multiplier >= 1)) throw new RangeError("ResultRetryPolicy.exponential: multiplier must be >= 1.");
    return new ResultRetryPolicy("exponential", maxAttempts, initialDelayMs, multiplier, maxDelayMs, options);
  }

  /**
   * Retries once per delay the iterable yields (it is iterated afresh for every retry run).
   * @throws TypeError when `delays` is not iterable.
   */
  static from(delays: Iterable<number>): ResultRetryPolicy {
    if (delays == null || typeof (delays as Iterable<number>)[Symbol.iterator] !== "function") {
      throw new TypeError("ResultRetryPolicy.from: delays must be an iterable of milliseconds.");
    }
    const max = Array.isArray(delays) ? delays.length + 1 : Number.POSITIVE_INFINITY;
    return new ResultRetryPolicy("iterable", max, 0, 1, Number.POSITIVE_INFINITY, {}, delays);
  }

  /** A policy, or an iterable of delays turned into one; `undefined` gives {@link ResultRetryPolicy.none}. */
  static of(policy: ResultRetryPolicy | Iterable<number> | undefined): ResultRetryPolicy {
    if (policy === undefined) return ResultRetryPolicy.none;
    return policy instanceof ResultRetryPolicy ? policy : ResultRetryPolicy.from(policy);
  }

  /** A copy that retries only failures accepted by `predicate` (never `error.canceled`). */
  withShouldRetry(
    predicate: (error: import("@pipe/result").PipeError, attempt: number) => boolean,
  ): ResultRetryPolicy {
    const jitter = this.#jitter === "full" ? true : this.#jitter;
    return new ResultRetryPolicy(
      this.#kind,
      this.maxAttempts,
      this.#initial,
      this.#multiplier,
      this.#maxDelay,
      { jitter, random: this.#random },
      this.#iterable,
      predicate,
    );
  }

  /**
   * The delay before attempt `attempt` (2 is the first retry) for fixed and exponential policies, jitter
   * included; 0 for iterable policies (their delays come from the iterable).
   */
  delayBefore(attempt: number): number {
    if (this.#kind === "iterable" || attempt < 2) return 0;
    let delay = this.#kind === "fixed" ? this.#initial : this.#initial * this.#multiplier ** (attempt - 2);
    if (delay > this.#maxDelay) delay = this.#maxDelay;
    if (this.#jitter === "full") delay = this.#random() * delay;
    else if (this.#jitter > 0)
      delay = Math.min(this.#maxDelay, delay * (1 - this.#jitter + 2 * this.#jitter * this.#random()));
    return delay;
  }

  /** A fresh schedule for one retry run. */
  schedule(): RetrySchedule {
    return this.#iterable === undefined
      ? new CountingSchedule(this)
      : new IterableSchedule(this.#iterable, this.maxAttempts);
  }
}
