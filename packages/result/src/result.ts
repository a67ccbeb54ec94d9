/**
 * The Result and the error it carries: `Ok`, `Err`, `PipeError` and the `ok`/`err` factories.
 *
 * They live in one module because each needs the other at run time: `PipeError.fromJSON` returns a Result,
 * and `Ok.ensure` and `err` create PipeErrors; in two modules they would import each other. The JSON shape
 * (`pipe-error-json.ts`), the field checks (`internal/pipe-error-fields.ts`) and the JSON parser
 * (`internal/error-json.ts`) are apart and import nothing from here.
 *
 * @module
 */
import type { Compensation, CompensationAction, StatefulCompensationAction } from "./compensation.ts";
import { descriptorMetadataOf, ErrorCodes } from "./error-codes.ts";
import { hasPipeErrorBrand, PIPE_ERROR_BRAND } from "./internal/brand.ts";
import {
  appendEntries,
  appendOne,
  concatCompensations,
  EMPTY_COMPENSATIONS,
} from "./internal/compensations.ts";
import { countFailure, countSuccess } from "./internal/diagnostics-state.ts";
import { parsePipeErrorJson, serialiseError } from "./internal/error-json.ts";
import { keptResults } from "./internal/kept.ts";
import { setOwnProperty } from "./internal/own-property.ts";
import {
  buildChildren,
  buildMetadata,
  checkMessageAndCode,
  EMPTY_ERRORS,
} from "./internal/pipe-error-fields.ts";
import { EMPTY_METADATA, exceptionTypeOf, messageOf, renderReason, renderValue } from "./internal/render.ts";
import type { PipeErrorJson } from "./pipe-error-json.ts";
import { ResultError } from "./result-error.ts";

/** Options for {@link PipeError.from} and the `PipeError` constructor. */
export interface PipeErrorOptions {
  /** The original exception or value that caused the failure (kept as is, with its stack). */
  readonly cause?: unknown;
  /** Extra data; copied and frozen. Keys must be non-blank strings. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Children (the constructor use of {@link PipeError.aggregate}). */
  readonly errors?: readonly PipeError[];
}

/**
 * An immutable, serialisable error value: message, optional code, cause, frozen metadata and aggregate children.
 *
 * When to use: as the failure of every `Result`. Build one with the static factories (`from`, `fromException`,
 * `canceled`, `timeout`, `unspecified`, `aggregate`) and enrich it copy-on-write (`withMetadata`, `withCode`,
 * `withCause`).
 *
 * Details: it does not extend `Error` and captures no stack, so creating one is cheap; the original exception
 * (with its stack) is kept in `cause`. An error owns only the fields that are set (`message` and `code`
 * always); an absent `cause`, empty `metadata` and empty `errors` come from the prototype, so read them as
 * properties (spreading a PipeError copies only its own fields; use `toJSON()` to copy one). A registered code (see {@link ErrorCodes}) adds `error.name`,
 * `error.description` and `error.category` metadata unless you set those keys.
 *
 * Gotchas: a non-string message, a blank code or a blank metadata key is a usage error (`TypeError`).
 *
 * @example
 * ```ts
 * import { PipeError } from "@pipe/result";
 * const e = PipeError.from("Shard not found", "shards.not_found", { metadata: { shard: 7 } });
 * console.log(e.toString()); // "shards.not_found: Shard not found"
 * console.log(e.withMetadata("attempt", 2).metadata.attempt); // 2
 * ```
 */
export class PipeError {
  /** The human-readable message. */
  declare readonly message: string;
  /** The machine-readable code (see {@link ErrorCodes}), or `undefined`. */
  declare readonly code: string | undefined;
  /** The original exception or value, or `undefined`. */
  declare readonly cause: unknown;
  /** Frozen metadata. */
  declare readonly metadata: Readonly<Record<string, unknown>>;
  /** Children of an aggregate (frozen; empty otherwise). */
  declare readonly errors: readonly PipeError[];

  /**
   * Creates an error; prefer {@link PipeError.from}. Throws `TypeError` for a non-string message, a blank code
   * or a blank metadata key, and when a child is not a PipeError.
   */
  constructor(message: string, code?: string, options?: PipeErrorOptions) {
    checkMessageAndCode(message, code);
    // Only fields that differ from the prototype's defaults are owned, always in this order, so equal errors have
    // equal own keys.
    this.message = message;
    this.code = code;
    if (options === undefined) {
      const metadata = descriptorMetadataOf(code);
      if (metadata !== undefined) this.metadata = metadata;
      return;
    }
    if (typeof options !== "object" || options === null)
      throw new TypeError("PipeError: options must be an object { cause?, metadata?, errors? }.");
    const metadata = buildMetadata(code, options.metadata);
    if (metadata !== EMPTY_METADATA) this.metadata = metadata;
    if (options.cause !== undefined) this.cause = options.cause;
    const errors = buildChildren(options.errors);
    if (errors !== EMPTY_ERRORS) this.errors = errors;
  }

  /**
   * Creates an error from a message, an optional code and optional `{ cause, metadata }`.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * const e = PipeError.from("Bad input", "error.validation", { metadata: { field: "name" } });
   * ```
   */
  static from(message: string, code?: string, options?: PipeErrorOptions): PipeError {
    return new PipeError(message, code, options);
  }

  /**
   * Wraps a thrown value: message from the exception, code `error.exception` (or `code`), cause = the exception,
   * metadata `exceptionType`.
   *
   * Details: a PipeError is returned as is (re-coded when `code` is given); a {@link ResultError} gives back its
   * PipeError. Non-Error values are stringified.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * const e = PipeError.fromException(new TypeError("boom"));
   * console.log(e.code, e.metadata.exceptionType); // "error.exception" "TypeError"
   * ```
   */
  static fromException(exception: unknown, code?: string): PipeError {
    if (exception instanceof ResultError) exception = exception.error;
    if (PipeError.is(exception)) return code === undefined ? exception : exception.withCode(code);
    return new PipeError(messageOf(exception), code ?? ErrorCodes.exception, {
      cause: exception,
      metadata: { exceptionType: exceptionTypeOf(exception) },
    });
  }

  /**
   * A cancellation error: code `error.canceled`, default message "Operation was canceled.", metadata `reason`
   * (a serialisable rendering of the abort reason: a string, `{ name, message }` or JSON data) when given.
   *
   * Gotchas: pass `signal.reason`, not the signal; a signal is replaced by its reason.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * const c = new AbortController();
   * c.abort("shutdown");
   * PipeError.canceled(undefined, c.signal.reason).metadata.reason; // "shutdown"
   * ```
   */
  static canceled(message?: string, reason?: unknown): PipeError {
    const rendered = renderReason(reason);
    return new PipeError(
      message ?? "Operation was canceled.",
      ErrorCodes.canceled,
      rendered === undefined ? undefined : { metadata: { reason: rendered } },
    );
  }

  /**
   * A timeout error: code `error.timeout`, default message "The operation timed out.", metadata `duration` (ms)
   * when given.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.timeout(500).metadata.duration; // 500
   * ```
   */
  static timeout(durationMs?: number, message?: string): PipeError {
    return new PipeError(
      message ?? "The operation timed out.",
      ErrorCodes.timeout,
      durationMs === undefined ? undefined : { metadata: { duration: durationMs } },
    );
  }

  /**
   * The fallback error: code `error.unspecified`, default message "An unspecified error occurred.".
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.unspecified().toString(); // "error.unspecified: An unspecified error occurred."
   * ```
   */
  static unspecified(message?: string): PipeError {
    return new PipeError(message ?? "An unspecified error occurred.", ErrorCodes.unspecified);
  }

  /**
   * Combines several errors: code `error.aggregate`, children in `errors`.
   *
   * Gotchas: zero children is a usage error (`RangeError`); a child that is not a PipeError is a `TypeError`.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * const all = PipeError.aggregate("Two failed.", [PipeError.from("a"), PipeError.from("b")]);
   * all.errors.length; // 2
   * ```
   */
  static aggregate(message: string, errors: readonly PipeError[]): PipeError {
    if (!Array.isArray(errors) || errors.length === 0) {
      throw new RangeError("PipeError.aggregate: at least one child error is required.");
    }
    return new PipeError(message, ErrorCodes.aggregate, { errors });
  }

  /**
   * Rebuilds an error from its JSON (an object, or a JSON string). Never throws.
   *
   * Errors: a failed Result with `error.validation` (metadata `path`) when the input is not an object with a
   * string `message`, or a field has the wrong type. Nested errors in metadata (objects shaped like a
   * PipeErrorJson) come back as PipeErrors; the cause comes back as an `Error` with the original name, message
   * and stack.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * const r = PipeError.fromJSON(JSON.parse(JSON.stringify(PipeError.timeout(10))));
   * if (r.isOk) console.log(r.value.code); // "error.timeout"
   * ```
   */
  static fromJSON(json: unknown): Result<PipeError> {
    const { error, problem } = parsePipeErrorJson(json, buildError);
    if (problem === undefined) return ok(error);
    if (problem.path === undefined) return err(PipeError.fromException(problem.cause, "error.validation"));
    const options: PipeErrorOptions = { cause: problem.cause, metadata: { path: problem.path } };
    return err(new PipeError(problem.message, "error.validation", options));
  }

  /**
   * Whether a value is a PipeError (also across duplicated copies of this package).
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.is(PipeError.from("x")); // true
   * ```
   */
  static is(value: unknown): value is PipeError {
    return value instanceof PipeError || hasPipeErrorBrand(value);
  }

  /**
   * Returns a copy with one metadata entry (`key`, `value`) or several (a record) added or replaced.
   *
   * Gotchas: a blank key is a usage error (`TypeError`).
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.from("x").withMetadata({ tenant: "a", attempt: 3 }).metadata.attempt; // 3
   * ```
   */
  withMetadata(key: string, value: unknown): PipeError;
  withMetadata(entries: Readonly<Record<string, unknown>>): PipeError;
  withMetadata(keyOrEntries: string | Readonly<Record<string, unknown>>, value?: unknown): PipeError {
    let added: Record<string, unknown>;
    if (typeof keyOrEntries === "string") {
      if (keyOrEntries.trim().length === 0) {
        throw new TypeError("PipeError.withMetadata: the key must be a non-blank string.");
      }
      added = { [keyOrEntries]: value };
    } else if (typeof keyOrEntries === "object" && keyOrEntries !== null) {
      added = keyOrEntries as Record<string, unknown>;
    } else {
      throw new TypeError("PipeError.withMetadata: expected a key and a value, or a record.");
    }
    return new PipeError(this.message, this.code, {
      cause: this.cause,
      metadata: { ...this.metadata, ...added },
      errors: this.errors,
    });
  }

  /**
   * Returns a copy with another code (the old code's descriptor metadata is replaced by the new one's).
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.from("x").withCode("error.validation").code; // "error.validation"
   * ```
   */
  withCode(code: string | undefined): PipeError {
    const old = descriptorMetadataOf(this.code);
    let metadata: Record<string, unknown> = { ...this.metadata };
    if (old !== undefined) {
      metadata = {};
      for (const key of Object.keys(this.metadata)) {
        if (!(key in old && old[key] === this.metadata[key]))
          setOwnProperty(metadata, key, this.metadata[key]);
      }
    }
    return new PipeError(this.message, code, { cause: this.cause, metadata, errors: this.errors });
  }

  /**
   * Returns a copy with another cause.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * PipeError.from("x").withCause(new Error("root")).cause;
   * ```
   */
  withCause(cause: unknown): PipeError {
    return new PipeError(this.message, this.code, { cause, metadata: this.metadata, errors: this.errors });
  }

  /**
   * The JSON shape: message, code, metadata (nested errors rendered recursively), children, and the cause as
   * `{ name, message, stack? }`. `JSON.stringify(error)` uses it.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * JSON.stringify(PipeError.from("x", "demo.code")); // {"message":"x","code":"demo.code"}
   * ```
   */
  toJSON(): PipeErrorJson {
    return serialiseError(this, 0);
  }

  /**
   * `"code: message"`, or just the message when there is no code.
   *
   * @example
   * ```ts
   * import { PipeError } from "@pipe/result";
   * String(PipeError.timeout()); // "error.timeout: The operation timed out."
   * ```
   */
  toString(): string {
    return this.code === undefined ? this.message : `${this.code}: ${this.message}`;
  }
}

function buildError(message: string, code: string | undefined, options: PipeErrorOptions): PipeError {
  return new PipeError(message, code, options);
}

// The brand and the defaults of the optional fields live on the prototype; the fields are writable so that an
// instance can own them (they are `readonly` in the types, and nothing writes them after construction).
Object.defineProperties(PipeError.prototype, {
  [PIPE_ERROR_BRAND]: { value: true },
  cause: { value: undefined, writable: true },
  metadata: { value: EMPTY_METADATA, writable: true },
  errors: { value: EMPTY_ERRORS, writable: true },
});

/**
 * A success (`Ok<T>`) or a failure (`Err<T>` with a {@link PipeError}), narrowed by the literal `isOk`/`isErr`.
 *
 * When to use: as the return type of anything that can fail in an expected way; annotate your functions with
 * `Result<T>` so both branches unify.
 *
 * Details: combinators (`map`, `andThen`, `ensure`, `recover`, ...) return new results and keep attached
 * compensations; a failure propagates as the same instance. A Result has no `then` method, so awaiting one
 * yields the Result itself.
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, type Result } from "@pipe/result";
 * function parsePort(s: string): Result<number> {
 *   const n = Number(s);
 *   return Number.isInteger(n) ? ok(n) : err(PipeError.from(`Not a port: ${s}`, "error.validation"));
 * }
 * parsePort("80").match({ ok: (p) => p, err: () => 0 }); // 80
 * ```
 */
export type Result<T> = Ok<T> | Err<T>;

/**
 * Creates a success (`ok()` gives `Ok<void>`); counted once in diagnostics.
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * const r = ok({ id: 1 });
 * r.value.id; // 1
 * ```
 */
export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  countSuccess();
  return new Ok(value);
}

/**
 * Creates a failure; counted once in diagnostics.
 *
 * Details: a PipeError (also one made by another copy of this package) is kept as the same instance;
 * `undefined`/`null` becomes `PipeError.unspecified()` and any other value (an exception) goes through
 * `PipeError.fromException`, so a failure always carries a PipeError.
 *
 * @example
 * ```ts
 * import { err, PipeError } from "@pipe/result";
 * const r = err<number>(PipeError.from("Out of stock", "shop.out_of_stock"));
 * r.error.code; // "shop.out_of_stock"
 * ```
 */
export function err<T = never>(error: PipeError): Err<T> {
  countFailure();
  return new Err<T>(error instanceof PipeError ? error : toPipeError(error));
}

/** Whatever was passed to `err` as a PipeError: nothing gives `unspecified`, anything else `fromException`. */
function toPipeError(error: unknown): PipeError {
  if (error === undefined || error === null) return PipeError.unspecified();
  return PipeError.fromException(error);
}

/**
 * Whether a value is a Result (an `Ok` or `Err` instance).
 *
 * @example
 * ```ts
 * import { isResult, ok } from "@pipe/result";
 * isResult(ok(1)); // true
 * isResult({ isOk: true }); // false
 * ```
 */
export function isResult(value: unknown): value is Result<unknown> {
  return value instanceof Ok || value instanceof Err;
}

/** The default message of a failed `ensure`. */
export const ENSURE_MESSAGE = "The result did not satisfy the required condition.";

/**
 * A successful {@link Result}: `isOk` is `true`, `value` holds the value, `error` is `undefined`.
 *
 * When to use: create one with `ok(value)` (or `Result.ok`); check `isOk`/`isErr` to narrow a `Result<T>`.
 *
 * Details: results are immutable class instances with prototype methods. An `Ok` owns `value`, and owns
 * `compensations` only when rollback actions are attached (otherwise the prototype supplies a shared frozen
 * empty list); `isOk`, `isErr` and `error` are constants on the prototype. A result is never thenable (no
 * `then` method).
 * Exceptions thrown by your callbacks are not caught; wrap risky code in `Result.try`.
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * const r = ok(20).map((n) => n + 1).ensure((n) => n > 0);
 * if (r.isOk) console.log(r.value); // 21
 * ```
 */
export class Ok<T> {
  /** Always `true` on a success. */
  declare readonly isOk: true;
  /** Always `false` on a success. */
  declare readonly isErr: false;
  /** The value. */
  declare readonly value: T;
  /** Always `undefined` on a success. */
  declare readonly error: undefined;
  /** Rollback actions attached to this result, oldest first (replay in reverse). */
  declare readonly compensations: readonly Compensation[];

  /**
   * Internal: use `ok(value)`; the constructor does not count diagnostics.
   *
   * Gotchas: `Ok` cannot be subclassed (a `TypeError`): its combinators build plain successes.
   */
  constructor(value: T, compensations?: readonly Compensation[]) {
    if (new.target !== Ok) notSubclassable();
    (this as { value: T }).value = value;
    if (compensations !== undefined && compensations.length > 0) {
      (this as { compensations: readonly Compensation[] }).compensations = compensations;
    }
  }

  /**
   * Transforms the value; a failure passes through unchanged (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(2).map((n) => n * 10); // Ok(20)
   * ```
   */
  map<U>(fn: (value: T) => U): Result<U> {
    const next = new Ok(fn(this.value), this.compensations);
    countSuccess();
    return next;
  }

  /**
   * Transforms the error of a failure; a success passes through unchanged.
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).mapError((e) => e.withCode("demo.wrapped"));
   * ```
   */
  mapError(_fn: (error: PipeError) => PipeError): Result<T> {
    return this;
  }

  /**
   * Chains a step that can fail (Hugo `Then`); a failure passes through unchanged. The compensations of both
   * sides are kept (this result's first).
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * ok(7).andThen((n) => (n % 7 === 0 ? err(PipeError.from("multiple of 7")) : ok(n)));
   * ```
   */
  andThen<U>(fn: (value: T) => Result<U>): Result<U> {
    return prependCompensations(this.compensations, fn(this.value));
  }

  /**
   * Runs a side effect with the value and returns this result (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).tap((v) => console.log(v));
   * ```
   */
  tap(fn: (value: T) => void): Result<T> {
    fn(this.value);
    return this;
  }

  /**
   * Runs a side effect with the error of a failure; a success passes through (same instance).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).tapError((e) => console.error(e.toString()));
   * ```
   */
  tapError(_fn: (error: PipeError) => void): Result<T> {
    return this;
  }

  /**
   * Fails when the value does not satisfy `predicate`: with `errorFactory(value)`, or by default an
   * `error.validation` error "The result did not satisfy the required condition.". Compensations are kept.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(-1).ensure((n) => n >= 0).isErr; // true
   * ```
   */
  ensure(predicate: (value: T) => boolean, errorFactory?: (value: T) => PipeError): Result<T> {
    if (predicate(this.value)) return this;
    const error =
      errorFactory === undefined
        ? new PipeError(ENSURE_MESSAGE, "error.validation")
        : errorFactory(this.value);
    const failed = new Err<T>(error, this.compensations);
    countFailure();
    return failed;
  }

  /**
   * Turns a failure into another result (`fn(error)`); a success passes through (same instance). The failed
   * result's compensations are kept, followed by the recovery's.
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * err<number>(PipeError.timeout()).recover(() => ok(0)); // Ok(0)
   * ```
   */
  recover<U>(_fn: (error: PipeError) => Result<U>): Result<T | U> {
    return this;
  }

  /**
   * Folds the result into one value: `ok(value)` for a success, `err(error)` for a failure.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(3).match({ ok: (v) => `got ${v}`, err: (e) => e.message }); // "got 3"
   * ```
   */
  match<A, B = A>(handlers: { readonly ok: (value: T) => A; readonly err: (error: PipeError) => B }): A | B {
    return handlers.ok(this.value);
  }

  /**
   * The value, or the fallback for a failure (a function fallback is called with the error).
   *
   * Gotchas: to fall back to a function value, wrap it: `valueOr(() => fn)`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).valueOr(0); // 1
   * ```
   */
  valueOr<U>(_fallback: U | ((error: PipeError) => U)): T | U {
    return this.value;
  }

  /**
   * The value; a failure throws a `ResultError` carrying the PipeError in `.error`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok("v").unwrap(); // "v"
   * ```
   */
  unwrap(): T {
    return this.value;
  }

  /**
   * Returns a new result (same value or error) carrying one more compensation: `action(signal)` or, without a
   * closure, `action(state, signal)`. Attaching never runs the action. Not counted again in diagnostics.
   *
   * Gotchas: a non-function action is a usage error (`TypeError`).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * const r = ok({ id: "order-1" }).withCompensation({ id: "order-1" }, async (o, signal) => { console.log("cancel", o.id); });
   * r.compensations.length; // 1
   * ```
   */
  withCompensation<R>(this: R, action: CompensationAction): R;
  withCompensation<R, S>(this: R, state: S, action: StatefulCompensationAction<S>): R;
  withCompensation(stateOrAction: unknown, action?: unknown): Ok<T> {
    return new Ok(this.value, appendOne(this.compensations, stateOrAction, action));
  }

  /**
   * Returns a new result carrying `entries` after the existing compensations (see `compensation()`).
   *
   * @example
   * ```ts
   * import { compensation, ok } from "@pipe/result";
   * ok(1).withCompensations([compensation(() => {}), compensation(() => {})]).compensations.length; // 2
   * ```
   */
  withCompensations<R>(this: R, entries: Iterable<Compensation>): R;
  withCompensations(entries: Iterable<Compensation>): Ok<T> {
    return new Ok(this.value, appendEntries(this.compensations, entries));
  }

  /**
   * Returns a result with the same value or error and no compensations (not counted again in diagnostics).
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * ok(1).withCompensation(() => {}).withoutCompensations().compensations.length; // 0
   * ```
   */
  withoutCompensations<R>(this: R): R;
  withoutCompensations(): Ok<T> {
    return this.compensations.length === 0 ? this : new Ok(this.value);
  }

  /**
   * `"Ok(value)"`.
   *
   * @example
   * ```ts
   * import { ok } from "@pipe/result";
   * String(ok(1)); // "Ok(1)"
   * ```
   */
  toString(): string {
    return `Ok(${renderValue(this.value)})`;
  }
}

// Constant members live on the prototype, so a success holds only `value` (and `compensations` when it has
// some; the prototype's default is writable so that an instance can own its own).
Object.defineProperties(Ok.prototype, {
  compensations: { value: EMPTY_COMPENSATIONS, writable: true },
  isOk: { value: true },
  isErr: { value: false },
  error: { value: undefined },
});

function notSubclassable(): never {
  throw new TypeError("Ok cannot be subclassed: create successes with ok(value).");
}

/** `result` with `comps` placed before its own compensations (a copy; not counted again). @internal */
export function prependCompensations<T>(comps: readonly Compensation[], result: Result<T>): Result<T> {
  if (comps.length === 0) return result;
  const merged = Object.freeze(comps.concat(result.compensations));
  return result.isOk ? new Ok(result.value, merged) : new Err<T>(result.error, merged);
}

/**
 * A failed {@link Result}: `isErr` is `true`, `error` holds the {@link PipeError}, `value` is `undefined`.
 *
 * When to use: create one with `err(error)` (or `Result.fail`); check `isOk`/`isErr` to narrow a `Result<T>`.
 *
 * Details: every `Err` owns `error`, and owns `compensations` only when rollback actions are attached (otherwise
 * the prototype supplies a shared frozen empty list); `isOk`, `isErr` and `value` are constants on the prototype. Combinators that only act on successes return this same instance, so a propagated failure is the
 * same PipeError and is not counted again in diagnostics. `T` is the success type the result stands in for.
 *
 * @example
 * ```ts
 * import { err, PipeError } from "@pipe/result";
 * const r = err<number>(PipeError.from("Not found", "demo.not_found")).map((n) => n + 1);
 * if (r.isErr) console.log(r.error.code); // "demo.not_found"
 * ```
 */
export class Err<T> {
  /** Always `false` on a failure. */
  declare readonly isOk: false;
  /** Always `true` on a failure. */
  declare readonly isErr: true;
  /** Always `undefined` on a failure. */
  declare readonly value: undefined;
  /** The error. */
  declare readonly error: PipeError;
  /** Rollback actions attached to this result, oldest first (replay in reverse). */
  declare readonly compensations: readonly Compensation[];

  /** Internal: use `err(error)`; the constructor does not count diagnostics. */
  constructor(error: PipeError, compensations?: readonly Compensation[]) {
    (this as { error: PipeError }).error = error;
    if (compensations !== undefined && compensations.length > 0) {
      (this as { compensations: readonly Compensation[] }).compensations = compensations;
    }
  }

  /** See {@link Ok.map}: a failure returns itself. @example `err<number>(e).map((n) => n + 1) // same failure` */
  map<U>(_fn: (value: T) => U): Result<U> {
    return this as unknown as Err<U>;
  }

  /**
   * Replaces the error with `fn(error)`, keeping the compensations.
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).mapError((e) => e.withMetadata("step", "load"));
   * ```
   */
  mapError(fn: (error: PipeError) => PipeError): Result<T> {
    return new Err<T>(fn(this.error), this.compensations);
  }

  /** See {@link Ok.andThen}: a failure returns itself. @example `err<number>(e).andThen((n) => ok(n)) // same failure` */
  andThen<U>(_fn: (value: T) => Result<U>): Result<U> {
    return this as unknown as Err<U>;
  }

  /** See {@link Ok.tap}: a failure returns itself without calling `fn`. @example `err(e).tap(console.log)` */
  tap(_fn: (value: T) => void): Result<T> {
    return this;
  }

  /**
   * Runs a side effect with the error and returns this result (same instance).
   *
   * @example
   * ```ts
   * import { err, PipeError } from "@pipe/result";
   * err(PipeError.from("x")).tapError((e) => console.error(e.toString()));
   * ```
   */
  tapError(fn: (error: PipeError) => void): Result<T> {
    fn(this.error);
    return this;
  }

  /** See {@link Ok.ensure}: a failure returns itself. @example `err<number>(e).ensure((n) => n > 0)` */
  ensure(_predicate: (value: T) => boolean, _errorFactory?: (value: T) => PipeError): Result<T> {
    return this;
  }

  /**
   * Turns the failure into `fn(error)`, keeping this result's compensations before the recovery's.
   *
   * @example
   * ```ts
   * import { err, ok, PipeError } from "@pipe/result";
   * err<number>(PipeError.timeout()).recover(() => ok(0)); // Ok(0)
   * ```
   */
  recover<U>(fn: (error: PipeError) => Result<U>): Result<T | U> {
    const next = fn(this.error);
    const own = this.compensations;
    if (own.length === 0) return next;
    return next.isOk
      ? new Ok<T | U>(next.value, concatCompensations(own, next.compensations))
      : new Err<T | U>(next.error, concatCompensations(own, next.compensations));
  }

  /** See {@link Ok.match}: calls `handlers.err(error)`. @example `err(e).match({ ok: () => 1, err: () => 0 }) // 0` */
  match<A, B = A>(handlers: { readonly ok: (value: T) => A; readonly err: (error: PipeError) => B }): A | B {
    return handlers.err(this.error);
  }

  /** See {@link Ok.valueOr}: returns the fallback (a function is called with the error). @example `err(e).valueOr(0) // 0` */
  valueOr<U>(fallback: U | ((error: PipeError) => U)): T | U {
    return typeof fallback === "function" ? (fallback as (error: PipeError) => U)(this.error) : fallback;
  }

  /** Throws a {@link ResultError} carrying the error. @example `err(e).unwrap() // throws ResultError` */
  unwrap(): T {
    throw new ResultError(this.error);
  }

  /** See {@link Ok.withCompensation}. @example `err(e).withCompensation(() => undo())` */
  withCompensation<R>(this: R, action: CompensationAction): R;
  withCompensation<R, S>(this: R, state: S, action: StatefulCompensationAction<S>): R;
  withCompensation(stateOrAction: unknown, action?: unknown): Err<T> {
    return new Err<T>(this.error, appendOne(this.compensations, stateOrAction, action));
  }

  /** See {@link Ok.withCompensations}. @example `err(e).withCompensations([compensation(undo)])` */
  withCompensations<R>(this: R, entries: Iterable<Compensation>): R;
  withCompensations(entries: Iterable<Compensation>): Err<T> {
    return new Err<T>(this.error, appendEntries(this.compensations, entries));
  }

  /** See {@link Ok.withoutCompensations}. @example `err(e).withoutCompensations()` */
  withoutCompensations<R>(this: R): R;
  withoutCompensations(): Err<T> {
    return this.compensations.length === 0 ? this : new Err<T>(this.error, EMPTY_COMPENSATIONS);
  }

  /** `"Err(code: message)"`. @example `String(err(PipeError.timeout())) // "Err(error.timeout: The operation timed out.)"` */
  toString(): string {
    return `Err(${this.error.toString()})`;
  }
}

// Constant members live on the prototype, so an instance holds one field (`error`), plus an own
// `compensations` only when rollback actions are attached.
Object.defineProperties(Err.prototype, {
  compensations: { value: EMPTY_COMPENSATIONS, writable: true },
  isOk: { value: false },
  isErr: { value: true },
  value: { value: undefined },
});

keptResults.push(ok(undefined), err(new PipeError("kept", "error.validation")));
