import type { FullMode } from "../channel-types.ts";

/** Full modes as small integers, compared on every write that finds a buffer full. */
export type Mode = 0 | 1 | 2 | 3;
export const Mode = { Wait: 0, DropOldest: 1, DropNewest: 2, DropWrite: 3 } as const;

/** The {@link Mode} of a public `fullMode` option (default `"wait"`); an unknown name is a `TypeError`. */
export function modeOf(fullMode: FullMode | undefined): Mode {
  switch (fullMode ?? "wait") {
    case "wait":
      return Mode.Wait;
    case "dropOldest":
      return Mode.DropOldest;
    case "dropNewest":
      return Mode.DropNewest;
    case "dropWrite":
      return Mode.DropWrite;
    default:
      throw new TypeError(`Channel: unknown fullMode ${JSON.stringify(fullMode)}.`);
  }
}
