import { delay, type TimeProvider } from "@pipe/channels";
import { PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardRecordDiff } from "../model.ts";
import type { ShardRepository } from "../repository.ts";

const BACKOFF_MS = [25, 100, 250, 500, 1_000, 2_000, 5_000] as const;

/** What {@link tailChangeLog} reads and calls. @internal */
export interface ChangeLogTail {
  readonly store: ShardRepository;
  /** Ends the tail. */
  readonly signal: AbortSignal;
  readonly time: TimeProvider;
  /** The position to resume after. */
  position(): number;
  apply(diff: ShardRecordDiff): void;
  failed(failure: PipeError): void;
  /** Reloads the whole view (the tail fell behind the store's compaction point). */
  reload(): Promise<Result<void>>;
}

/**
 * Tails the store's change log from the applied position until `signal` aborts or the store's log ends,
 * retrying failures with back-off (25 ms up to 5 s). A tail that fell behind the store's compaction point
 * reloads the whole view, then tails on. @internal
 */
export async function tailChangeLog(tail: ChangeLogTail): Promise<void> {
  let attempt = 0;
  const signal = tail.signal;
  while (!signal.aborted) {
    let failure: PipeError | undefined;
    for await (const r of tail.store.watch(tail.position(), { signal })) {
      if (r.isErr) {
        if (!signal.aborted) failure = r.error;
        break;
      }
      attempt = 0;
      tail.apply(r.value);
    }
    if (signal.aborted) return;
    if (failure === undefined) {
      // A watch that ends without a failure means the store closed: nothing more will arrive.
      tail.failed(
        PipeError.from("The store's change log ended (the store closed).", ShardErrorCodes.streamFailure),
      );
      return;
    }
    tail.failed(failure);
    if (failure.code === ShardErrorCodes.historyCompacted) {
      const reloaded = await tail.reload();
      if (reloaded.isOk) {
        attempt = 0;
        continue;
      }
      if (signal.aborted) return;
      tail.failed(reloaded.error);
    }
    const pause = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
    await delay(pause, { signal, timeProvider: tail.time });
  }
}
