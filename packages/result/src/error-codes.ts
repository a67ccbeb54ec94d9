/**
 * Well-known error codes, their descriptors, and the registry other packages extend.
 *
 * @module
 */

/**
 * Describes one error code: a stable `code` string plus human-readable name, description and category.
 *
 * @example
 * ```ts
 * import { ErrorCodes, type ErrorDescriptor } from "@pipe/result";
 * const d: ErrorDescriptor | undefined = ErrorCodes.describe("error.timeout");
 * console.log(d?.category); // "General"
 * ```
 */
export interface ErrorDescriptor {
  /** The code string carried by `PipeError.code`, e.g. `"error.timeout"`. */
  readonly code: string;
  /** A short PascalCase name, e.g. `"Timeout"`. */
  readonly name: string;
  /** One sentence saying what the code means. */
  readonly description: string;
  /** A grouping such as `"General"`, `"Channels"`, `"Shards"`. */
  readonly category: string;
}

/** The code strings `@pipe/result` knows out of the box. */
export type KnownErrorCode =
  | "error.canceled"
  | "error.timeout"
  | "error.exception"
  | "error.aggregate"
  | "error.validation"
  | "error.unspecified"
  | "error.select.drained"
  | "error.channel.completed";

/**
 * The shape of the {@link ErrorCodes} object: code constants plus the registry functions.
 */
export interface ErrorCodesApi {
  /** `"error.canceled"`: the operation was aborted (metadata `reason`). */
  readonly canceled: "error.canceled";
  /** `"error.timeout"`: the operation exceeded its deadline (metadata `duration`, ms). */
  readonly timeout: "error.timeout";
  /** `"error.exception"`: an exception was caught and turned into a value (metadata `exceptionType`). */
  readonly exception: "error.exception";
  /** `"error.aggregate"`: several failures; the children are in `PipeError.errors`. */
  readonly aggregate: "error.aggregate";
  /** `"error.validation"`: input validation or a precondition failed. */
  readonly validation: "error.validation";
  /** `"error.unspecified"`: a failure without a more precise category. */
  readonly unspecified: "error.unspecified";
  /** `"error.select.drained"`: every select case's channel completed without yielding a value. */
  readonly selectDrained: "error.select.drained";
  /** `"error.channel.completed"`: the channel completed before the operation could finish. */
  readonly channelCompleted: "error.channel.completed";
  /**
   * Registers one descriptor or several (idempotent for an identical descriptor).
   *
   * Details: a `PipeError` created with a registered code gets `error.name`, `error.description` and
   * `error.category` metadata (unless the caller set those keys). Register at module load of your codes file.
   *
   * Gotchas: throws a `TypeError` (usage error) for a blank code/name, a non-string field, or a code that is
   * already registered with a different descriptor.
   *
   * @example
   * ```ts
   * import { ErrorCodes } from "@pipe/result";
   * ErrorCodes.register({ code: "shards.not_found", name: "ShardNotFound", description: "No such shard.", category: "Shards" });
   * ```
   */
  register(descriptor: ErrorDescriptor | readonly ErrorDescriptor[]): void;
  /**
   * Returns the descriptor of a registered code, or `undefined` for an unknown code.
   *
   * @example
   * ```ts
   * import { ErrorCodes } from "@pipe/result";
   * ErrorCodes.describe("error.canceled")?.name; // "Canceled"
   * ```
   */
  describe(code: string): ErrorDescriptor | undefined;
  /**
   * Lists every registered descriptor in registration order (a fresh array).
   *
   * @example
   * ```ts
   * import { ErrorCodes } from "@pipe/result";
   * ErrorCodes.list().map((d) => d.code);
   * ```
   */
  list(): readonly ErrorDescriptor[];
}

const registry = new Map<string, ErrorDescriptor>();
const descriptorMetadata = new Map<string, Readonly<Record<string, unknown>>>();

const isBlank = (value: unknown): boolean => typeof value !== "string" || value.trim().length === 0;

function registerOne(descriptor: ErrorDescriptor): void {
  if (descriptor === null || typeof descriptor !== "object") {
    throw new TypeError("ErrorCodes.register: a descriptor must be an object.");
  }
  const { code, name, description, category } = descriptor;
  if (isBlank(code) || isBlank(name) || typeof description !== "string" || isBlank(category)) {
    throw new TypeError(
      "ErrorCodes.register: code, name and category must be non-blank strings and description a string.",
    );
  }
  const existing = registry.get(code);
  if (existing !== undefined) {
    if (existing.name === name && existing.description === description && existing.category === category) {
      return;
    }
    throw new TypeError(`ErrorCodes.register: code "${code}" is already registered with another descriptor.`);
  }
  const frozen: ErrorDescriptor = Object.freeze({ code, name, description, category });
  registry.set(code, frozen);
  descriptorMetadata.set(
    code,
    Object.freeze({ "error.name": name, "error.description": description, "error.category": category }),
  );
}

/**
 * The frozen descriptor metadata (`error.name`, `error.description`, `error.category`) of a registered code,
 * shared between errors so that an error without its own metadata allocates nothing; `undefined` otherwise.
 *
 * @internal
 */
export function descriptorMetadataOf(
  code: string | undefined,
): Readonly<Record<string, unknown>> | undefined {
  return code === undefined ? undefined : descriptorMetadata.get(code);
}

/**
 * Well-known error code constants and the registry of error descriptors.
 *
 * When to use: compare `error.code` against these constants instead of string literals, and register your
 * package's own codes (`shards.*`, `tenants.*`) so errors carry descriptive metadata.
 *
 * @example
 * ```ts
 * import { ErrorCodes, PipeError } from "@pipe/result";
 * const e = PipeError.timeout(250);
 * if (e.code === ErrorCodes.timeout) console.log(e.metadata["error.category"]); // "General"
 * ```
 */
export const ErrorCodes: ErrorCodesApi = Object.freeze({
  canceled: "error.canceled",
  timeout: "error.timeout",
  exception: "error.exception",
  aggregate: "error.aggregate",
  validation: "error.validation",
  unspecified: "error.unspecified",
  selectDrained: "error.select.drained",
  channelCompleted: "error.channel.completed",
  register(descriptor: ErrorDescriptor | readonly ErrorDescriptor[]): void {
    if (Array.isArray(descriptor)) {
      for (const d of descriptor as readonly ErrorDescriptor[]) registerOne(d);
    } else {
      registerOne(descriptor as ErrorDescriptor);
    }
  },
  describe(code: string): ErrorDescriptor | undefined {
    return registry.get(code);
  },
  list(): readonly ErrorDescriptor[] {
    return [...registry.values()];
  },
} as const);

ErrorCodes.register([
  {
    code: "error.aggregate",
    name: "Aggregate",
    description: "Several nested errors from a pipeline, in PipeError.errors.",
    category: "General",
  },
  {
    code: "error.canceled",
    name: "Canceled",
    description: "The operation was canceled by an abort signal or a cancellation-aware pipeline.",
    category: "General",
  },
  {
    code: "error.channel.completed",
    name: "ChannelCompleted",
    description: "The channel completed before a pending operation could finish.",
    category: "Channels",
  },
  {
    code: "error.exception",
    name: "Exception",
    description: "An unhandled exception was caught and turned into an error value.",
    category: "General",
  },
  {
    code: "error.select.drained",
    name: "SelectDrained",
    description: "Every select case's channel completed without yielding a value.",
    category: "Channels",
  },
  {
    code: "error.timeout",
    name: "Timeout",
    description: "The operation exceeded its deadline.",
    category: "General",
  },
  {
    code: "error.unspecified",
    name: "Unspecified",
    description: "Unknown failure category; the fallback when no error is given.",
    category: "General",
  },
  {
    code: "error.validation",
    name: "Validation",
    description: "Input validation or a precondition failed.",
    category: "General",
  },
]);
