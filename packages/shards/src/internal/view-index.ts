import type { ShardKey, ShardRecord, ShardStatus } from "../model.ts";
import type { ShardQueryOptions } from "../repository.ts";
import { JsonArena, type JsonSlot } from "./json-arena.ts";
import { compareCodePoints } from "./ordinal.ts";
import { foldSearch } from "./search-fold.ts";
import { SortedChunks } from "./sorted-chunks.ts";
import { TextInterner } from "./text-interner.ts";

/**
 * A record with its case-folded search key, computed once when the record enters the index, and the slot of
 * its JSON text in the index's arena (written when the record is first served as JSON).
 */
class Entry implements JsonSlot {
  readonly record: ShardRecord;
  readonly search: string;
  slab = -1;
  at = 0;
  len = 0;

  constructor(record: ShardRecord) {
    this.record = record;
    this.search = foldSearch(record.shardId);
  }
}

/** One namespace: every record by id, in id order, and per owner and per status in id order. */
interface Namespace {
  readonly byId: Map<string, Entry>;
  readonly ordered: SortedChunks<Entry>;
  readonly byOwner: Map<string, SortedChunks<Entry>>;
  readonly byStatus: Map<ShardStatus, SortedChunks<Entry>>;
}

/** Distinct owner and strategy ids shared by reference (the table starts over beyond it). */
const INTERN_LIMIT = 65_536;

const recordJson = (record: ShardRecord): string => JSON.stringify(record);
const entryKey = (e: Entry): string => e.record.shardId;
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

/** One page of an index query (the caller adds the position). */
export interface ViewPage {
  readonly items: ShardRecord[];
  readonly more: boolean;
}

/**
 * The in-memory index behind `ShardReadView`: records by key, in (namespace, shardId) code-point order, per
 * (namespace, owner) and per (namespace, status), so a page is a binary search plus a slice, and an owner or a
 * one-status filter touches only the matching shards. Applying a record is guarded by its version, so replays
 * are idempotent. @internal
 */
export class ViewIndex {
  readonly #namespaces = new Map<string, Namespace>();
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

  /** Records held. */
  get size(): number {
    return this.#size;
  }

  /** Applies `record` unless the index already holds that version or a newer one; true when applied. */
  apply(record: ShardRecord): boolean {
    let ns = this.#namespaces.get(record.namespace);
    if (ns === undefined) {
      ns = { byId: new Map(), ordered: chunks(), byOwner: new Map(), byStatus: new Map() };
      this.#namespaces.set(record.namespace, ns);
      this.#names.splice(this.#nameBound(record.namespace), 0, record.namespace);
    }
    const existing = ns.byId.get(record.shardId);
    if (existing !== undefined && existing.record.version >= record.version) return false;
    const shared: ShardRecord = {
      ...record,
      namespace: this.#names[this.#nameBound(record.namespace)],
      strategyId: this.#intern(record.strategyId),
      ownerNodeId: this.#intern(record.ownerNodeId),
    };
    const entry = new Entry(shared);
    if (existing !== undefined) this.#json.release(existing);
    ns.byId.set(record.shardId, entry);
    if (existing === undefined) this.#size++;
    ns.ordered.set(entry);
    if (existing !== undefined && existing.record.ownerNodeId !== record.ownerNodeId)
      dropFrom(ns.byOwner, existing.record.ownerNodeId, record.shardId);
    if (existing !== undefined && existing.record.status !== record.status)
      dropFrom(ns.byStatus, existing.record.status, record.shardId);
    listIn(ns.byOwner, record.ownerNodeId).set(entry);
    listIn(ns.byStatus, record.status).set(entry);
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
      strategyId: this.#intern(record.strategyId),
      ownerNodeId: this.#intern(record.ownerNodeId),
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
    const pageSize = q.pageSize;
    let more = false;
    const visit = (e: Entry): boolean => {
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
      const list =
        q.ownerNodeId !== undefined
          ? ns.byOwner.get(q.ownerNodeId)
          : oneStatus !== undefined
            ? ns.byStatus.get(oneStatus)
            : ns.ordered;
      if (list === undefined) continue;
      list.scan(cursor !== undefined && cursor.namespace === name ? cursor.shardId : undefined, visit);
      if (more) break;
    }
    this.#pages.set(items, entries);
    return { items, more };
  }

  #intern(value: string): string {
    return this.#strings.intern(value);
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
