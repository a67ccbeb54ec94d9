/**
 * Validation and normalisation of the fields a PipeError is built from (message, code, metadata, children).
 *
 * @internal
 * @module
 */

import { descriptorMetadataOf } from "../error-codes.ts";
import { hasPipeErrorBrand } from "./brand.ts";
import { setOwnProperty } from "./own-property.ts";
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

/**
 * A copy of `metadata` without the entries that `code`'s descriptor added (those still holding the descriptor's
 * value), so that a re-coded error gets the new code's descriptor metadata instead.
 */
export function withoutDescriptorMetadata(
  code: string | undefined,
  metadata: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const old = descriptorMetadataOf(code);
  if (old === undefined) return { ...metadata };
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) {
    if (!(key in old && old[key] === metadata[key])) setOwnProperty(kept, key, metadata[key]);
  }
  return kept;
}

/** The entries `withMetadata` adds: one `key`/`value` pair or a record; a blank key or anything else is a `TypeError`. */
export function addedMetadata(
  keyOrEntries: string | Readonly<Record<string, unknown>>,
  value: unknown,
): Readonly<Record<string, unknown>> {
  if (typeof keyOrEntries === "string") {
    if (keyOrEntries.trim().length === 0) {
      throw new TypeError("PipeError.withMetadata: the key must be a non-blank string.");
    }
    return { [keyOrEntries]: value };
  }
  if (typeof keyOrEntries === "object" && keyOrEntries !== null) return keyOrEntries;
  throw new TypeError("PipeError.withMetadata: expected a key and a value, or a record.");
}
