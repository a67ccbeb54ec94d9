import type { ShardKey, ShardRecord, ShardStatus } from "../model.ts";
import type { ShardQueryOptions } from "../repository.ts";
import { JsonArena, type JsonSlot } from "./json-arena.ts";
import { compareCodePoints } from "./ordinal.ts";
import { foldSearch } from "./search-fold.ts";
import { SearchGrams } from "./search-grams.ts";
import { SlotColumns } from "./slot-columns.ts";
import { SortedChunks } from "./sorted-chunks.ts";
import { TextInterner } from "./text-interner.ts";

/**
 * One namespace: the slot of every record by id, and slot lists in id order (all, per owner, per status, per
 * trigram of the folded ids).
 */
interface Namespace {
  readonly byId: Map<string, number>;
  readonly ordered: SortedChunks<number>;
  readonly byOwner: Map<string, SortedChunks<number>>;
  readonly byStatus: Map<ShardStatus, SortedChunks<number>>;
  readonly grams: SearchGrams<number>;
}

/** Distinct owner and strategy ids shared by reference (the table starts over beyond it). */
const INTERN_LIMIT = 65_536;

const recordJson = (record: ShardRecord): string => JSON.stringify(record);

/** The list of `key` in `lists`, created empty (ordered by `key`) when missing. */
function listIn<K>(
  lists: Map<K, SortedChunks<number>>,
  key: K,
  idOf: (slot: number) => string,
): SortedChunks<number> {
  let list = lists.get(key);
  if (list === undefined) {
    list = new SortedChunks(idOf);
    lists.set(key, list);
  }
  return list;
}

/** Removes `shardId` from the list of `key` in `lists`, and the list when it empties. */
function dropFrom<K>(lists: Map<K, SortedChunks<number>>, key: K, shardId: string): void {
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
): SortedChunks<number> | null {
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
 * guarded by its version, so replays are idempotent.
 *
 * Details: each shard id gets a slot number when it enters the index (ids are never removed); the current
 * record, its JSON slot and its folded search key (kept only when folding changes the id) are columns indexed
 * by slot, and every list holds slot numbers, so an update replaces one column cell and no list changes
 * unless the owner or status does. @internal
 */
export class ViewIndex {
  readonly #namespaces = new Map<string, Namespace>();
  /** Length below which no search trigram list saturates (see `SearchGrams`). */
  readonly #gramsSaturateAbove: number | undefined;
  /** Namespace names in code-point order. */
  readonly #names: string[] = [];
  /** The current record of each slot. */
  readonly #records: ShardRecord[] = [];
  /** The folded search key of the slots whose id folding changes (the others search their id). */
  readonly #folded = new Map<number, string>();
  /** The JSON slot of each slot's record. */
  readonly #slots = new SlotColumns();
  /**
   * One copy of each owner and strategy id (records read from a store carry a fresh string each); bounded,
   * so ids no record uses any more are released.
   */
  readonly #strings = new TextInterner(INTERN_LIMIT, Number.POSITIVE_INFINITY);
  /** The JSON texts of records served as JSON. */
  readonly #json = new JsonArena();
  /** The slots behind each page of items `query` handed out (while the page is in use). */
  readonly #pages = new WeakMap<readonly ShardRecord[], Int32Array>();
  readonly #idOf = (slot: number): string => this.#records[slot].shardId;
  readonly #searchOf = (slot: number): string => this.#folded.get(slot) ?? this.#records[slot].shardId;

  /** `gramsSaturateAbove` overrides the trigram lists' saturation length (tests). */
  constructor(options: { readonly gramsSaturateAbove?: number } = {}) {
    this.#gramsSaturateAbove = options.gramsSaturateAbove;
  }

  /** Records held. */
  get size(): number {
    return this.#records.length;
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
      const ordered = new SortedChunks(this.#idOf);
      ns = {
        byId: new Map(),
        ordered,
        byOwner: new Map(),
        byStatus: new Map(),
        grams: new SearchGrams(this.#searchOf, ordered, this.#gramsSaturateAbove),
      };
      this.#namespaces.set(record.namespace, ns);
      this.#names.splice(this.#nameBound(record.namespace), 0, record.namespace);
    }
    const slot = ns.byId.get(record.shardId);
    const existing = slot === undefined ? undefined : this.#records[slot];
    if (existing !== undefined && existing.version >= record.version) return false;
    const shared: ShardRecord = {
      ...record,
      namespace: this.#names[this.#nameBound(record.namespace)],
      shardId: existing?.shardId ?? record.shardId,
      strategyId: this.#strings.intern(record.strategyId),
      ownerNodeId: this.#strings.intern(record.ownerNodeId),
    };
    if (slot === undefined || existing === undefined) {
      const added = this.#records.length;
      this.#records.push(shared);
      const folded = foldSearch(shared.shardId);
      if (folded !== shared.shardId) this.#folded.set(added, folded);
      ns.byId.set(shared.shardId, added);
      ns.ordered.set(added);
      listIn(ns.byOwner, shared.ownerNodeId, this.#idOf).set(added);
      listIn(ns.byStatus, shared.status, this.#idOf).set(added);
      ns.grams.add(added);
      return true;
    }
    const cell = this.#slots.point(slot);
    this.#json.release(cell);
    cell.slab = -1;
    this.#records[slot] = shared;
    if (existing.ownerNodeId !== shared.ownerNodeId) {
      dropFrom(ns.byOwner, existing.ownerNodeId, shared.shardId);
      listIn(ns.byOwner, shared.ownerNodeId, this.#idOf).set(slot);
    }
    if (existing.status !== shared.status) {
      dropFrom(ns.byStatus, existing.status, shared.shardId);
      listIn(ns.byStatus, shared.status, this.#idOf).set(slot);
    }
    return true;
  }

  get(key: ShardKey): ShardRecord | null {
    const slot = this.#namespaces.get(key.namespace)?.byId.get(key.shardId);
    return slot === undefined ? null : this.#records[slot];
  }

  /**
   * A copy of `record` (same keys, same order) whose namespace, shard id, strategy and owner texts are the
   * ones the index already holds, for records kept beside the index (older versions in the diff history).
   */
  share(record: ShardRecord): ShardRecord {
    const held = this.get(record);
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
      ns?.ordered.scan(undefined, (slot) => {
        out.push(this.#records[slot]);
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
    const slots = this.#pages.get(records);
    const slotOf = (record: ShardRecord, i: number): JsonSlot | undefined => {
      let slot = slots !== undefined && i < slots.length ? slots[i] : undefined;
      if (slot === undefined || this.#records[slot] !== record)
        slot = this.#namespaces.get(record.namespace)?.byId.get(record.shardId);
      return slot !== undefined && this.#records[slot] === record ? this.#slots.point(slot) : undefined;
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
    const slots: number[] = [];
    const records = this.#records;
    const statuses = q.statuses !== undefined && q.statuses.length > 0 ? q.statuses : undefined;
    const oneStatus = statuses?.every((s) => s === statuses[0]) === true ? statuses[0] : undefined;
    const search = q.search === undefined ? undefined : foldSearch(q.search);
    const owner = q.ownerNodeId;
    const pageSize = q.pageSize;
    let more = false;
    const visit = (slot: number): boolean => {
      const record = records[slot];
      if (owner !== undefined && record.ownerNodeId !== owner) return true;
      if (statuses !== undefined && !statuses.includes(record.status)) return true;
      if (search !== undefined && !this.#searchOf(slot).includes(search)) return true;
      if (items.length === pageSize) {
        more = true;
        return false;
      }
      items.push(record);
      slots.push(slot);
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
    this.#pages.set(items, Int32Array.from(slots));
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
