/**
 * Validation and normalisation of the fields a PipeError is built from (message, code, metadata, children).
 *
 * @internal
 * @module
 */

import { descriptorMetadataOf } from "../error-codes.ts";
import { hasPipeErrorBrand } from "./brand.ts";
import { EMPTY_METADATA } from "./render.ts";

/** The shared frozen empty list of children every non-aggregate error points at. */
export const EMPTY_ERRORS: readonly never[] = Object.freeze([]);

function invalidArguments(message: unknown): never {
  if (typeof message !== "string") throw new TypeError("PipeError: message must be a string.");
  throw new TypeError("PipeError: code must be a non-blank string or undefined.");
}

/** The children as a frozen copy (`EMPTY_ERRORS` for none); a child that is not a PipeError is a `TypeError`. */
export function buildChildren<E extends object>(errors: readonly E[] | undefined): readonly E[] {
  if (errors === undefined || errors === null || errors.length === 0) return EMPTY_ERRORS;
  for (const child of errors) {
    if (!hasPipeErrorBrand(child)) throw new TypeError("PipeError: every child must be a PipeError.");
  }
  return Object.freeze([...errors]);
}

/** A non-blank string (cheap for the usual code without leading whitespace). */
function isCode(code: unknown): boolean {
  if (typeof code !== "string" || code.length === 0) return false;
  const first = code.charCodeAt(0);
  // A printable ASCII first character settles it; otherwise (" x", "\u00a0", ...) ask `trim`.
  return (first > 32 && first < 127) || code.trim().length > 0;
}

/**
 * The frozen metadata of an error: the code's descriptor metadata, overridden by `metadata`. Blank keys and a
 * non-object `metadata` are a `TypeError`.
 */
export function buildMetadata(
  code: string | undefined,
  metadata: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> {
  const descriptor = descriptorMetadataOf(code);
  if (metadata === undefined || metadata === null) return descriptor ?? EMPTY_METADATA;
  if (typeof metadata !== "object") throw new TypeError("PipeError: metadata must be an object.");
  const keys = Object.keys(metadata);
  for (const key of keys) {
    if (key.trim().length === 0) throw new TypeError("PipeError: metadata keys must be non-blank strings.");
  }
  if (descriptor === undefined) {
    if (keys.length === 0) return EMPTY_METADATA;
    return Object.isFrozen(metadata) ? metadata : Object.freeze({ ...metadata });
  }
  return Object.freeze({ ...descriptor, ...metadata });
}

/** Throws a `TypeError` unless `message` is a string and `code` is `undefined` or a non-blank string. */
export function checkMessageAndCode(message: unknown, code: unknown): void {
  if (typeof message !== "string" || (code !== undefined && !isCode(code))) invalidArguments(message);
}
