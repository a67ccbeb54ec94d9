/**
 * JSON (de)serialisation of PipeError: metadata rendering, cause rendering, and the never-throwing parser.
 *
 * @internal
 * @module
 */
import type { PipeErrorJson } from "../pipe-error-json.ts";
import { hasPipeErrorBrand } from "./brand.ts";
import { setOwnProperty } from "./own-property.ts";
import { exceptionTypeOf, isErrorLike, messageOf } from "./render.ts";

const MAX_DEPTH = 64;
const ERROR_KEYS = new Set(["message", "code", "metadata", "errors", "cause"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialiseValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return "[MaxDepth]";
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (hasPipeErrorBrand(value)) return serialiseError(value as ErrorView, depth);
  if (Array.isArray(value)) return value.map((v) => serialiseValue(v, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwnProperty(out, key, serialiseValue(value[key], depth + 1));
    return out;
  }
  if (isErrorLike(value)) return serialiseCause(value);
  return value;
}

/** The fields of a PipeError that its JSON renders. */
interface ErrorView {
  readonly message: string;
  readonly code: string | undefined;
  readonly cause: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly errors: readonly ErrorView[];
}

/**
 * The JSON of a PipeError `depth` levels inside another's metadata: nested PipeErrors (also inside
 * arrays/records) become their JSON, and the depth limit counts every level, errors' included, so metadata that
 * leads back to an error (a mutable object holding it) ends in `"[MaxDepth]"` instead of recursing forever.
 */
export function serialiseError(error: ErrorView, depth: number): PipeErrorJson {
  const json: {
    message: string;
    code?: string;
    metadata?: Readonly<Record<string, unknown>>;
    errors?: readonly PipeErrorJson[];
    cause?: { name: string; message: string; stack?: string };
  } = { message: error.message };
  if (error.code !== undefined) json.code = error.code;
  const metadata = error.metadata;
  const keys = Object.keys(metadata);
  if (keys.length > 0) {
    const out: Record<string, unknown> = {};
    for (const key of keys) setOwnProperty(out, key, serialiseValue(metadata[key], depth + 1));
    json.metadata = out;
  }
  if (error.errors.length > 0) json.errors = error.errors.map((e) => serialiseError(e, depth));
  if (error.cause !== undefined) json.cause = serialiseCause(error.cause);
  return json;
}

/** Renders a cause as `{ name, message, stack? }`. */
function serialiseCause(cause: unknown): { name: string; message: string; stack?: string } {
  const rendered: { name: string; message: string; stack?: string } = {
    name: exceptionTypeOf(cause),
    message: messageOf(cause),
  };
  if (isErrorLike(cause)) {
    rendered.name = cause.name;
    if (typeof cause.stack === "string") rendered.stack = cause.stack;
  }
  return rendered;
}

class JsonShapeError {
  constructor(
    readonly reason: string,
    readonly path: string,
    /** Fails the whole parse: reading the same value as data instead of as an error would fail the same way. */
    readonly fatal = false,
  ) {}
}

function tooDeep(path: string): JsonShapeError {
  return new JsonShapeError("nesting is too deep", path, true);
}

function looksLikeErrorJson(value: Record<string, unknown>): boolean {
  if (typeof value.message !== "string") return false;
  for (const key of Object.keys(value)) if (!ERROR_KEYS.has(key)) return false;
  return true;
}

function reviveValue<E>(value: unknown, path: string, depth: number, build: BuildError<E>): unknown {
  if (depth > MAX_DEPTH) throw tooDeep(path);
  if (Array.isArray(value)) return value.map((v, i) => reviveValue(v, `${path}[${i}]`, depth + 1, build));
  if (isPlainObject(value)) {
    if (looksLikeErrorJson(value)) {
      try {
        return readError(value, path, depth + 1, build);
      } catch (e) {
        if (!(e instanceof JsonShapeError) || e.fatal) throw e;
        // not an error after all: keep it as data (the check fails before any of its metadata is read, so no
        // value is read twice)
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      setOwnProperty(out, key, reviveValue(value[key], `${path}.${key}`, depth + 1, build));
    return out;
  }
  return value;
}

function readCause(value: unknown, path: string): Error {
  if (!isPlainObject(value) || typeof value.message !== "string") {
    throw new JsonShapeError("cause must be an object with a string message", path);
  }
  if (value.name !== undefined && typeof value.name !== "string") {
    throw new JsonShapeError("cause.name must be a string", `${path}.name`);
  }
  if (value.stack !== undefined && value.stack !== null && typeof value.stack !== "string") {
    throw new JsonShapeError("cause.stack must be a string", `${path}.stack`);
  }
  const cause = new Error(value.message);
  cause.name = typeof value.name === "string" ? value.name : "Error";
  Object.defineProperty(cause, "stack", {
    value: typeof value.stack === "string" ? value.stack : undefined,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return cause;
}

/**
 * Throws the JsonShapeError of the first field of `value` (or of an error in its `errors`, at any depth) that a
 * PipeErrorJson cannot have; reads no metadata value.
 */
function checkError(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep(path);
  if (!isPlainObject(value)) throw new JsonShapeError("expected an object", path);
  const { message, code, metadata, errors, cause } = value;
  if (typeof message !== "string") throw new JsonShapeError("message must be a string", `${path}.message`);
  if (code !== undefined && code !== null && (typeof code !== "string" || code.trim().length === 0)) {
    throw new JsonShapeError("code must be a non-blank string", `${path}.code`);
  }
  if (metadata !== undefined && metadata !== null) {
    if (!isPlainObject(metadata)) throw new JsonShapeError("metadata must be an object", `${path}.metadata`);
    for (const key of Object.keys(metadata)) {
      if (key.trim().length === 0)
        throw new JsonShapeError("metadata keys must be non-blank", `${path}.metadata`);
    }
  }
  if (errors !== undefined && errors !== null) {
    if (!Array.isArray(errors)) throw new JsonShapeError("errors must be an array", `${path}.errors`);
    for (let i = 0; i < errors.length; i++) checkError(errors[i], `${path}.errors[${i}]`, depth + 1);
  }
  if (cause !== undefined && cause !== null) readCause(cause, `${path}.cause`);
}

/**
 * Reads an error: its shape is checked first, in full, so the only failure once its metadata is being revived
 * is a fatal one (an error-like value nested in it that fails is kept as data where it is).
 */
function readError<E>(value: unknown, path: string, depth: number, build: BuildError<E>): E {
  checkError(value, path, depth);
  return buildChecked(value as Record<string, unknown>, path, depth, build);
}

function buildChecked<E>(
  value: Record<string, unknown>,
  path: string,
  depth: number,
  build: BuildError<E>,
): E {
  const { message, code, metadata, errors, cause } = value;
  const options: ErrorFields<E> = {};
  if (cause !== undefined && cause !== null) options.cause = readCause(cause, `${path}.cause`);
  if (metadata !== undefined && metadata !== null) {
    const revived: Record<string, unknown> = {};
    const record = metadata as Record<string, unknown>;
    for (const key of Object.keys(record))
      setOwnProperty(revived, key, reviveValue(record[key], `${path}.metadata.${key}`, depth + 1, build));
    options.metadata = revived;
  }
  if (errors !== undefined && errors !== null) {
    options.errors = (errors as unknown[]).map((e, i) =>
      buildChecked(e as Record<string, unknown>, `${path}.errors[${i}]`, depth + 1, build),
    );
  }
  return build(message as string, typeof code === "string" ? code : undefined, options);
}

/** The optional fields of an error read from JSON (the PipeError constructor's options). */
interface ErrorFields<E> {
  cause?: unknown;
  metadata?: Record<string, unknown>;
  errors?: E[];
}

/**
 * Builds one error of type `E` (a PipeError) from validated fields: the PipeError constructor, passed in so this
 * module does not depend on the class it parses for.
 */
export type BuildError<E> = (message: string, code: string | undefined, options: ErrorFields<E>) => E;

/**
 * Why a PipeErrorJson was rejected: the message and `path` of the `error.validation` failure, and its cause
 * (`path` is undefined for an unexpected exception, reported as it is).
 */
interface ErrorJsonProblem {
  readonly message: string;
  readonly path: string | undefined;
  readonly cause: unknown;
}

/** The outcome of {@link parsePipeErrorJson}: the error, or the problem that makes the input invalid. */
export type ParsedErrorJson<E> =
  | { readonly error: E; readonly problem?: undefined }
  | { readonly error?: undefined; readonly problem: ErrorJsonProblem };

/** Parses a PipeErrorJson (an object or JSON text) with `build`; never throws. */
export function parsePipeErrorJson<E>(json: unknown, build: BuildError<E>): ParsedErrorJson<E> {
  let input: unknown = json;
  if (typeof json === "string") {
    try {
      input = JSON.parse(json);
    } catch (e) {
      return { problem: { message: `Invalid PipeError JSON: ${messageOf(e)}`, path: "$", cause: e } };
    }
  }
  try {
    return { error: readError(input, "$", 0, build) };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      return { problem: { message: `Invalid PipeError JSON: ${e.reason}.`, path: e.path, cause: undefined } };
    }
    return { problem: { message: messageOf(e), path: undefined, cause: e } };
  }
}
