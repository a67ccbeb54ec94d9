import { delay, type TimeProvider } from "@pipe/channels";
import type { ResultExecutionPolicy } from "@pipe/pipeline";
import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardFilter } from "../filter.ts";
import type { ShardRecordDiff } from "../model.ts";
import type { ShardRepository } from "../repository.ts";
import { filterError } from "./lookup.ts";
import { isCanceled, serviceErrors } from "./service-errors.ts";

const STAGE = "shards.watch";

/**
 * The service's watch: filters the repository's stream, resumes after transient failures from the last
 * delivered position (exclusive token, so no duplicates) under the retry policy, and maps failures. @internal
 */
export async function* watchStream(
  repository: ShardRepository,
  policy: ResultExecutionPolicy,
  time: TimeProvider,
  resumeToken: number | null | undefined,
  filter: ShardFilter | null | undefined,
  signal: AbortSignal | undefined,
  tail: boolean,
): AsyncGenerator<Result<ShardRecordDiff>, void, undefined> {
  if (filter === undefined || filter === null) {
    yield err(serviceErrors.filterRequired());
    return;
  }
  const invalid = filterError(filter);
  if (invalid !== undefined) {
    yield err(invalid);
    return;
  }
  if (resumeToken !== undefined && resumeToken !== null && !Number.isSafeInteger(resumeToken)) {
    yield err(serviceErrors.validation("resumeToken must be an integer.", "$.resumeToken"));
    return;
  }
  let last = resumeToken === undefined || resumeToken === null || resumeToken < 0 ? 0 : resumeToken;
  let failures = 0;
  let upTo: number | undefined;
  if (!tail) {
    let head: Result<number>;
    try {
      head = await repository.highestPosition({ signal });
    } catch (e) {
      head = err(thrown(e));
    }
    if (head.isErr) {
      yield err(
        isCanceled(head.error)
          ? serviceErrors.canceled("Shard watch canceled.", STAGE, signal?.reason)
          : serviceErrors.streamFailure(head.error, STAGE),
      );
      return;
    }
    upTo = head.value;
  }
  for (;;) {
    const source = tail ? repository.watch(last, { signal }) : repository.streamDiffs(last, { signal });
    let failed: Result<ShardRecordDiff> | undefined;
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<Result<ShardRecordDiff>>;
        try {
          step = await iterator.next();
        } catch (e) {
          // A store whose stream throws broke its contract (failed Results, never throws): report it as a
          // stream failure, not retried.
          yield err(serviceErrors.streamFailure(thrown(e), STAGE));
          return;
        }
        if (step.done === true) break;
        const item = step.value;
        if (item.isErr) {
          failed = item;
          break;
        }
        const diff = item.value;
        if (upTo !== undefined && diff.position > upTo) return;
        last = diff.position;
        failures = 0;
        if (filter.matches(diff.current)) yield ok(diff);
      }
    } finally {
      await closeQuietly(iterator);
    }
    if (failed === undefined || failed.isOk) return;
    const error = failed.error;
    if (isCanceled(error)) {
      yield err(serviceErrors.canceled("Shard watch canceled.", STAGE, signal?.reason));
      return;
    }
    if (error.code === ShardErrorCodes.historyCompacted) {
      // Without a resume token the replay starts at the oldest retained change; a token inside the compacted
      // range is answered with the error.
      const through = error.metadata.compactedThrough;
      if (
        (resumeToken === undefined || resumeToken === null) &&
        last === 0 &&
        typeof through === "number" &&
        through > 0
      ) {
        last = through;
        continue;
      }
      yield err(error);
      return;
    }
    failures++;
    const retry = policy.retry;
    if (error.code !== ShardErrorCodes.repositoryFailure || failures >= retry.maxAttempts) {
      yield err(serviceErrors.streamFailure(error, STAGE));
      return;
    }
    const pause = retry.delayBefore(failures + 1);
    const waited = await delay(
      pause,
      signal === undefined ? { timeProvider: time } : { timeProvider: time, signal },
    );
    if (waited.isErr) {
      yield err(serviceErrors.canceled("Shard watch canceled.", STAGE, signal?.reason));
      return;
    }
  }
}

/** A throw from a store as a failure (its text only in the cause, never in the message). */
function thrown(e: unknown): PipeError {
  return PipeError.from("The shard store's change stream threw.", ShardErrorCodes.repositoryFailure, {
    cause: e,
    metadata: { stage: STAGE },
  });
}

async function closeQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // the stream already failed; its error was reported
  }
}
