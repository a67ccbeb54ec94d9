/**
 * Structural equality and value formatting for the conformance harness.
 *
 * @module
 */

const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * Deep equality. `strict` also compares prototypes and treats `undefined`-valued keys as present;
 * otherwise (like `toEqual`) keys whose value is `undefined` are ignored.
 */
export function deepEqual(
  a: unknown,
  b: unknown,
  strict: boolean,
  seen = new Map<object, object>(),
): boolean {
  if (Object.is(a, b)) return true;
  if (!isPlainRecord(a) || !isPlainRecord(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (!b.has(key) || !deepEqual(value, b.get(key), strict, seen)) return false;
    }
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const value of a) if (!b.has(value)) return false;
    return true;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(ArrayBuffer.isView(a) && ArrayBuffer.isView(b))) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  const keys = (o: Record<string, unknown>): string[] =>
    Object.keys(o).filter((k) => strict || o[k] !== undefined);
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  for (const key of ka) {
    if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key], strict, seen)) return false;
  }
  return true;
}

/** `actual` has at least the properties of `expected`, recursively (arrays compare element-wise). */
export function matchesObject(actual: unknown, expected: unknown): boolean {
  if (!isPlainRecord(expected) || expected instanceof Date || expected instanceof RegExp) {
    return deepEqual(actual, expected, false);
  }
  if (!isPlainRecord(actual)) return false;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesObject(actual[i], item))
    );
  }
  return Object.keys(expected).every(
    (key) => key in actual && matchesObject((actual as Record<string, unknown>)[key], expected[key]),
  );
}

/** A short, safe rendering of a value for failure messages. */
export function formatValue(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (typeof value === "symbol") return value.toString();
  if (!isPlainRecord(value)) return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (depth > 3) return Array.isArray(value) ? "[…]" : "{…}";
  if (Array.isArray(value)) {
    const items = value.slice(0, 20).map((v) => formatValue(v, depth + 1));
    return `[${items.join(", ")}${value.length > 20 ? `, … ${value.length - 20} more` : ""}]`;
  }
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  const name = value.constructor && value.constructor !== Object ? `${value.constructor.name} ` : "";
  const entries = Object.entries(value)
    .slice(0, 20)
    .map(([k, v]) => `${k}: ${formatValue(v, depth + 1)}`);
  return `${name}{ ${entries.join(", ")} }`;
}
