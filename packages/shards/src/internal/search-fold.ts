/**
 * The case folding of `search`: every store and the in-memory filter match `foldSearch(search)` as a plain
 * substring (no wildcards: `%` and `_` are ordinary characters) of `foldSearch(shardId)`; the SQL stores keep
 * `foldSearch(shard_id)` in the `search_key` column, computed here, so SQL never folds text itself.
 *
 * The fold is per code point and context-free: a code point maps to `upper(cp)` then `lower` of each code
 * point of that, repeated until nothing changes. This is full case folding in effect (`ß`, `ẞ`, `SS` → `ss`;
 * `Σ`, `σ`, `ς` → `σ`; `İ` → `i` + U+0307; `ﬁ` → `fi`), and because it ignores context (unlike
 * `toLowerCase`, which writes a final sigma as `ς`), a substring of a text folds to a substring of the
 * text's fold. ASCII takes a fast path (plain `toLowerCase`). @internal
 */
const cache = new Map<number, string>();

function foldCodePoint(cp: number): string {
  let folded = cache.get(cp);
  if (folded !== undefined) return folded;
  let current = String.fromCodePoint(cp);
  for (let round = 0; round < 4; round++) {
    let next = "";
    for (const ch of current) {
      for (const u of ch.toUpperCase()) next += u.toLowerCase();
    }
    if (next === current) break;
    current = next;
  }
  folded = current;
  if (cache.size < 65_536) cache.set(cp, folded);
  return folded;
}

const NON_ASCII = /\P{ASCII}/u;

/** Folds `text` for case-insensitive search (see the module comment). @internal */
export function foldSearch(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  let out = "";
  // A character of a string's iterator is one code point, never empty.
  for (const ch of text) out += foldCodePoint(ch.codePointAt(0) ?? 0);
  return out;
}
