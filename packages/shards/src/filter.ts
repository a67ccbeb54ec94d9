import { foldSearch } from "./internal/search-fold.ts";
import type { ShardRecord, ShardStatus } from "./model.ts";
import type { ShardQueryOptions } from "./repository.ts";

/**
 * The raw inputs of a {@link ShardFilter}.
 *
 * @example
 * ```ts
 * import type { ShardFilterInput } from "@pipe/shards";
 * const f: ShardFilterInput = { namespace: "mesh.control", search: "SHARD-0" };
 * console.log(f.namespace);
 * ```
 */
export interface ShardFilterInput {
  readonly namespace?: string | null | undefined;
  readonly ownerNodeId?: string | null | undefined;
  readonly search?: string | null | undefined;
  readonly statuses?: readonly ShardStatus[] | null | undefined;
}

const clean = (value: string | null | undefined): string | undefined => {
  const t = value?.trim();
  return t === undefined || t.length === 0 ? undefined : t;
};

/**
 * Which shards a listing, diff or watch covers.
 *
 * When to use: pass to the service's `list`, `diff`, `watch`; `ShardFilter.all` matches everything.
 *
 * Details: each string is trimmed and a blank one means "no filter". `namespace` and `ownerNodeId` compare
 * ordinally (case-sensitive, like every identifier); `search` is a case-insensitive substring of the shard id
 * under one context-free full case folding (`ß` = `ss`, `Σ` = `σ` = `ς`, `İ` = `i̇`) with no wildcard
 * characters (`%` and `_` match themselves);
 * `statuses` is a membership test (empty = any). Every store's `query` applies exactly these rules, so a
 * listing and a diff agree (the original's in-memory filter was case-insensitive and its SQL was not).
 *
 * Gotchas: diff and watch match the diff's `current` state only, so a move away from owner X is not visible
 * under `ownerNodeId: X`.
 *
 * @example
 * ```ts
 * import { ShardFilter } from "@pipe/shards";
 * const f = ShardFilter.create({ namespace: " ns ", search: "ABC" });
 * console.log(f.namespace, f.search); // "ns" "ABC"
 * ```
 */
export class ShardFilter {
  /** A filter that matches every shard. */
  static readonly all: ShardFilter = new ShardFilter({});

  readonly namespace: string | undefined;
  readonly ownerNodeId: string | undefined;
  readonly search: string | undefined;
  readonly statuses: readonly ShardStatus[];
  readonly #searchFolded: string | undefined;

  private constructor(input: ShardFilterInput) {
    this.namespace = clean(input.namespace);
    this.ownerNodeId = clean(input.ownerNodeId);
    this.search = clean(input.search);
    this.#searchFolded = this.search === undefined ? undefined : foldSearch(this.search);
    this.statuses = Object.freeze([...new Set(input.statuses ?? [])]);
    Object.freeze(this);
  }

  /** Builds a filter from raw inputs (trimmed; blank = none; duplicate statuses removed). */
  static create(input: ShardFilterInput = {}): ShardFilter {
    return new ShardFilter(input);
  }

  /** Whether a record passes the filter (the same rules the stores apply in `query`). */
  matches(record: ShardRecord): boolean {
    if (this.namespace !== undefined && record.namespace !== this.namespace) return false;
    if (this.ownerNodeId !== undefined && record.ownerNodeId !== this.ownerNodeId) return false;
    if (this.statuses.length > 0 && !this.statuses.includes(record.status)) return false;
    if (this.#searchFolded !== undefined && !foldSearch(record.shardId).includes(this.#searchFolded))
      return false;
    return true;
  }

  /** The store query for one page of this filter. */
  toQueryOptions(pageSize: number, cursor?: ShardQueryOptions["cursor"]): ShardQueryOptions {
    return {
      namespace: this.namespace,
      ownerNodeId: this.ownerNodeId,
      search: this.search,
      statuses: this.statuses,
      pageSize,
      cursor,
    };
  }
}
