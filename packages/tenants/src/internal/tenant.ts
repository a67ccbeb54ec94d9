import { Channel, type ChannelReader, type ChannelWriter, type SignalOptions } from "@pipe/channels";
import { ErrorCodes, ok, type PipeError, type Result } from "@pipe/result";
import type { OverflowPolicy } from "../policies.ts";
import type { TenantSnapshot, TenantState } from "../snapshot.ts";
import type { Counters, RouterCore } from "./core.ts";
import { droppedError, overflowError, removedError } from "./errors.ts";
import { instruments } from "./metrics.ts";

const OK: Result<void> = ok();

/**
 * One tenant: its bounded branch, counters and state. The router writes to it through the `ChannelWriter`
 * face (handed to `keyedFanOut` as the tenant's branch), which applies the overflow policy and counts.
 * @internal
 */
export class Tenant<E> implements ChannelWriter<E>, Counters {
  readonly reader: ChannelReader<E>;
  readonly #inner: ChannelWriter<E>;
  readonly attrs: { readonly tenantId: string };
  state: TenantState = "pending";
  received = 0;
  processed = 0;
  failed = 0;
  deadLettered = 0;
  dropped = 0;
  restarts = 0;
  error: PipeError | undefined = undefined;
  #pendingWrites = 0;
  #closeRequested = false;
  #overflowError: PipeError | undefined = undefined;
  #droppedError: PipeError | undefined = undefined;
  #removedError: PipeError | undefined = undefined;
  /** Resolvers waiting for the worker to stop (remove()). */
  readonly stopWaiters: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly capacity: number,
    readonly overflow: OverflowPolicy,
    readonly core: RouterCore<E>,
  ) {
    this.attrs = Object.freeze({ tenantId: id });
    const channel =
      overflow === "dropOldest"
        ? Channel.createBounded<E>({ capacity, fullMode: "dropOldest", onDrop: (e) => this.#onDropped(e) })
        : Channel.createBounded<E>({ capacity, fullMode: "wait", singleReader: true });
    this.reader = channel.reader;
    this.#inner = channel.writer;
  }

  /** The `tenants.removed` error of this tenant (cached). */
  get removedError(): PipeError {
    this.#removedError ??= removedError(this.id);
    return this.#removedError;
  }

  tryWrite(envelope: E): boolean {
    if (this.state === "parked") {
      this.#received();
      this.core.deadLetter(this, this.id, envelope, this.error as PipeError);
      return true;
    }
    if (this.#inner.tryWrite(envelope)) {
      this.#received();
      return true;
    }
    if (this.overflow !== "deadLetter") return false;
    this.#received();
    this.#overflowError ??= overflowError(this.id, this.capacity);
    this.core.deadLetter(this, this.id, envelope, this.#overflowError);
    return true;
  }

  write(envelope: E, options?: SignalOptions): Result<void> | Promise<Result<void>> {
    if (this.tryWrite(envelope)) return OK;
    this.#pendingWrites++;
    const r = this.#inner.write(envelope, options);
    return r instanceof Promise
      ? r.then((done) => this.#afterWrite(envelope, done))
      : this.#afterWrite(envelope, r);
  }

  #afterWrite(envelope: E, done: Result<void>): Result<void> {
    this.#pendingWrites--;
    this.#received();
    let outcome = OK;
    if (done.isErr) {
      if (done.error.code === ErrorCodes.canceled) {
        // The run stopped while the router waited for room: the envelope was taken from the ingress, so it
        // goes to the dead-letter channel rather than vanish.
        this.core.deadLetter(this, this.id, envelope, this.core.shutdownError(done.error));
        outcome = done;
      } else {
        this.core.deadLetter(this, this.id, envelope, this.removedError);
      }
    }
    if (this.#closeRequested && this.#pendingWrites === 0) this.#inner.tryComplete();
    return outcome;
  }

  waitToWrite(options?: SignalOptions): Result<boolean> | Promise<Result<boolean>> {
    return this.#inner.waitToWrite(options);
  }

  /** Completes the branch once no routed write is pending (the worker then drains and stops). */
  complete(): Result<void> {
    this.requestClose();
    return OK;
  }

  tryComplete(): boolean {
    if (this.#closeRequested) return false;
    this.requestClose();
    return true;
  }

  /** Asks the branch to complete as soon as no write of the router is pending on it. */
  requestClose(): void {
    this.#closeRequested = true;
    if (this.#pendingWrites === 0) this.#inner.tryComplete();
  }

  #received(): void {
    this.received++;
    const m = instruments();
    if (m !== undefined) m.received.add(1, this.attrs);
  }

  #onDropped(envelope: E): void {
    this.dropped++;
    const m = instruments();
    if (m !== undefined) m.dropped.add(1, this.attrs);
    const onDrop = this.core.onDrop;
    if (onDrop === undefined) return;
    this.#droppedError ??= droppedError(this.id, this.capacity);
    onDrop({ tenantId: this.id, envelope, error: this.#droppedError });
  }

  snapshot(): TenantSnapshot {
    return {
      tenantId: this.id,
      state: this.state,
      overflow: this.overflow,
      capacity: this.capacity,
      received: this.received,
      processed: this.processed,
      failed: this.failed,
      deadLettered: this.deadLettered,
      dropped: this.dropped,
      depth: this.reader.count,
      restarts: this.restarts,
      error: this.error,
    };
  }
}
