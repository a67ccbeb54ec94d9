import type { ChannelWriter } from "@pipe/channels";
import type { PipeError, Result } from "@pipe/result";
import type { DeadLetter } from "../dead-letter.ts";
import { deadLetterFailedError } from "./errors.ts";

/**
 * Writes dead letters without ever blocking the caller: a synchronous `tryWrite` when there is room, else a
 * queued `write` that is tracked until it settles. Refusals become `tenants.dead_letter.failed` failures.
 * @internal
 */
export class DeadLetterSink<E> {
  #pending = 0;
  #idle: (() => void) | undefined;
  readonly failures: PipeError[] = [];

  constructor(readonly writer: ChannelWriter<DeadLetter<E>>) {}

  /** Sends one entry. */
  send(tenantId: string | undefined, envelope: E, error: PipeError): void {
    const entry: DeadLetter<E> = { tenantId, envelope, error };
    if (this.writer.tryWrite(entry)) return;
    const r = this.writer.write(entry);
    if (r instanceof Promise) {
      this.#pending++;
      void r.then((done) => {
        this.#settled(tenantId, done);
        if (--this.#pending === 0) this.#idle?.();
      });
    } else this.#settled(tenantId, r);
  }

  #settled(tenantId: string | undefined, done: Result<void>): void {
    if (done.isErr) this.failures.push(deadLetterFailedError(tenantId, done.error));
  }

  /** Resolves once every queued write settled. */
  flushed(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
  }
}
