import type { TimeProvider } from "@pipe/channels";
import type { ResultExecutionPolicy } from "@pipe/pipeline";
import { err, ok, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardFilter } from "../filter.ts";
import type { ShardRecordDiff } from "../model.ts";
import type { ShardRepository } from "../repository.ts";
import { isCanceled, serviceErrors } from "./service-errors.ts";
import { sleep } from "./sleep.ts";

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
  if (filter == null) {
    yield err(serviceErrors.filterRequired());
    return;
  }
  if (resumeToken != null && !Number.isSafeInteger(resumeToken)) {
    yield err(serviceErrors.validation("resumeToken must be an integer.", "$.resumeToken"));
    return;
  }
  let last = resumeToken == null || resumeToken < 0 ? 0 : resumeToken;
  let failures = 0;
  let upTo: number | undefined;
  if (!tail) {
    const head = await repository.highestPosition({ signal });
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
    for await (const item of source) {
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
    if (failed === undefined || failed.isOk) return;
    const error = failed.error;
    if (isCanceled(error)) {
      yield err(serviceErrors.canceled("Shard watch canceled.", STAGE, signal?.reason));
      return;
    }
    failures++;
    const retry = policy.retry;
    if (error.code !== ShardErrorCodes.repositoryFailure || failures >= retry.maxAttempts) {
      yield err(serviceErrors.streamFailure(error, STAGE));
      return;
    }
    if (!(await sleep(time, retry.delayBefore(failures + 1), signal))) {
      yield err(serviceErrors.canceled("Shard watch canceled.", STAGE, signal?.reason));
      return;
    }
  }
}
