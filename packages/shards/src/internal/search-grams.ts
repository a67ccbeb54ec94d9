import { SortedChunks } from "./sorted-chunks.ts";

/** Units per gram: a search of at least this many UTF-16 units (after folding) is answered from a gram list. */
const GRAM = 3;
/** A gram held by more than 1/SATURATION of the items stops being listed (and is listed again below half that) ... */
const SATURATION = 4;
/** ... once its list is longer than this (small namespaces list every gram). */
const MIN_SATURATED = 1024;

/**
 * Trigram lists of one namespace's folded shard ids: for each run of three UTF-16 units of `foldSearch(id)`,
 * the items whose folded id holds it, in id order. A folded search text is a substring of a folded id only if
 * every trigram of the text is one of the id's, so the list of any one of its trigrams holds every match; a
 * query scans the shortest such list and checks each item as before (same answers as the scan).
 *
 * Details: items are added once per id (ids are never removed, a record's id never changes; updates replace
 * the record an item holds, not the item). A trigram held by more than a quarter of the items (once its list
 * is longer than 1,024) is saturated: its list is dropped and only its count is kept, so common trigrams (a
 * prefix every id shares) cost no memory; a search made only of saturated trigrams is not narrowed. Each time
 * the namespace doubles, saturated trigrams held by less than an eighth of the items are listed again (one
 * pass over the namespace), so a trigram common among the first ids does not stay unlisted. A trigram that is
 * neither listed nor saturated is in no id: such a search has no match. @internal
 */
export class SearchGrams<T> {
  readonly #folded: (item: T) => string;
  readonly #all: SortedChunks<T>;
  readonly #lists = new Map<string, SortedChunks<T>>();
  /** Saturated trigrams and the number of ids holding each. */
  readonly #saturated = new Map<string, number>();
  readonly #minSaturated: number;
  /** The namespace size at which saturated trigrams are looked at again. */
  #review: number;

  /**
   * `folded` is an item's folded id, `all` every item of the namespace in id order (the lists' order);
   * `minSaturated` is the list length up to which nothing saturates.
   */
  constructor(folded: (item: T) => string, all: SortedChunks<T>, minSaturated: number = MIN_SATURATED) {
    this.#folded = folded;
    this.#all = all;
    this.#minSaturated = minSaturated;
    this.#review = 2 * Math.max(1, minSaturated);
  }

  /** Lists `item` (a new id, already in `all`) under each of its trigrams. */
  add(item: T): void {
    const folded = this.#folded(item);
    const total = this.#all.size;
    for (let i = 0; i + GRAM <= folded.length; i++) {
      const gram = folded.slice(i, i + GRAM);
      let list = this.#lists.get(gram);
      if (list === undefined) {
        const count = this.#saturated.get(gram);
        if (count !== undefined) {
          // Counted once per id, as a list holds an id once.
          if (folded.indexOf(gram) === i) this.#saturated.set(gram, count + 1);
          continue;
        }
        list = new SortedChunks(this.#all.keyOf);
        this.#lists.set(gram, list);
      }
      list.set(item);
      if (list.size > this.#minSaturated && list.size * SATURATION > total) {
        this.#lists.delete(gram);
        this.#saturated.set(gram, list.size);
      }
    }
    if (total >= this.#review) {
      this.#review = 2 * total;
      this.#relist(total);
    }
  }

  /** Lists again the saturated trigrams held by less than an eighth of the `total` items. */
  #relist(total: number): void {
    const rare = new Map<string, SortedChunks<T>>();
    for (const [gram, count] of this.#saturated)
      if (count * SATURATION * 2 < total) rare.set(gram, new SortedChunks(this.#all.keyOf));
    if (rare.size === 0) return;
    this.#all.scan(undefined, (item) => {
      const folded = this.#folded(item);
      for (let i = 0; i + GRAM <= folded.length; i++) rare.get(folded.slice(i, i + GRAM))?.set(item);
      return true;
    });
    for (const [gram, list] of rare) {
      this.#saturated.delete(gram);
      this.#lists.set(gram, list);
    }
  }

  /**
   * The shortest list holding every item whose folded id contains `folded` (a folded search text): a trigram
   * list; `null` when no id can contain it (one of its trigrams is in no id); `undefined` when the lists
   * cannot narrow it (shorter than a trigram, or made only of saturated trigrams).
   */
  narrowest(folded: string): SortedChunks<T> | null | undefined {
    let best: SortedChunks<T> | undefined;
    for (let i = 0; i + GRAM <= folded.length; i++) {
      const gram = folded.slice(i, i + GRAM);
      const list = this.#lists.get(gram);
      if (list === undefined) {
        if (this.#saturated.has(gram)) continue;
        return null;
      }
      if (best === undefined || list.size < best.size) best = list;
    }
    return best;
  }

  /** Listed trigrams, saturated ones, and the items listed in all (for memory reports and tests). */
  get stats(): { readonly grams: number; readonly saturated: number; readonly listed: number } {
    let listed = 0;
    for (const list of this.#lists.values()) listed += list.size;
    return { grams: this.#lists.size, saturated: this.#saturated.size, listed };
  }
}
