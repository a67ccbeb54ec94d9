/**
 * Sets `record[key] = value` as an own enumerable data property, also for the key `"__proto__"`: a plain
 * assignment of that key replaces the object's prototype instead, so data read from outside (JSON metadata, log
 * fields) could give an object inherited properties it does not have.
 *
 * @internal
 */
export function setOwnProperty(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
