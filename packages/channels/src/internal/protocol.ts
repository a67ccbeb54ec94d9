import type { PipeError } from "@pipe/result";
import type { ListNode } from "./list.ts";

/** A one-shot readiness watcher (select, waitToRead, waitToWrite). Removed from its list before `onReady`. */
export interface Watcher extends ListNode {
  onReady(): void;
}

/**
 * The internal side of every reader made by this package (not part of the public `ChannelReader` type):
 * `pipeWatchRead` registers a one-shot read-readiness watcher (fires on data or drained completion),
 * `pipeUnwatchRead` removes it, `pipeStatus` is `undefined` while open or buffered, `null` once completed and
 * drained, or the completion PipeError once completed with an error and drained.
 */
export interface WatchableReader {
  pipeWatchRead(watcher: Watcher): void;
  pipeUnwatchRead(watcher: Watcher): void;
  pipeStatus(): PipeError | null | undefined;
  readonly count: number;
  tryRead(): unknown;
}

/** Whether `reader` implements the internal protocol (readers from this package do). */
export function isWatchable(reader: unknown): reader is WatchableReader {
  return (
    typeof reader === "object" &&
    reader !== null &&
    typeof (reader as WatchableReader).pipeWatchRead === "function"
  );
}
