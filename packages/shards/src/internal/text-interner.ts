/**
 * Shares one copy of each repeated text (records and history rows read from a store carry a fresh string
 * each). Bounded, so it never holds texts that nothing else uses any more beyond a fixed amount: a text longer
 * than `maxLength` is returned as it comes (long texts rarely repeat), and once `limit` texts are held the
 * table starts over (the texts still in use stay with their users). @internal
 */
export class TextInterner {
  readonly #texts = new Map<string, string>();
  readonly #limit: number;
  readonly #maxLength: number;

  constructor(limit: number, maxLength: number) {
    this.#limit = limit;
    this.#maxLength = maxLength;
  }

  /** The held copy of `text`, or `text` itself (then held when it is short enough). */
  intern(text: string): string {
    const known = this.#texts.get(text);
    if (known !== undefined) return known;
    if (text.length > this.#maxLength) return text;
    if (this.#texts.size >= this.#limit) this.#texts.clear();
    this.#texts.set(text, text);
    return text;
  }
}
