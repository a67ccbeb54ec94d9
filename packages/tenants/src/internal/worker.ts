import { delay, NO_VALUE } from "@pipe/channels";
import {
  type CompensationScope,
  PipelineTracing,
  type ResultPipelineStepContext,
  type RetrySchedule,
  runCompensation,
  type SpanLike,
  type TracerLike,
} from "@pipe/pipeline";
import { ErrorCodes, isResult, isThenable, ok, PipeError, type Result } from "@pipe/result";
import { parkedError, withTenant } from "./errors.ts";
import { DEPTH_SAMPLE_MASK, instruments } from "./metrics.ts";
import type { Tenant } from "./tenant.ts";
import { attemptFailed, endEnvelopeSpan } from "./trace.ts";

const OK: Result<void> = ok();

const notAResult = (): PipeError =>
  PipeError.from("The tenant processor returned something that is not a Result.", ErrorCodes.validation);

/**
 * One tenant's worker: drains the branch through the processor (synchronously while data is buffered and the
 * processor answers synchronously), handles failures per the failure mode, and dead-letters what it cannot
 * process once the run stopped or the tenant is parked. The processor's context `work` is a child of the
 * tenant context: it holds the in-flight envelope's compensations, which move to the tenant's scope on
 * success. @internal
 */
export class TenantWorker<E> {
  readonly #work: ResultPipelineStepContext;
  #schedule: RetrySchedule | undefined = undefined;
  #attempts = 0;
  /** The tracer configured when the worker started (`undefined`: no spans, one check per envelope). */
  readonly #tracer: TracerLike | undefined = PipelineTracing.tracer;
  /** The span of the envelope in hand, when tracing. */
  #span: SpanLike | undefined = undefined;
  /** The failure the envelope in hand ended with, when tracing (`undefined` once it was processed). */
  #failure: PipeError | undefined = undefined;

  constructor(
    readonly tenant: Tenant<E>,
    readonly context: ResultPipelineStepContext,
    readonly signal: AbortSignal,
  ) {
    this.#work = context.child(context.stepName);
  }

  async run(): Promise<Result<void>> {
    const t = this.tenant;
    const core = t.core;
    const reader = t.reader;
    const signal = this.signal;
    if (t.state === "pending") t.state = "running";
    instruments()?.active.add(1, t.attrs);
    try {
      for (;;) {
        const envelope = reader.tryRead();
        if (envelope === NO_VALUE) {
          if (signal.aborted) break;
          // No signal here (no listener churn per wait): on abort the router completes every branch once
          // routing stopped, which wakes this wait, and the check above ends the loop.
          let ready = reader.waitToRead();
          if (ready instanceof Promise) ready = await ready;
          if (ready.isErr || ready.value === false) break;
          continue;
        }
        if (t.state === "parked") core.deadLetter(t, t.id, envelope, t.error as PipeError);
        else if (signal.aborted) core.deadLetter(t, t.id, envelope, core.shutdownError(signal));
        else {
          const pending = this.#process(envelope);
          if (pending !== undefined) await pending;
        }
      }
      if (signal.aborted) await this.#drainAborted();
    } finally {
      this.#work.end();
      t.state = "stopped";
      instruments()?.active.add(-1, t.attrs);
      core.stopped(t);
    }
    // A tenant's failure reaches the run's outcome through `core` (parked tenants, the fail-fast error); the
    // worker itself ends ok, because a failed `WaitGroup.go(runContext, ...)` work would fail the run context
    // and stop every other tenant (isolation).
    return OK;
  }

  #process(envelope: E): Promise<void> | undefined {
    if (this.#tracer !== undefined) return this.#processTraced(this.#tracer, envelope);
    return this.#processPlain(envelope);
  }

  /** `#process` in a `tenants.envelope` span that covers the retries and rollbacks of the envelope too. */
  #processTraced(tracer: TracerLike, envelope: E): Promise<void> | undefined {
    const attributes = { "tenant.id": this.tenant.id };
    return tracer.startActiveSpan("tenants.envelope", { attributes }, (span) => {
      this.#span = span;
      this.#failure = undefined;
      const pending = this.#processPlain(envelope);
      if (pending === undefined) {
        this.#endSpan(span);
        return undefined;
      }
      return pending.then(() => this.#endSpan(span));
    });
  }

  #endSpan(span: SpanLike): void {
    this.#span = undefined;
    endEnvelopeSpan(span, this.#failure);
    this.#failure = undefined;
  }

  #processPlain(envelope: E): Promise<void> | undefined {
    let r: unknown;
    try {
      r = this.tenant.core.process(this.#work, this.tenant.id, envelope, this.#work.signal);
    } catch (thrown) {
      return this.#failed(envelope, PipeError.fromException(thrown));
    }
    if (isThenable(r)) {
      return Promise.resolve(r).then(
        (value) => {
          const error = this.#complete(value);
          return error === undefined ? undefined : this.#failed(envelope, error);
        },
        (thrown: unknown) => this.#failed(envelope, PipeError.fromException(thrown)),
      );
    }
    const error = this.#complete(r);
    return error === undefined ? undefined : this.#failed(envelope, error);
  }

  /** Takes a processor outcome: `undefined` on success (compensations move to the tenant), else the failure. */
  #complete(r: unknown): PipeError | undefined {
    if (!isResult(r)) return notAResult();
    let result = r as Result<unknown>;
    if (result.compensations.length > 0) result = this.#work.absorb(result);
    if (result.isErr) return result.error;
    const t = this.tenant;
    t.processed++;
    this.#schedule = undefined;
    this.#attempts = 0;
    const scope = this.#work.compensationScope;
    if (scope.hasActions) {
      if (t.core.retainEnvelope) scope.clear();
      else this.context.absorb(scope);
    }
    const m = instruments();
    if (m !== undefined) {
      m.processed.add(1, t.attrs);
      if ((t.processed & DEPTH_SAMPLE_MASK) === 0) m.depth.record(t.reader.count, t.attrs);
    }
    return undefined;
  }

  async #attempt(envelope: E): Promise<PipeError | undefined> {
    try {
      let r: unknown = this.tenant.core.process(this.#work, this.tenant.id, envelope, this.#work.signal);
      if (isThenable(r)) r = await r;
      return this.#complete(r);
    } catch (thrown) {
      return PipeError.fromException(thrown);
    }
  }

  /** The slow path: a failed attempt (and, under isolate, the restarts that follow). */
  async #failed(envelope: E, error: PipeError): Promise<void> {
    const t = this.tenant;
    const core = t.core;
    for (;;) {
      t.failed++;
      instruments()?.failed.add(1, t.attrs);
      if (this.#span !== undefined) {
        this.#failure = error;
        attemptFailed(this.#span, error);
      }
      if (this.signal.aborted) {
        // The run stopped under this envelope: under failFast the run scope replays everything (so the
        // partial work joins the tenant's scope); after an abort only the unfinished work is undone.
        if (core.failFastError !== undefined) this.context.absorb(this.#work.compensationScope);
        else await this.#compensate(this.#work.compensationScope);
        core.deadLetter(t, t.id, envelope, core.shutdownError(this.signal));
        return;
      }
      if (core.failureMode === "failFast") {
        this.context.absorb(this.#work.compensationScope);
        t.error = withTenant(error, t.id);
        core.failFast(t.error);
        core.deadLetter(t, t.id, envelope, t.error);
        return;
      }
      if (core.isolateRollback === "tenant") {
        this.context.absorb(this.#work.compensationScope);
        await this.#compensate(this.context.compensationScope);
      } else await this.#compensate(this.#work.compensationScope);
      this.#schedule ??= core.retry.schedule();
      this.#attempts++;
      const retryable =
        error.code !== ErrorCodes.canceled && (core.retry.shouldRetry?.(error, this.#attempts) ?? true);
      const wait = retryable ? this.#schedule.next() : undefined;
      if (wait === undefined) {
        t.error = parkedError(t.id, this.#attempts, error);
        t.state = "parked";
        core.failures.push(t.error);
        core.deadLetter(t, t.id, envelope, t.error);
        return;
      }
      t.restarts++;
      instruments()?.restarts.add(1, t.attrs);
      if (t.state === "running") t.state = "restarting";
      const slept = await delay(wait, { timeProvider: core.timeProvider, signal: this.signal });
      if (t.state === "restarting") t.state = "running";
      if (slept.isErr) {
        core.deadLetter(t, t.id, envelope, core.shutdownError(this.signal));
        return;
      }
      const next = await this.#attempt(envelope);
      if (next === undefined) {
        this.#failure = undefined;
        return;
      }
      error = next;
    }
  }

  async #compensate(scope: CompensationScope): Promise<void> {
    if (!scope.hasActions) return;
    const span = this.#span;
    const options = span === undefined ? undefined : { span };
    const failure = await runCompensation(this.tenant.core.compensation, scope, options);
    if (failure !== undefined) this.tenant.core.failures.push(withTenant(failure, this.tenant.id));
  }

  /** After an abort: everything still buffered (or still arriving until the branch completes) is dead-lettered. */
  async #drainAborted(): Promise<void> {
    const t = this.tenant;
    const reader = t.reader;
    for (;;) {
      for (let v = reader.tryRead(); v !== NO_VALUE; v = reader.tryRead()) {
        const reason = t.state === "parked" ? (t.error as PipeError) : t.core.shutdownError(this.signal);
        t.core.deadLetter(t, t.id, v, reason);
      }
      let ready = reader.waitToRead();
      if (ready instanceof Promise) ready = await ready;
      if (ready.isErr || !ready.value) return;
    }
  }
}
