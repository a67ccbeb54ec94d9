import type { ChannelReader } from "@pipe/channels";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name.length > 0 ? `a ${name}` : "an object";
}

function isIterableObject(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  );
}

/**
 * Copies `readers` (an array, a Set, a generator: any iterable, read once) into a new array and checks that every
 * element is a channel reader. Throws a TypeError saying what was expected otherwise (a programmer error).
 * @internal
 */
export function readerArray<T>(readers: Iterable<ChannelReader<T>>, name: string): ChannelReader<T>[] {
  if (!isIterableObject(readers)) {
    throw new TypeError(
      `${name}: readers must be an iterable of ChannelReader (an array, a Set, a generator, ...); got ${describe(readers)}.`,
    );
  }
  const list = Array.from(readers);
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as unknown;
    if (
      r === null ||
      typeof r !== "object" ||
      typeof (r as ChannelReader<T>).tryRead !== "function" ||
      typeof (r as ChannelReader<T>).waitToRead !== "function"
    ) {
      throw new TypeError(
        `${name}: readers[${i}] must be a ChannelReader (with tryRead and waitToRead); got ${describe(r)}.`,
      );
    }
  }
  return list;
}
