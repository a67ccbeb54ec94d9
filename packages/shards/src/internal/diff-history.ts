import type { ShardHistoryRecord, ShardRecord, ShardRecordDiff } from "../model.ts";
import { TextInterner } from "./text-interner.ts";

/** Positions per chunk: history grows and is dropped a chunk at a time. */
const CHUNK = 4096;
/** Distinct actor and reason texts shared by reference (the table starts over beyond it). */
const INTERN_LIMIT = 65_536;
/** Longer actor and reason texts are kept as they come, so the shared table stays small. */
const INTERN_MAX_LENGTH = 256;

/** The columns of CHUNK consecutive positions. */
interface Chunk {
  /** The record after the change: the same object as the index's while it is current, and as the next change's `previous`. */
  readonly current: (ShardRecord | undefined)[];
  readonly previous: (ShardRecord | null)[];
  readonly actor: string[];
  readonly reason: string[];
  readonly metadata: (string | null)[];
  /** `ownershipDeltaPercent`, NaN for null. */
  readonly delta: Float64Array;
}

const chunk = (): Chunk => ({
  current: new Array<ShardRecord | undefined>(CHUNK),
  previous: new Array<ShardRecord | null>(CHUNK),
  actor: new Array<string>(CHUNK),
  reason: new Array<string>(CHUNK),
  metadata: new Array<string | null>(CHUNK),
  delta: new Float64Array(CHUNK),
});

const HISTORY_KEYS = [
  "namespace",
  "shardId",
  "version",
  "strategyId",
  "actor",
  "reason",
  "changeTicket",
  "createdAt",
  "ownerNodeId",
  "previousOwnerNodeId",
  "ownershipDeltaPercent",
  "metadata",
] as const;

/** True when `h` has exactly the canonical keys in the canonical order (so a rebuilt row serialises the same). */
const canonicalKeys = (h: ShardHistoryRecord): boolean => {
  let i = 0;
  for (const k in h) if (HISTORY_KEYS[i++] !== k) return false;
  return i === HISTORY_KEYS.length;
};

/** True when `h` is what {@link DiffHistory} rebuilds from `current`, `previous` and its own columns. */
const derivable = (h: ShardHistoryRecord, current: ShardRecord, previous: ShardRecord | null): boolean =>
  h.namespace === current.namespace &&
  h.shardId === current.shardId &&
  h.version === current.version &&
  h.strategyId === current.strategyId &&
  h.changeTicket === current.changeTicket &&
  h.createdAt === current.updatedAt &&
  h.ownerNodeId === current.ownerNodeId &&
  h.previousOwnerNodeId === (previous === null ? null : previous.ownerNodeId) &&
  typeof h.actor === "string" &&
  typeof h.reason === "string" &&
  (h.metadata === null || typeof h.metadata === "string") &&
  (h.ownershipDeltaPercent === null ||
    (typeof h.ownershipDeltaPercent === "number" && !Number.isNaN(h.ownershipDeltaPercent))) &&
  canonicalKeys(h);

/**
 * Every diff of a contiguous range of positions, held in columns: the `current` and `previous` records are
 * shared objects (the caller passes the index's record while it is current, and the previous change's record
 * as `previous`), the history row keeps only what the records do not already say (actor, reason, delta,
 * metadata). A history row that does not follow from its records is kept whole. `slice` builds diff objects
 * for the requested range only. Positions are contiguous because the view applies the change log in order;
 * the oldest are dropped beyond `capacity` and by `dropThrough` (compaction). @internal
 */
export class DiffHistory {
  readonly #capacity: number;
  readonly #chunks: Chunk[] = [];
  /** Position of slot 0 of `#chunks[0]`. */
  #base = 1;
  /** Oldest and newest positions held (`#first > #last` when empty). */
  #first = 1;
  #last = 0;
  /** History rows that do not follow from their records, by position. */
  readonly #whole = new Map<number, ShardHistoryRecord>();
  readonly #texts = new TextInterner(INTERN_LIMIT, INTERN_MAX_LENGTH);

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Most diffs held. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Diffs held. */
  get size(): number {
    return this.#last - this.#first + 1;
  }

  /** The oldest position held, or `undefined` when empty. */
  get first(): number | undefined {
    return this.size > 0 ? this.#first : undefined;
  }

  /**
   * Appends the diff at `position`; `current` and `previous` are the (shared) records to hold for it. A
   * position that does not follow the newest one restarts the history at it.
   */
  push(
    position: number,
    current: ShardRecord,
    previous: ShardRecord | null,
    history: ShardHistoryRecord,
  ): void {
    if (this.#capacity === 0) return;
    if (this.size > 0 && position !== this.#last + 1) this.clear();
    if (this.size === 0) {
      this.#base = position;
      this.#first = position;
      this.#last = position - 1;
    }
    const offset = position - this.#base;
    const c = Math.floor(offset / CHUNK);
    if (c === this.#chunks.length) this.#chunks.push(chunk());
    const ch = this.#chunks[c];
    const i = offset - c * CHUNK;
    ch.current[i] = current;
    ch.previous[i] = previous;
    this.#last = position;
    if (derivable(history, current, previous)) {
      ch.actor[i] = this.#texts.intern(history.actor);
      ch.reason[i] = this.#texts.intern(history.reason);
      ch.metadata[i] = history.metadata;
      ch.delta[i] = history.ownershipDeltaPercent ?? Number.NaN;
    } else {
      this.#whole.set(position, history);
    }
    if (this.size > this.#capacity) this.dropThrough(this.#last - this.#capacity);
  }

  /** True when every diff with position > `after` up to the newest is held. */
  covers(after: number): boolean {
    return this.size > 0 && after >= this.#first - 1;
  }

  /** The held diffs with `after` < position <= `to`, ascending, as new diff objects. */
  slice(after: number, to: number): ShardRecordDiff[] {
    const out: ShardRecordDiff[] = [];
    const end = Math.min(to, this.#last);
    for (let p = Math.max(after + 1, this.#first); p <= end; p++) out.push(this.#at(p));
    return out;
  }

  /** Drops the diffs at positions <= `position` (releasing whole chunks). */
  dropThrough(position: number): void {
    if (position < this.#first) return;
    if (position >= this.#last) {
      this.clear();
      return;
    }
    if (this.#whole.size > 0) for (let p = this.#first; p <= position; p++) this.#whole.delete(p);
    // Clear the dropped slots of the chunk kept, so their records and texts can be released.
    const keep = Math.floor((position + 1 - this.#base) / CHUNK);
    const head = this.#chunks[keep];
    for (let p = Math.max(this.#first, this.#base + keep * CHUNK); p <= position; p++) {
      const i = p - this.#base - keep * CHUNK;
      head.current[i] = undefined;
      head.previous[i] = null;
      head.actor[i] = "";
      head.reason[i] = "";
      head.metadata[i] = null;
    }
    if (keep > 0) {
      this.#chunks.splice(0, keep);
      this.#base += keep * CHUNK;
    }
    this.#first = position + 1;
  }

  /** Drops every diff. */
  clear(): void {
    this.#chunks.length = 0;
    this.#whole.clear();
    this.#first = this.#last + 1;
    this.#base = this.#first;
  }

  #at(position: number): ShardRecordDiff {
    const offset = position - this.#base;
    const c = Math.floor(offset / CHUNK);
    const ch = this.#chunks[c];
    const i = offset - c * CHUNK;
    const current = ch.current[i];
    if (current === undefined) throw new RangeError(`DiffHistory: no diff at position ${position}.`);
    const previous = ch.previous[i];
    const delta = ch.delta[i];
    const history: ShardHistoryRecord = this.#whole.get(position) ?? {
      namespace: current.namespace,
      shardId: current.shardId,
      version: current.version,
      strategyId: current.strategyId,
      actor: ch.actor[i],
      reason: ch.reason[i],
      changeTicket: current.changeTicket,
      createdAt: current.updatedAt,
      ownerNodeId: current.ownerNodeId,
      previousOwnerNodeId: previous === null ? null : previous.ownerNodeId,
      ownershipDeltaPercent: Number.isNaN(delta) ? null : delta,
      metadata: ch.metadata[i],
    };
    return { position, current, previous, history };
  }
}

const RECORD_FIELDS = [
  "namespace",
  "shardId",
  "strategyId",
  "ownerNodeId",
  "leaderId",
  "capacityHint",
  "status",
  "version",
  "checksum",
  "updatedAt",
  "changeTicket",
] as const;

/**
 * True when `a` and `b` hold the same values under the same keys in the same order, so either one serialises
 * as the other. @internal
 */
export function sameRecord(a: ShardRecord, b: ShardRecord): boolean {
  if (a === b) return true;
  for (const f of RECORD_FIELDS) if (a[f] !== b[f]) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
  return true;
}
