/**
 * Compares strings by Unicode code point (= UTF-8 byte order = PostgreSQL `COLLATE "C"`), so the in-memory
 * store orders exactly like the SQL stores. Differs from UTF-16 order only for astral characters vs
 * U+E000..U+FFFF. @internal
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Orders keys by (namespace, shardId) in code-point order. @internal */
export function compareKeys(
  a: { readonly namespace: string; readonly shardId: string },
  b: { readonly namespace: string; readonly shardId: string },
): number {
  return compareCodePoints(a.namespace, b.namespace) || compareCodePoints(a.shardId, b.shardId);
}
