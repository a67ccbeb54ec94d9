/**
 * `PipeError`, the failure every `Result` carries. It imports nothing Result-shaped: `result.ts` imports it, reading
 * one from JSON (which returns a Result) is `pipeErrorFromJSON`, and a `ResultError` is recognised by its brand.
 *
 * @module
 */
import { descriptorMetadataOf, ErrorCodes } from "./error-codes.ts";
import { hasPipeErrorBrand, isResultError, PIPE_ERROR_BRAND } from "./internal/brand.ts";
import { serialiseError } from "./internal/error-json.ts";
import {
  addedMetadata,
  buildChildren,
  buildMetadata,
  checkMessageAndCode,
  EMPTY_ERRORS,
  withoutDescriptorMetadata,
} from "./internal/pipe-error-fields.ts";
import { EMPTY_METADATA, exceptionTypeOf, messageOf, renderReason } from "./internal/render.ts";
import type { PipeErrorJson } from "./pipe-error-json.ts";

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
 * properties (spreading a PipeError copies only its own fields; use `toJSON()` to copy one). A registered code
 * (see {@link ErrorCodes}) adds `error.name`, `error.description` and `error.category` metadata unless you set
 * those keys.
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
    if (isResultError(exception)) exception = exception.error;
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
    const added = addedMetadata(keyOrEntries, value);
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
    const metadata = withoutDescriptorMetadata(this.code, this.metadata);
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

// The brand and the defaults of the optional fields live on the prototype; the fields are writable so that an
// instance can own them (they are `readonly` in the types, and nothing writes them after construction).
Object.defineProperties(PipeError.prototype, {
  [PIPE_ERROR_BRAND]: { value: true },
  cause: { value: undefined, writable: true },
  metadata: { value: EMPTY_METADATA, writable: true },
  errors: { value: EMPTY_ERRORS, writable: true },
});
