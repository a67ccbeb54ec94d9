import type { ResultPipelineStepContext } from "@pipe/pipeline";
import type { Result } from "@pipe/result";

/**
 * Processes one envelope of one tenant: `(context, tenantId, envelope, signal) => Result` (the argument order
 * of seed 002's `ProcessTenantMessageAsync`).
 *
 * When to use: the `process` option of a `TenantRouter`. Register undo actions with
 * `context.registerCompensation(...)` (or attach them to the returned Result with `withCompensation`).
 *
 * Details: `context` is the tenant's step context (`tenant[<id>]`, a child of the run context); its scope holds
 * the compensations of the envelope being processed until it succeeds, then they move to the tenant's scope.
 * A failed Result, a throw (`error.exception`) or a rejection is a failure; a value that is not a Result is
 * `error.validation`. Returning synchronously keeps the worker on its fast path (no promise per envelope).
 * With a tracer configured (`PipelineTracing.configure` of `@pipe/pipeline`), each envelope runs in a
 * `tenants.envelope` span covering its retries and rollbacks, and spans the processor starts are its children.
 *
 * Abort: `signal` (also `context.signal`) aborts when the run is aborted or fails fast; stop early and return
 * a failure (or finish quickly).
 *
 * @example
 * ```ts
 * import { ok } from "@pipe/result";
 * import type { TenantProcessor } from "@pipe/tenants";
 * const process: TenantProcessor<{ tenantId: string; n: number }> = (context, tenantId, envelope) => {
 *   context.registerCompensation(() => console.log("undo", tenantId, envelope.n));
 *   return ok();
 * };
 * ```
 */
export type TenantProcessor<E> = (
  context: ResultPipelineStepContext,
  tenantId: string,
  envelope: E,
  signal: AbortSignal,
) => Result<unknown> | PromiseLike<Result<unknown>>;
