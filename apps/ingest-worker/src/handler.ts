import { PipeError, type PipelineFanInHandler, Result, type ResultPipelineStepContext } from "@pipe/pipeline";
import { compensatingEvent, decodeEnvelope, domainEvents, type Envelope } from "./envelope.ts";
import type { Feed, RawMessage } from "./feed.ts";
import type { WorkerStats } from "./stats.ts";
import type { IngestStore } from "./store.ts";

/** Error code of a failure injected by `poisonEvery` (demo). */
export const POISON_CODE = "ingest.poison";

/** Error code of a message dead-lettered because it was delivered more than `maxDeliveries` times. */
export const DELIVERY_LIMIT_CODE = "ingest.delivery-limit";

/** Default of `HandlerDeps.maxDeliveries`: below the worker's default of 20 stalled rounds. */
export const DEFAULT_MAX_DELIVERIES = 10;

/** What the handler works with. */
export interface HandlerDeps {
  /** Idempotency keys + outbox. */
  readonly store: IngestStore;
  /** Feeds by name (to complete / release leases). */
  readonly feeds: ReadonlyMap<string, Feed>;
  /** Counters. */
  readonly stats: WorkerStats;
  /**
   * Demo fault: every Nth message (by seq), on its first delivery, fails after its events are published and
   * before its lease completes, the window seed 001 guards against (0 = never).
   */
  readonly poisonEvery?: number;
  /** Register the per-message compensations (default true; false only to measure their cost). */
  readonly trackCompensations?: boolean;
  /**
   * Deliveries of one message before it is dead-lettered with `ingest.delivery-limit` instead of handled
   * again (default {@link DEFAULT_MAX_DELIVERIES}; a positive integer). A message that fails every time
   * (a store that refuses it, a bug it triggers) otherwise fails round after round until the worker stops.
   */
  readonly maxDeliveries?: number;
}

/** One message in flight: the state every compensation of the message gets (no closure per action). */
class InFlight {
  envelope: Envelope | undefined;
  /** True once the lease is completed: the broker will not redeliver, so undoing would lose the message. */
  settled = false;
  constructor(
    readonly deps: HandlerDeps,
    readonly feed: Feed,
    readonly message: RawMessage,
    /** The message's own step context (a child of the round's), absent when compensations are off. */
    readonly ctx: ResultPipelineStepContext | undefined,
  ) {}
}

/** Success: the message is settled, so its compensations are dropped (and the child's signal unlinked). */
function release(s: InFlight): void {
  const ctx = s.ctx;
  if (ctx === undefined) return;
  ctx.compensationScope.clear();
  ctx.end();
}

/** Failure: the message's compensations move into the round's context, for the round's rollback. */
function stage(s: InFlight): void {
  s.ctx?.end();
}

class PoisonError extends Error {
  override readonly name = "PoisonError";
}

// The three compensations of seed 001, as module-level stateful actions. Registration order is
// release-lease, delete-key, publish-compensating-event; replay is reversed, so the compensating event goes
// out first, then the key is deleted, and the lease is released last (nobody can redeliver the message before
// its rollback is complete).

async function releaseLease(s: InFlight): Promise<void> {
  const c = s.deps.stats.compensations;
  if (s.settled) {
    c.skipped++;
    return;
  }
  if (await s.feed.release(s.message)) {
    c.leasesReleased++;
    c.run++;
  }
}

async function deleteKey(s: InFlight): Promise<void> {
  const c = s.deps.stats.compensations;
  if (s.settled || s.envelope === undefined) {
    c.skipped++;
    return;
  }
  if (await s.deps.store.deleteKey(s.envelope.id)) {
    c.keysDeleted++;
    c.run++;
  }
}

async function publishCompensatingEvent(s: InFlight): Promise<void> {
  const c = s.deps.stats.compensations;
  if (s.settled || s.envelope === undefined) {
    c.skipped++;
    return;
  }
  const event = compensatingEvent(s.envelope, "rolled back before the lease completed");
  if (await s.deps.store.publishCompensation(s.envelope.id, event)) {
    c.compensatingEvents++;
    c.run++;
  }
}

const STEP = "ingest.message";

const poisonFailure = (e: unknown): PipeError | undefined =>
  e instanceof PoisonError ? PipeError.from(e.message, POISON_CODE) : undefined;

async function ingest(s: InFlight, envelope: Envelope, signal: AbortSignal): Promise<void> {
  const { deps, message, ctx } = s;
  // Not started yet and the fan-in is stopping: leave it to the rollback (its lease is released).
  if (signal.aborted) throw signal.reason;
  // Idempotency key + domain events in one transaction: both or neither.
  const outcome = await deps.store.record(envelope, domainEvents(envelope));
  if (outcome === "duplicate") {
    deps.stats.duplicates++;
  } else if (ctx !== undefined) {
    ctx.registerCompensation(s, deleteKey);
    ctx.registerCompensation(s, publishCompensatingEvent);
  }
  const every = deps.poisonEvery ?? 0;
  if (every > 0 && outcome === "recorded" && message.attempt === 1 && envelope.seq % every === 0) {
    deps.stats.poisoned++;
    throw new PoisonError(`Injected failure after publishing ${envelope.id}, before completing its lease.`);
  }
  await s.feed.complete(message);
  s.settled = true;
  if (outcome === "recorded") deps.stats.processed++;
}

async function deadLetter(s: InFlight, error: PipeError): Promise<void> {
  await s.deps.store.deadLetter(s.message, error.toJSON());
  await s.feed.complete(s.message);
  s.settled = true;
  s.deps.stats.deadLettered++;
}

/**
 * The seed 001 handler: decode and validate, record the idempotency key, publish the domain events to the
 * outbox, complete the lease, registering the compensations on `ctx` (release the lease, delete the key,
 * publish a compensating event) so a failure rolls the message back deterministically.
 *
 * When to use: pass it to `ResultPipelineChannels.fanIn(ctx, readers, handler, ...)` with the same `ctx`.
 *
 * Details: the key insert and the outbox append are one statement (one transaction), so a redelivered message
 * is recognised and only acknowledged (exactly once in effect). The handler never leaves work running after it
 * returns: it checks the fan-in's signal before it starts, and once it has started it finishes (a committed
 * effect is acknowledged). Each message registers on its own child of `ctx` (`ctx.child("ingest.message")`):
 * on success the child is dropped with its compensations (the message is settled: the broker will not
 * redeliver it, so undoing it would lose it); on failure `child.end()` moves them into `ctx`, where the round's
 * rollback replays them. So a failure rolls back exactly the failing message and the ones still in flight,
 * whatever `concurrency` and `retain` are. (Registering straight on `ctx`, as the seed's listing does, works
 * for `concurrency: 1`; with more, `retain: "message"` cannot tell interleaved messages apart, so it would
 * keep and later replay compensations of settled messages. A settled message's compensations are no-ops
 * anyway, as a second guard.)
 * Undecodable messages are stored in the dead-letter table and acknowledged, then reported as a failure (seed
 * 001: "Result.fail when validation fails"); so is a message delivered more than `deps.maxDeliveries` times
 * (its earlier deliveries failed), without being handled again.
 *
 * Error codes: `ingest.invalid-message` (decode/validation), `ingest.delivery-limit` (delivered more than
 * `maxDeliveries` times; metadata `attempt`), `ingest.poison` (demo fault),
 * `error.exception` (a store or broker fault), `error.canceled` (the fan-in stopped before it started).
 *
 * @example
 * ```ts
 * import { CompensationScope, ResultPipelineChannels, ResultPipelineStepContext } from "@pipe/pipeline";
 * import { createIngestHandler } from "@pipe/app-ingest-worker";
 * // const ctx = new ResultPipelineStepContext({ stepName: "ingest.fan-in", compensationScope: new CompensationScope() });
 * // await ResultPipelineChannels.fanIn(ctx, readers, createIngestHandler(ctx, deps), { concurrency: 8, retain: "message" });
 * ```
 */
export function createIngestHandler(
  ctx: ResultPipelineStepContext,
  deps: HandlerDeps,
): PipelineFanInHandler<RawMessage> {
  const track = deps.trackCompensations !== false;
  const maxDeliveries = deps.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  if (!Number.isSafeInteger(maxDeliveries) || maxDeliveries < 1)
    throw new RangeError(
      `createIngestHandler: maxDeliveries must be a positive integer, got ${String(maxDeliveries)}.`,
    );
  return (message, signal) => {
    const feed = deps.feeds.get(message.feed);
    if (feed === undefined) {
      return Result.fail(PipeError.from(`Unknown feed "${message.feed}".`, "ingest.unknown-feed"));
    }
    // Seed 001 registers on the step context; each message gets its own child of the round's context, so a
    // success drops exactly its own compensations and a failure stages exactly its own (see Details).
    const s = new InFlight(deps, feed, message, track ? ctx.child(STEP) : undefined);
    s.ctx?.registerCompensation(s, releaseLease);
    const decoded =
      message.attempt > maxDeliveries
        ? Result.fail(
            PipeError.from(
              `Message ${message.id} was delivered ${message.attempt} times (limit ${maxDeliveries}); its earlier deliveries failed.`,
              DELIVERY_LIMIT_CODE,
            ).withMetadata({ attempt: message.attempt }),
          )
        : decodeEnvelope(message.payload);
    if (decoded.isErr) {
      const error = decoded.error.withMetadata({ feed: message.feed, messageId: message.id });
      return Result.tryAsync(() => deadLetter(s, error))
        .tap(() => release(s))
        .tapError(() => stage(s))
        .andThen(() => Result.fail(error));
    }
    s.envelope = decoded.value;
    return Result.tryAsync(() => ingest(s, decoded.value, signal), { errorFactory: poisonFailure })
      .tap(() => release(s))
      .tapError(() => stage(s));
  };
}
