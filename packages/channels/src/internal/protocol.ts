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

/** The writing side of this package's channels, as the merge sees it. */
export interface RoomCheckingWriter {
  /** Whether `tryWrite(value)` (default priority) succeeds now; no side effect. */
  pipeCanWrite(): boolean;
}

/** Whether `writer` is one of this package's channels (checked once per merge, not per value). */
export function isRoomChecking(writer: unknown): writer is RoomCheckingWriter {
  return (
    typeof writer === "object" &&
    writer !== null &&
    typeof (writer as RoomCheckingWriter).pipeCanWrite === "function"
  );
}
