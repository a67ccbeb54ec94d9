import { err, ok, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";
import { decodeShardCursor } from "../../cursor.ts";
import { ShardFilter } from "../../filter.ts";
import { ShardIdentifierLimits, ShardIdentifierSchemas, shardLookupProblem } from "../../identifier.ts";
import { decodeWith, type Issue, validationError } from "../../internal/decode.ts";
import type { ShardStatus } from "../../model.ts";
import { parseShardStatus } from "../../status.ts";

/** A cursor names two lookup values (`namespace|shardId`): base64url of at most 2 x 4 KiB + 1 bytes. */
const MAX_CURSOR = Math.ceil((2 * ShardIdentifierLimits.lookupMaxBytes + 1) / 3) * 4;
const SEPARATORS = /[\s,;]+/;

const Text = ShardIdentifierSchemas.lookup;
const isPageSize = (s: string): boolean => /^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= 500;
const isPosition = (s: string): boolean => /^\d{1,15}$/.test(s);
const isStatusList = (s: string): boolean =>
  s.split(SEPARATORS).every((part) => part.length === 0 || parseShardStatus(part) !== undefined);

const Cursor = Schema.String.check(Schema.isMaxLength(MAX_CURSOR));
const PageSize = Schema.String.check(Schema.makeFilter(isPageSize, { expected: "an integer from 1 to 500" }));
const Position = Schema.String.check(
  Schema.makeFilter(isPosition, { expected: "a non-negative integer (a change position)" }),
);
const Status = Schema.String.check(
  Schema.makeFilter(isStatusList, { expected: "statuses among active, draining, paused, disabled (or 0-3)" }),
);

const filterFields = {
  namespace: Schema.optional(Text),
  owner: Schema.optional(Text),
  ownerNodeId: Schema.optional(Text),
  search: Schema.optional(Text),
  status: Schema.optional(Schema.Array(Status)),
};

const ListQuery = Schema.Struct({
  ...filterFields,
  pageSize: Schema.optional(PageSize),
  cursor: Schema.optional(Cursor),
  minPosition: Schema.optional(Position),
});
const DiffQuery = Schema.Struct({
  ...filterFields,
  fromPosition: Schema.optional(Position),
  toPosition: Schema.optional(Position),
});
const WatchQuery = Schema.Struct({ ...filterFields, resumeToken: Schema.optional(Position) });
const SimulatePageSize = Schema.String.check(
  Schema.makeFilter((s: string) => /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 10_000, {
    expected: "an integer from 1 to 10000",
  }),
);
const SimulateQuery = Schema.Struct({
  pageSize: Schema.optional(SimulatePageSize),
  cursor: Schema.optional(Cursor),
});

const MULTI = new Set(["status"]);
/** Accepted aliases (the original's parameter names). */
const ALIASES: Readonly<Record<string, string>> = {
  fromVersion: "fromPosition",
  toVersion: "toPosition",
  from: "fromPosition",
  to: "toPosition",
  statuses: "status",
};
const IGNORED = new Set(["access_token"]);

/** A percent-escape of a byte 0x80-0xFF: only those can make a query string's bytes invalid UTF-8. */
const HIGH_ESCAPE = /%[89a-f][0-9a-f]/i;
const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The `$.query.<name>` issues of parameters whose percent-escapes are not UTF-8 (`%FF`, an encoded surrogate
 * `%ED%A0%80`): URL parsing turns each such byte into U+FFFD, so the request would silently ask for other
 * text. Checks nothing unless the query escapes a byte over 0x7F. @internal
 */
export function percentEscapeIssues(url: URL): Issue[] {
  const search = url.search;
  if (!HIGH_ESCAPE.test(search)) return [];
  const issues: Issue[] = [];
  for (const part of search.slice(1).split("&")) {
    const runs = part.match(PERCENT_RUN) ?? [];
    const bad = runs.some((run) => {
      const bytes = Uint8Array.from(run.slice(1).split("%"), (h) => Number.parseInt(h, 16));
      try {
        strictUtf8.decode(bytes);
        return false;
      } catch {
        return true;
      }
    });
    if (bad) {
      const name = new URLSearchParams(part).keys().next().value ?? "";
      issues.push({ path: `$.query.${name}`, message: "Expected percent-escapes of UTF-8 text" });
    }
  }
  return issues;
}

function collect(url: URL, known: readonly string[]): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const issues: Issue[] = percentEscapeIssues(url);
  for (const [rawKey, rawValue] of url.searchParams) {
    if (IGNORED.has(rawKey)) continue;
    const key = ALIASES[rawKey] ?? rawKey;
    if (!known.includes(key)) {
      issues.push({ path: `$.query.${rawKey}`, message: "Unknown query parameter" });
      continue;
    }
    const value = rawValue.trim();
    if (value.length === 0) continue;
    if (MULTI.has(key)) (out[key] as string[] | undefined)?.push(value) ?? (out[key] = [value]);
    else if (key in out) issues.push({ path: `$.query.${rawKey}`, message: "Expected a single value" });
    else out[key] = value;
  }
  return issues.length === 0 ? ok(out) : err(validationError("query", issues));
}

const statusesOf = (raw: readonly string[] | undefined): ShardStatus[] =>
  (raw ?? []).flatMap((v) =>
    v
      .split(SEPARATORS)
      .filter((p) => p.length > 0)
      .flatMap((p) => {
        const status = parseShardStatus(p);
        return status === undefined ? [] : [status];
      }),
  );

const filterOf = (q: {
  readonly namespace?: string | undefined;
  readonly owner?: string | undefined;
  readonly ownerNodeId?: string | undefined;
  readonly search?: string | undefined;
  readonly status?: readonly string[] | undefined;
}): ShardFilter =>
  ShardFilter.create({
    namespace: q.namespace,
    ownerNodeId: q.owner ?? q.ownerNodeId,
    search: q.search,
    statuses: statusesOf(q.status),
  });

const keys = (schema: { readonly fields: object }): string[] => Object.keys(schema.fields);
const LIST_KEYS = keys(ListQuery);

/** The list parameters as `ListQuery` decodes them. @internal */
export type ListFields = {
  readonly namespace?: string | undefined;
  readonly owner?: string | undefined;
  readonly ownerNodeId?: string | undefined;
  readonly search?: string | undefined;
  readonly status?: readonly string[] | undefined;
  readonly pageSize?: string | undefined;
  readonly cursor?: string | undefined;
  readonly minPosition?: string | undefined;
};

const isText = (v: unknown): boolean => typeof v === "string" && shardLookupProblem(v) === undefined;

/**
 * True when the collected list parameters already satisfy `ListQuery` (each by the same predicate the schema
 * checks), so decoding them with the schema would answer them unchanged; anything else goes through the schema,
 * which names the problems. @internal
 */
export function plainListQuery(raw: Record<string, unknown>): raw is ListFields {
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    const fine =
      key === "namespace" || key === "owner" || key === "ownerNodeId" || key === "search"
        ? isText(v)
        : key === "pageSize"
          ? typeof v === "string" && isPageSize(v)
          : key === "cursor"
            ? typeof v === "string" && v.length <= MAX_CURSOR
            : key === "minPosition"
              ? typeof v === "string" && isPosition(v)
              : key === "status" &&
                Array.isArray(v) &&
                v.every((s) => typeof s === "string" && isStatusList(s));
    if (!fine) return false;
  }
  return true;
}

/** The schema decode of collected list parameters (what `plainListQuery` stands in for). @internal */
export const decodeListFields = (raw: Record<string, unknown>): Result<ListFields> =>
  decodeWith(ListQuery, raw, "query", "$.query");

/** Decoded query of `GET /control/shards`. @internal */
export interface ListQueryValue {
  readonly filter: ShardFilter;
  readonly pageSize: number | undefined;
  readonly cursor: string | undefined;
  readonly minPosition: number | undefined;
}

/**
 * Decodes the list query (filters, `pageSize` 1..500, `cursor` as text: `ShardControlPlaneService.list` decodes
 * it, once per request). @internal
 */
export function decodeListQuery(url: URL): Result<ListQueryValue> {
  return collect(url, LIST_KEYS)
    .andThen((raw): Result<ListFields> => (plainListQuery(raw) ? ok(raw) : decodeListFields(raw)))
    .map((q) => ({
      filter: filterOf(q),
      pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
      cursor: q.cursor,
      minPosition: q.minPosition === undefined ? undefined : Number(q.minPosition),
    }));
}

/** Decoded query of `GET /control/shards/diff`. @internal */
export interface DiffQueryValue {
  readonly filter: ShardFilter;
  readonly from: number | undefined;
  readonly to: number | undefined;
}

/** Decodes the diff query (filters, `fromPosition`/`toPosition`, aliases `fromVersion`/`toVersion`). @internal */
export function decodeDiffQuery(url: URL): Result<DiffQueryValue> {
  return collect(url, keys(DiffQuery))
    .andThen((raw) => decodeWith(DiffQuery, raw, "query", "$.query"))
    .andThen((q) => {
      const from = q.fromPosition === undefined ? undefined : Number(q.fromPosition);
      const to = q.toPosition === undefined ? undefined : Number(q.toPosition);
      if (from !== undefined && to !== undefined && from > to)
        return err(
          validationError("query", [
            { path: "$.query.toPosition", message: "Expected toPosition >= fromPosition" },
          ]),
        );
      return ok({ filter: filterOf(q), from, to });
    });
}

/** Decoded query of `GET /control/shards/watch`. @internal */
export interface WatchQueryValue {
  readonly filter: ShardFilter;
  readonly resumeToken: number | undefined;
}

/** Decodes the watch query; a `Last-Event-ID` header (the browser's reconnect) wins over `resumeToken`. @internal */
export function decodeWatchQuery(url: URL, lastEventId: string | null): Result<WatchQueryValue> {
  return collect(url, keys(WatchQuery))
    .andThen((raw) => decodeWith(WatchQuery, raw, "query", "$.query"))
    .andThen((q) => {
      let resume = q.resumeToken === undefined ? undefined : Number(q.resumeToken);
      if (lastEventId !== null && lastEventId.trim().length > 0) {
        const id = decodeWith(
          Position,
          lastEventId.trim(),
          "Last-Event-ID header",
          "$.headers.last-event-id",
        );
        if (id.isErr) return err(id.error);
        resume = Number(id.value);
      }
      return ok({ filter: filterOf(q), resumeToken: resume });
    });
}

/** Decoded query of `POST /control/shards/simulate`: paged when `pageSize` or `cursor` is present. @internal */
export interface SimulateQueryValue {
  readonly paged: boolean;
  readonly pageSize: number | undefined;
  readonly cursor: string | undefined;
}

/** Decodes the simulate query (`pageSize` 1..10,000, `cursor`; both optional). @internal */
export function decodeSimulateQuery(url: URL): Result<SimulateQueryValue> {
  return collect(url, keys(SimulateQuery))
    .andThen((raw) => decodeWith(SimulateQuery, raw, "query", "$.query"))
    .andThen((q) => {
      if (q.cursor !== undefined) {
        const cursor = decodeShardCursor(q.cursor);
        if (cursor.isErr) return err(cursor.error);
      }
      return ok({
        paged: q.pageSize !== undefined || q.cursor !== undefined,
        pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
        cursor: q.cursor,
      });
    });
}
