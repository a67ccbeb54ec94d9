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
  if (hasPipeErrorBrand(value)) return (value as { toJSON(): PipeErrorJson }).toJSON();
  if (Array.isArray(value)) return value.map((v) => serialiseValue(v, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwnProperty(out, key, serialiseValue(value[key], depth + 1));
    return out;
  }
  if (isErrorLike(value)) return serialiseCause(value);
  return value;
}

/** Renders metadata for JSON: nested PipeErrors (also inside arrays/records) become their JSON. */
export function serialiseMetadata(metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) setOwnProperty(out, key, serialiseValue(metadata[key], 1));
  return out;
}

/** Renders a cause as `{ name, message, stack? }`. */
export function serialiseCause(cause: unknown): { name: string; message: string; stack?: string } {
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
  ) {}
}

function looksLikeErrorJson(value: Record<string, unknown>): boolean {
  if (typeof value.message !== "string") return false;
  for (const key of Object.keys(value)) if (!ERROR_KEYS.has(key)) return false;
  return true;
}

function reviveValue<E>(value: unknown, path: string, depth: number, build: BuildError<E>): unknown {
  if (depth > MAX_DEPTH) throw new JsonShapeError("nesting is too deep", path);
  if (Array.isArray(value)) return value.map((v, i) => reviveValue(v, `${path}[${i}]`, depth + 1, build));
  if (isPlainObject(value)) {
    if (looksLikeErrorJson(value)) {
      try {
        return readError(value, path, depth + 1, build);
      } catch (e) {
        if (!(e instanceof JsonShapeError)) throw e;
        // not an error after all: keep it as data
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

function readError<E>(value: unknown, path: string, depth: number, build: BuildError<E>): E {
  if (depth > MAX_DEPTH) throw new JsonShapeError("nesting is too deep", path);
  if (!isPlainObject(value)) throw new JsonShapeError("expected an object", path);
  const { message, code, metadata, errors, cause } = value;
  if (typeof message !== "string") throw new JsonShapeError("message must be a string", `${path}.message`);
  if (code !== undefined && code !== null && (typeof code !== "string" || code.trim().length === 0)) {
    throw new JsonShapeError("code must be a non-blank string", `${path}.code`);
  }
  let revivedMetadata: Record<string, unknown> | undefined;
  if (metadata !== undefined && metadata !== null) {
    if (!isPlainObject(metadata)) throw new JsonShapeError("metadata must be an object", `${path}.metadata`);
    revivedMetadata = {};
    for (const key of Object.keys(metadata)) {
      if (key.trim().length === 0)
        throw new JsonShapeError("metadata keys must be non-blank", `${path}.metadata`);
      setOwnProperty(
        revivedMetadata,
        key,
        reviveValue(metadata[key], `${path}.metadata.${key}`, depth + 1, build),
      );
    }
  }
  let children: E[] | undefined;
  if (errors !== undefined && errors !== null) {
    if (!Array.isArray(errors)) throw new JsonShapeError("errors must be an array", `${path}.errors`);
    children = errors.map((e, i) => readError(e, `${path}.errors[${i}]`, depth + 1, build));
  }
  const options: ErrorFields<E> = {};
  if (cause !== undefined && cause !== null) options.cause = readCause(cause, `${path}.cause`);
  if (revivedMetadata !== undefined) options.metadata = revivedMetadata;
  if (children !== undefined) options.errors = children;
  return build(message, typeof code === "string" ? code : undefined, options);
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
