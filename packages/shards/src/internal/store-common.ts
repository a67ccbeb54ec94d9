import { err, ok, PipeError, type Result } from "@pipe/result";
import { computeShardChecksum } from "../checksum.ts";
import { ShardErrorCodes } from "../codes.ts";
import {
  type ShardHistoryRecord,
  type ShardKey,
  type ShardMutationRequest,
  type ShardRecord,
  type ShardRecordDiff,
  shardKeyString,
} from "../model.ts";
import type { ShardRepositoryCallOptions } from "../repository.ts";
import type { ChangeNotifier } from "./notifier.ts";

/** `error.canceled` for an aborted store call. @internal */
export function canceled(
  signal: AbortSignal | undefined,
  message = "Shard repository call canceled.",
): PipeError {
  return PipeError.canceled(message, signal?.reason);
}

/**
 * SQLSTATE classes whose errors depend on the data, not on the moment: 22 data exception (e.g. U+0000 in
 * text), 23 integrity constraint violation, 54 program limit exceeded (e.g. an index entry over the B-tree
 * limit). Retrying cannot help, so they are `repository.rejected`, not `repository.failure`.
 */
const PERMANENT_SQLSTATE = /^(22|23|54)[0-9A-Z]{3}$/;

const sqlStateOf = (cause: unknown): string | undefined => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * A store fault as a failure: `shards.control.repository.rejected` (not retried) when the store refused the
 * data itself (see `PERMANENT_SQLSTATE`), else the retryable `shards.control.repository.failure`.
 *
 * The message is generic and the driver's text stays in `cause` (which problem bodies never carry), so a
 * client never sees SQL or driver internals; metadata has the `stage` and, for SQL errors, the `sqlState`.
 * Opening a store is the exception: its message keeps the cause's text, because it goes to the operator
 * starting the process, not to a client. A coded `PipeError` thrown by this package is returned as it is. @internal
 */
export function repositoryFailure(cause: unknown, stage: string): PipeError {
  // A failure this package raised itself (e.g. a lost data-directory lock) already has a code and a curated
  // message: pass it on.
  if (cause instanceof PipeError && cause.code !== undefined)
    return cause.metadata.stage === undefined ? cause.withMetadata("stage", stage) : cause;
  const sqlState = sqlStateOf(cause);
  const metadata = sqlState === undefined ? { stage } : { stage, sqlState };
  if (stage === "shards.repository.open") {
    const text = cause instanceof Error ? cause.message : String(cause);
    return PipeError.from(`The shard store could not be opened: ${text}`, ShardErrorCodes.repositoryFailure, {
      cause,
      metadata,
    });
  }
  if (sqlState !== undefined && PERMANENT_SQLSTATE.test(sqlState))
    return PipeError.from(
      "The shard store rejected the request's data.",
      ShardErrorCodes.repositoryRejected,
      {
        cause,
        metadata,
      },
    );
  return PipeError.from("The shard store failed.", ShardErrorCodes.repositoryFailure, { cause, metadata });
}

/** The original's concurrency message for an expected-version mismatch. @internal */
function versionMismatch(key: ShardKey, expected: number, actual: number): PipeError {
  return PipeError.from(
    `Shard '${shardKeyString(key)}' expected version ${expected} but was ${actual}.`,
    ShardErrorCodes.versionConflict,
    {
      metadata: {
        namespace: key.namespace,
        shardId: key.shardId,
        expectedVersion: expected,
        actualVersion: actual,
      },
    },
  );
}

/** A read of positions that compaction removed (those <= `compactedThrough`). @internal */
export function historyCompacted(compactedThrough: number, after: number): PipeError {
  return PipeError.from(
    `Change positions up to ${compactedThrough} were compacted away; the oldest retained position is ${compactedThrough + 1}.`,
    ShardErrorCodes.historyCompacted,
    { metadata: { compactedThrough, after } },
  );
}

/** Lost a race to a concurrent writer. @internal */
export function concurrentWrite(key: ShardKey, created: boolean): PipeError {
  return PipeError.from(
    `Shard '${shardKeyString(key)}' was ${created ? "created" : "updated"} by another actor.`,
    ShardErrorCodes.versionConflict,
    { metadata: { namespace: key.namespace, shardId: key.shardId } },
  );
}

/** Runs `fn` and turns a throw into a repository failure (abort checked first). @internal */
export async function guard<T>(
  stage: string,
  options: ShardRepositoryCallOptions | undefined,
  fn: () => Promise<Result<T>> | Result<T>,
): Promise<Result<T>> {
  const signal = options?.signal;
  if (signal?.aborted) return err(canceled(signal));
  try {
    return await fn();
  } catch (e) {
    if (signal?.aborted) return err(canceled(signal));
    return err(repositoryFailure(e, stage));
  }
}

/** Everything an upsert computes from a mutation and the existing record. @internal */
export interface PreparedMutation {
  readonly record: ShardRecord;
  readonly history: ShardHistoryRecord;
  readonly created: boolean;
}

/**
 * Checks `expectedVersion` against `existing` and builds the next record and history row (positions are the
 * store's business). @internal
 */
export function prepareMutation(
  mutation: ShardMutationRequest,
  existing: ShardRecord | null,
  nowMs: number,
): Result<PreparedMutation> {
  const current = existing?.version ?? 0;
  if (mutation.expectedVersion !== undefined && mutation.expectedVersion !== current) {
    return err(versionMismatch(mutation, mutation.expectedVersion, current));
  }
  const meta = mutation.changeMetadata;
  const ticket = mutation.changeTicket ?? meta?.changeTicket ?? null;
  const base = {
    namespace: mutation.namespace,
    shardId: mutation.shardId,
    strategyId: mutation.strategyId,
    ownerNodeId: mutation.ownerNodeId,
    leaderId: mutation.leaderId ?? null,
    capacityHint: mutation.capacityHint ?? 0,
    status: mutation.status ?? "active",
    changeTicket: ticket,
  } as const;
  const at = new Date(nowMs).toISOString();
  const version = current + 1;
  const record: ShardRecord = { ...base, version, checksum: computeShardChecksum(base), updatedAt: at };
  const history: ShardHistoryRecord = {
    namespace: base.namespace,
    shardId: base.shardId,
    version,
    strategyId: base.strategyId,
    actor: meta?.actor ?? "system",
    reason: meta?.reason ?? "unspecified",
    changeTicket: ticket,
    createdAt: at,
    ownerNodeId: base.ownerNodeId,
    previousOwnerNodeId: existing?.ownerNodeId ?? null,
    ownershipDeltaPercent: meta?.ownershipDeltaPercent ?? null,
    metadata: meta?.metadata ?? null,
  };
  return ok({ record, history, created: existing === null });
}

/** Diffs read per page by the streaming helpers. @internal */
export const STREAM_PAGE = 500;

type ReadPage = (
  after: number,
  signal: AbortSignal | undefined,
) => Promise<Result<readonly ShardRecordDiff[]>>;

/**
 * Replays positions > `since` page by page; with `notifier`, then tails live changes until the signal aborts
 * (one `error.canceled`) or the notifier closes. A failed page read is yielded and ends the stream. @internal
 */
export async function* diffStream(
  read: ReadPage,
  since: number | null | undefined,
  signal: AbortSignal | undefined,
  notifier: ChangeNotifier | undefined,
): AsyncGenerator<Result<ShardRecordDiff>, void, undefined> {
  let after = since === undefined || since === null || since < 0 ? 0 : since;
  for (;;) {
    if (signal?.aborted) {
      yield err(canceled(signal, "Shard watch canceled."));
      return;
    }
    const generation = notifier?.generation ?? 0;
    const page = await read(after, signal);
    if (page.isErr) {
      yield err(page.error);
      return;
    }
    for (const diff of page.value) {
      after = diff.position;
      yield ok(diff);
    }
    if (page.value.length >= STREAM_PAGE) continue;
    if (notifier === undefined || notifier.closed) return;
    if (!(await notifier.wait(generation, signal))) {
      yield err(canceled(signal, "Shard watch canceled."));
      return;
    }
    if (notifier.closed) return;
  }
}
