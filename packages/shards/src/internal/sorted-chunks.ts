import { compareCodePoints } from "./ordinal.ts";

/** Entries per chunk before it splits in two; keeps an insert's copy small while lookups stay two searches. */
const CHUNK = 512;

/**
 * A list of items kept sorted by a string key in code-point order, stored as a sequence of small sorted
 * chunks: insert and remove copy at most one chunk, a key lookup is a binary search over the chunks' first
 * keys plus one inside a chunk, and an in-order scan walks the chunks. Keys are unique. @internal
 */
export class SortedChunks<T> {
  readonly #key: (item: T) => string;
  #chunks: T[][] = [];
  #size = 0;

  constructor(key: (item: T) => string) {
    this.#key = key;
  }

  get size(): number {
    return this.#size;
  }

  /** The key function the list is ordered by. */
  get keyOf(): (item: T) => string {
    return this.#key;
  }

  /** Inserts `item`, or replaces the item with the same key; true when inserted. */
  set(item: T): boolean {
    const key = this.#key(item);
    if (this.#chunks.length === 0) {
      this.#chunks.push([item]);
      this.#size = 1;
      return true;
    }
    const c = this.#chunkFor(key);
    const chunk = this.#chunks[c];
    const i = this.#bound(chunk, key, true);
    if (i < chunk.length && this.#key(chunk[i]) === key) {
      chunk[i] = item;
      return false;
    }
    if (i === chunk.length) chunk.push(item);
    else chunk.splice(i, 0, item);
    this.#size++;
    if (chunk.length > CHUNK) this.#chunks.splice(c + 1, 0, chunk.splice(CHUNK >>> 1));
    return true;
  }

  /** Removes the item with `key`; true when one was there. */
  delete(key: string): boolean {
    if (this.#chunks.length === 0) return false;
    const c = this.#chunkFor(key);
    const chunk = this.#chunks[c];
    const i = this.#bound(chunk, key, true);
    if (i >= chunk.length || this.#key(chunk[i]) !== key) return false;
    chunk.splice(i, 1);
    this.#size--;
    if (chunk.length === 0) this.#chunks.splice(c, 1);
    return true;
  }

  /**
   * Calls `visit` on each item in key order, starting after `after` (or at the start), until `visit` returns
   * false.
   */
  scan(after: string | undefined, visit: (item: T) => boolean): void {
    let c = 0;
    let i = 0;
    if (after !== undefined && this.#chunks.length > 0) {
      c = this.#chunkFor(after);
      i = this.#bound(this.#chunks[c], after, false);
    }
    for (; c < this.#chunks.length; c++, i = 0) {
      const chunk = this.#chunks[c];
      for (; i < chunk.length; i++) if (!visit(chunk[i])) return;
    }
  }

  /** The chunk that holds `key` or where it would go: the last chunk whose first key is <= `key`. */
  #chunkFor(key: string): number {
    let lo = 0;
    let hi = this.#chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareCodePoints(this.#key(this.#chunks[mid][0]), key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** First index in `chunk` whose key is >= `key` (`inclusive`) or > `key`. */
  #bound(chunk: readonly T[], key: string, inclusive: boolean): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareCodePoints(this.#key(chunk[mid]), key);
      if (d < 0 || (d === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
