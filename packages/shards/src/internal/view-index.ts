import type { ShardKey, ShardRecord, ShardStatus } from "../model.ts";
import type { ShardQueryOptions } from "../repository.ts";
import { JsonArena, type JsonSlot } from "./json-arena.ts";
import { compareCodePoints } from "./ordinal.ts";
import { foldSearch } from "./search-fold.ts";
import { SearchGrams } from "./search-grams.ts";
import { SortedChunks } from "./sorted-chunks.ts";
import { TextInterner } from "./text-interner.ts";

/**
 * One shard id's place in the index: its current record, the id's case-folded search key (computed once, when
 * the id enters the index), and the slot of the record's JSON text in the index's arena (written when the
 * record is first served as JSON). A newer version replaces `record` in place, so the lists that hold the
 * entry (id order, search trigrams) need no update.
 */
class Entry implements JsonSlot {
  record: ShardRecord;
  readonly search: string;
  slab = -1;
  at = 0;
  len = 0;

  constructor(record: ShardRecord) {
    this.record = record;
    this.search = foldSearch(record.shardId);
  }
}

/**
 * One namespace: every record by id, in id order, per owner and per status in id order, and per trigram of
 * the folded ids.
 */
interface Namespace {
  readonly byId: Map<string, Entry>;
  readonly ordered: SortedChunks<Entry>;
  readonly byOwner: Map<string, SortedChunks<Entry>>;
  readonly byStatus: Map<ShardStatus, SortedChunks<Entry>>;
  readonly grams: SearchGrams<Entry>;
}

/** Distinct owner and strategy ids shared by reference (the table starts over beyond it). */
const INTERN_LIMIT = 65_536;

const recordJson = (record: ShardRecord): string => JSON.stringify(record);
const entryKey = (e: Entry): string => e.record.shardId;
const entrySearch = (e: Entry): string => e.search;
const chunks = (): SortedChunks<Entry> => new SortedChunks(entryKey);

/** The list of `key` in `lists`, created empty when missing. */
function listIn<K>(lists: Map<K, SortedChunks<Entry>>, key: K): SortedChunks<Entry> {
  let list = lists.get(key);
  if (list === undefined) {
    list = chunks();
    lists.set(key, list);
  }
  return list;
}

/** Removes `shardId` from the list of `key` in `lists`, and the list when it empties. */
function dropFrom<K>(lists: Map<K, SortedChunks<Entry>>, key: K, shardId: string): void {
  const list = lists.get(key);
  if (list === undefined) return;
  list.delete(shardId);
  if (list.size === 0) lists.delete(key);
}

/**
 * The shortest list of `ns` that holds every record matching the filters (the owner's, the status's, a search
 * trigram's, or the whole namespace), or `null` when one of the filters matches nothing there.
 */
function narrowest(
  ns: Namespace,
  owner: string | undefined,
  status: ShardStatus | undefined,
  search: string | undefined,
): SortedChunks<Entry> | null {
  const byOwner = owner === undefined ? ns.ordered : ns.byOwner.get(owner);
  const byStatus = status === undefined ? ns.ordered : ns.byStatus.get(status);
  const bySearch = search === undefined ? ns.ordered : (ns.grams.narrowest(search) ?? ns.ordered);
  if (byOwner === undefined || byStatus === undefined || bySearch === null) return null;
  const shorter = byOwner.size <= byStatus.size ? byOwner : byStatus;
  return bySearch.size < shorter.size ? bySearch : shorter;
}

/** One page of an index query (the caller adds the position). */
export interface ViewPage {
  readonly items: ShardRecord[];
  readonly more: boolean;
}

/**
 * The in-memory index behind `ShardReadView`: records by key, in (namespace, shardId) code-point order, per
 * (namespace, owner), per (namespace, status) and per (namespace, search trigram), so a page is a binary
 * search plus a slice of the shortest list that holds every match of its filters (an owner, one status, a
 * search of three or more units), checked record by record with the stores' rules. Applying a record is
 * guarded by its version, so replays are idempotent. @internal
 */
export class ViewIndex {
  readonly #namespaces = new Map<string, Namespace>();
  /** Length below which no search trigram list saturates (see `SearchGrams`). */
  readonly #gramsSaturateAbove: number | undefined;
  /** Namespace names in code-point order. */
  readonly #names: string[] = [];
  #size = 0;
  /**
   * One copy of each owner and strategy id (records read from a store carry a fresh string each); bounded,
   * so ids no record uses any more are released.
   */
  readonly #strings = new TextInterner(INTERN_LIMIT, Number.POSITIVE_INFINITY);
  /** The JSON texts of records served as JSON. */
  readonly #json = new JsonArena();
  /** The entries behind each page of items `query` handed out (while the page is in use). */
  readonly #pages = new WeakMap<readonly ShardRecord[], readonly Entry[]>();

  /** `gramsSaturateAbove` overrides the trigram lists' saturation length (tests). */
  constructor(options: { readonly gramsSaturateAbove?: number } = {}) {
    this.#gramsSaturateAbove = options.gramsSaturateAbove;
  }

  /** Records held. */
  get size(): number {
    return this.#size;
  }

  /** Trigram lists, the saturated trigrams, and the entries listed in all (summed over namespaces). */
  get searchStats(): { readonly grams: number; readonly saturated: number; readonly listed: number } {
    const sum = { grams: 0, saturated: 0, listed: 0 };
    for (const { grams } of this.#namespaces.values())
      for (const k of ["grams", "saturated", "listed"] as const) sum[k] += grams.stats[k];
    return sum;
  }

  /** Applies `record` unless the index already holds that version or a newer one; true when applied. */
  apply(record: ShardRecord): boolean {
    let ns = this.#namespaces.get(record.namespace);
    if (ns === undefined) {
      const ordered = chunks();
      ns = {
        byId: new Map(),
        ordered,
        byOwner: new Map(),
        byStatus: new Map(),
        grams: new SearchGrams(entrySearch, ordered, this.#gramsSaturateAbove),
      };
      this.#namespaces.set(record.namespace, ns);
      this.#names.splice(this.#nameBound(record.namespace), 0, record.namespace);
    }
    const existing = ns.byId.get(record.shardId);
    if (existing !== undefined && existing.record.version >= record.version) return false;
    const shared: ShardRecord = {
      ...record,
      namespace: this.#names[this.#nameBound(record.namespace)],
      shardId: existing?.record.shardId ?? record.shardId,
      strategyId: this.#strings.intern(record.strategyId),
      ownerNodeId: this.#strings.intern(record.ownerNodeId),
    };
    if (existing === undefined) {
      const entry = new Entry(shared);
      ns.byId.set(shared.shardId, entry);
      this.#size++;
      ns.ordered.set(entry);
      listIn(ns.byOwner, shared.ownerNodeId).set(entry);
      listIn(ns.byStatus, shared.status).set(entry);
      ns.grams.add(entry);
      return true;
    }
    const before = existing.record;
    this.#json.release(existing);
    existing.slab = -1;
    existing.record = shared;
    if (before.ownerNodeId !== shared.ownerNodeId) {
      dropFrom(ns.byOwner, before.ownerNodeId, shared.shardId);
      listIn(ns.byOwner, shared.ownerNodeId).set(existing);
    }
    if (before.status !== shared.status) {
      dropFrom(ns.byStatus, before.status, shared.shardId);
      listIn(ns.byStatus, shared.status).set(existing);
    }
    return true;
  }

  get(key: ShardKey): ShardRecord | null {
    return this.#namespaces.get(key.namespace)?.byId.get(key.shardId)?.record ?? null;
  }

  /**
   * A copy of `record` (same keys, same order) whose namespace, shard id, strategy and owner texts are the
   * ones the index already holds, for records kept beside the index (older versions in the diff history).
   */
  share(record: ShardRecord): ShardRecord {
    const ns = this.#namespaces.get(record.namespace);
    const held = ns?.byId.get(record.shardId)?.record;
    return {
      ...record,
      namespace: held?.namespace ?? record.namespace,
      shardId: held?.shardId ?? record.shardId,
      strategyId: this.#strings.intern(record.strategyId),
      ownerNodeId: this.#strings.intern(record.ownerNodeId),
    };
  }

  /** Every record (or one namespace's), in key order. */
  list(namespace?: string): ShardRecord[] {
    const out: ShardRecord[] = [];
    const names = namespace === undefined ? this.#names : [namespace];
    for (const name of names) {
      const ns = this.#namespaces.get(name);
      ns?.ordered.scan(undefined, (e) => {
        out.push(e.record);
        return true;
      });
    }
    return out;
  }

  /**
   * The UTF-8 bytes of `before`, the JSON array of `records` and `after`: the same bytes as encoding
   * `before + JSON.stringify(records) + after`. Records this index holds (as it handed them out) take their
   * text from the arena, written there on first use; others are serialised for this call.
   */
  jsonArray(records: readonly ShardRecord[], before: string, after: string): Uint8Array<ArrayBuffer> {
    const entries = this.#pages.get(records);
    const slotOf = (record: ShardRecord, i: number): JsonSlot | undefined => {
      let entry = entries?.[i];
      if (entry?.record !== record) entry = this.#namespaces.get(record.namespace)?.byId.get(record.shardId);
      return entry !== undefined && entry.record === record ? entry : undefined;
    };
    return this.#json.arrayOf(records, slotOf, recordJson, before, after);
  }

  /** Bytes held by the JSON texts of records served as JSON. */
  get jsonBytes(): number {
    return this.#json.bytes;
  }

  /** Per-owner shard counts of one namespace. */
  ownerCounts(namespace: string): Map<string, number> {
    const out = new Map<string, number>();
    const ns = this.#namespaces.get(namespace);
    if (ns !== undefined) for (const [owner, list] of ns.byOwner) out.set(owner, list.size);
    return out;
  }

  /** One page with the stores' ordering and filter rules (exclusive cursor, one extra row decides `more`). */
  query(q: ShardQueryOptions): ViewPage {
    const items: ShardRecord[] = [];
    const entries: Entry[] = [];
    const statuses = q.statuses !== undefined && q.statuses.length > 0 ? q.statuses : undefined;
    const oneStatus = statuses?.every((s) => s === statuses[0]) === true ? statuses[0] : undefined;
    const search = q.search === undefined ? undefined : foldSearch(q.search);
    const owner = q.ownerNodeId;
    const pageSize = q.pageSize;
    let more = false;
    const visit = (e: Entry): boolean => {
      if (owner !== undefined && e.record.ownerNodeId !== owner) return true;
      if (statuses !== undefined && !statuses.includes(e.record.status)) return true;
      if (search !== undefined && !e.search.includes(search)) return true;
      if (items.length === pageSize) {
        more = true;
        return false;
      }
      items.push(e.record);
      entries.push(e);
      return true;
    };
    const cursor = q.cursor;
    const names =
      q.namespace === undefined
        ? this.#names.slice(cursor === undefined ? 0 : this.#nameBound(cursor.namespace))
        : [q.namespace];
    for (const name of names) {
      if (cursor !== undefined && compareCodePoints(name, cursor.namespace) < 0) continue;
      const ns = this.#namespaces.get(name);
      if (ns === undefined) continue;
      const list = narrowest(ns, owner, oneStatus, search);
      if (list === null) continue;
      list.scan(cursor !== undefined && cursor.namespace === name ? cursor.shardId : undefined, visit);
      if (more) break;
    }
    this.#pages.set(items, entries);
    return { items, more };
  }

  #nameBound(name: string): number {
    let lo = 0;
    let hi = this.#names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareCodePoints(this.#names[mid], name) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
