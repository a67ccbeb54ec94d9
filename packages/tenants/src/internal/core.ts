import type { TimeProvider } from "@pipe/channels";
import { ResultCompensationPolicy, ResultRetryPolicy } from "@pipe/pipeline";
import { PipeError } from "@pipe/result";
import type { DroppedEnvelope } from "../dead-letter.ts";
import type { FailureMode, IsolateRollback } from "../policies.ts";
import type { TenantProcessor } from "../processor.ts";
import type { TenantRouterOptions } from "../router-options.ts";
import type { DeadLetterSink } from "./dead-letter-sink.ts";
import { shutdownError } from "./errors.ts";
import { instruments } from "./metrics.ts";
import { validRetain } from "./validate.ts";

/** Counters every tenant keeps (and the router sums over retired tenants). @internal */
export interface Counters {
  received: number;
  processed: number;
  failed: number;
  deadLettered: number;
  dropped: number;
  restarts: number;
}

/** What a router gives its {@link RouterCore}: its resolved options and how to reach back to it. @internal */
export type RouterCoreOptions<E> = Pick<
  RouterCore<E>,
  | "process"
  | "failureMode"
  | "retry"
  | "compensation"
  | "isolateRollback"
  | "retainEnvelope"
  | "timeProvider"
  | "sink"
  | "onDrop"
  | "abortRun"
  | "stopped"
>;

/** What the router hands its tenants and workers: configuration, the dead-letter sink, failure records. @internal */
export class RouterCore<E> {
  readonly process: TenantProcessor<E>;
  readonly failureMode: FailureMode;
  readonly retry: ResultRetryPolicy;
  readonly compensation: ResultCompensationPolicy;
  readonly isolateRollback: IsolateRollback;
  readonly retainEnvelope: boolean;
  readonly timeProvider: TimeProvider;
  readonly sink: DeadLetterSink<E>;
  readonly onDrop: ((dropped: DroppedEnvelope<E>) => void) | undefined;
  /** Aborts the current run (called on the first failure under `failFast`). */
  readonly abortRun: (reason: PipeError) => void;
  /** Called by a worker once it stopped. */
  readonly stopped: (tenant: Counters & { readonly id: string }) => void;
  readonly failures: PipeError[] = [];
  failFastError: PipeError | undefined = undefined;
  readonly retired: Counters = {
    received: 0,
    processed: 0,
    failed: 0,
    deadLettered: 0,
    dropped: 0,
    restarts: 0,
  };
  #shutdown: PipeError | undefined = undefined;

  constructor(options: RouterCoreOptions<E>) {
    this.process = options.process;
    this.failureMode = options.failureMode;
    this.retry = options.retry;
    this.compensation = options.compensation;
    this.isolateRollback = options.isolateRollback;
    this.retainEnvelope = options.retainEnvelope;
    this.timeProvider = options.timeProvider;
    this.sink = options.sink;
    this.onDrop = options.onDrop;
    this.abortRun = options.abortRun;
    this.stopped = options.stopped;
  }

  /** Dead-letters `envelope` (counted on `counters` when given). */
  deadLetter(
    counters: Counters | undefined,
    tenantId: string | undefined,
    envelope: E,
    error: PipeError,
  ): void {
    this.sink.send(tenantId, envelope, error);
    if (counters !== undefined) counters.deadLettered++;
    const m = instruments();
    if (m !== undefined) m.deadLettered.add(1, tenantId === undefined ? {} : { tenantId });
  }

  /** The `tenants.shutdown` error of this run (cause: the fail-fast failure or the abort). */
  shutdownError(cause: AbortSignal | PipeError): PipeError {
    if (this.#shutdown === undefined) {
      const canceled = PipeError.is(cause) ? cause : PipeError.canceled(undefined, cause.reason);
      this.#shutdown = shutdownError(this.failFastError ?? canceled);
    }
    return this.#shutdown;
  }

  /** Records the first failure under `failFast` and aborts the run; later calls are ignored. */
  failFast(error: PipeError): void {
    if (this.failFastError !== undefined) return;
    this.failFastError = error;
    this.failures.push(error);
    this.abortRun(error);
  }

  /** Adds a retired tenant's counters to the router totals. */
  retire(counters: Counters): void {
    const r = this.retired;
    r.received += counters.received;
    r.processed += counters.processed;
    r.failed += counters.failed;
    r.deadLettered += counters.deadLettered;
    r.dropped += counters.dropped;
    r.restarts += counters.restarts;
  }
}

/**
 * The core of a router built from its options, their defaults applied (isolate, 5 retries from 100 ms ×2 up to
 * 10 s, sequential-reverse compensation, tenant rollback, retain per run), and the router's links. @internal
 */
export function routerCoreOf<E>(
  options: TenantRouterOptions<E>,
  links: Pick<RouterCoreOptions<E>, "timeProvider" | "sink" | "abortRun" | "stopped">,
): RouterCore<E> {
  return new RouterCore<E>({
    process: options.process,
    failureMode: options.failureMode ?? "isolate",
    retry: options.retry ?? ResultRetryPolicy.exponential(5, 100, 2, 10_000),
    compensation: options.compensation ?? ResultCompensationPolicy.sequentialReverse,
    isolateRollback: options.isolateRollback ?? "tenant",
    retainEnvelope: validRetain(options.retain),
    onDrop: options.onDrop,
    ...links,
  });
}
