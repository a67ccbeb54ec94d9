/**
 * Small, dependency-free helpers that turn arbitrary values (exceptions, abort reasons) into serialisable data.
 *
 * @internal
 * @module
 */

/** A frozen empty record shared by every error without metadata. */
export const EMPTY_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** Whether `value` looks like an `Error` (or `DOMException`): an object with string `name` and `message`. */
export function isErrorLike(value: unknown): value is { name: string; message: string; stack?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { message?: unknown }).message === "string" &&
    typeof (value as { name?: unknown }).name === "string"
  );
}

/** The type name of an exception: its `name` unless that is the generic "Error", else its constructor's. */
export function exceptionTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return typeof value;
  const name = (value as { name?: unknown }).name;
  if (typeof name === "string" && name !== "" && name !== "Error") return name;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  if (ctor !== undefined && typeof ctor.name === "string" && ctor.name !== "") return ctor.name;
  return typeof name === "string" && name !== "" ? name : "Object";
}

/** A readable message for any thrown value. */
export function messageOf(value: unknown): string {
  if (isErrorLike(value)) return value.message;
  if (typeof value === "string") return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A serialisable rendering of an abort reason: primitives as they are, error-likes as `{ name, message }`,
 * JSON-safe objects as a JSON copy, anything else as a string. An `AbortSignal` is replaced by its reason.
 */
export function renderReason(reason: unknown): unknown {
  if (typeof AbortSignal !== "undefined" && reason instanceof AbortSignal) reason = reason.reason;
  if (reason === null || reason === undefined) return reason;
  switch (typeof reason) {
    case "string":
    case "number":
    case "boolean":
      return reason;
    case "bigint":
      return reason.toString();
    case "object":
      if (isErrorLike(reason)) return { name: reason.name, message: reason.message };
      try {
        const json = JSON.stringify(reason);
        if (json !== undefined) return JSON.parse(json) as unknown;
      } catch {
        // fall through to the string rendering
      }
      return messageOf(reason);
    default:
      return messageOf(reason);
  }
}

/** A short rendering of a value for `toString()`: strings as is, plain objects/arrays as JSON, else `String`. */
export function renderValue(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value) || proto === Object.prototype) {
      try {
        const json = JSON.stringify(value);
        if (json !== undefined) return json;
      } catch {
        // fall through
      }
    }
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
