/**
 * Checks of the arguments the service's methods share: the filter (a programming error when it is not a
 * `ShardFilter`), a cursor option and a page size.
 */
import { err, ok, type PipeError, type Result } from "@pipe/result";
import { decodeShardCursor } from "../cursor.ts";
import { ShardFilter } from "../filter.ts";
import type { ShardKey } from "../model.ts";
import { filterError } from "./lookup.ts";
import { serviceErrors } from "./service-errors.ts";

/** Throws a `TypeError` naming `method` unless `filter` is a {@link ShardFilter} (a programming error). */
export function requireShardFilter(method: string, filter: unknown): void {
  if (!(filter instanceof ShardFilter))
    throw new TypeError(
      `ShardControlPlaneService.${method}: filter must be a ShardFilter (ShardFilter.create({ ... })), got ${typeof filter}.`,
    );
}

/**
 * The filter of a `list` or `diff`: `shards.control.filter.required` for none, `error.validation` for values
 * outside the lookup grammar; a `TypeError` naming `method` when it is not a {@link ShardFilter}.
 */
export function checkedFilter(method: string, filter: ShardFilter | null | undefined): Result<ShardFilter> {
  if (filter === undefined || filter === null) return err(serviceErrors.filterRequired());
  requireShardFilter(method, filter);
  const invalid = filterError(filter);
  return invalid === undefined ? ok(filter) : err(invalid);
}

/**
 * The cursor a caller passed, or `undefined` for none (absent, null or blank). A cursor that is not a string is
 * a programming error: a `TypeError` naming the method, rather than a failure deep inside the decoder.
 */
function cursorOption(method: string, cursor: unknown): string | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  if (typeof cursor !== "string")
    throw new TypeError(
      `ShardControlPlaneService.${method}: options.cursor must be a string, got ${typeof cursor}.`,
    );
  return cursor.trim().length > 0 ? cursor : undefined;
}

/**
 * The position a `cursor` option stands for (`undefined` for none), or `shards.control.cursor.invalid`; a
 * `TypeError` naming `method` when it is not a string.
 */
export function cursorArgument(method: string, cursor: unknown): Result<ShardKey | undefined> {
  const text = cursorOption(method, cursor);
  return text === undefined ? ok(undefined) : decodeShardCursor(text);
}

/**
 * `error.validation` (path `$.pageSize`, the value in metadata `pageSize`) unless `raw` is absent (null or
 * undefined) or an integer from `min` to `max`.
 */
export function pageSizeError(
  raw: number | null | undefined,
  min: number,
  max: number,
): PipeError | undefined {
  if (raw === undefined || raw === null || (Number.isInteger(raw) && raw >= min && raw <= max))
    return undefined;
  return serviceErrors
    .validation(`Page size must be an integer from ${min} to ${max}.`, "$.pageSize")
    .withMetadata("pageSize", raw);
}
