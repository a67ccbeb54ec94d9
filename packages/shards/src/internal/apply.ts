import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import { shardIdentifierProblem, shardLookupProblem, shardTextProblem } from "../identifier.ts";
import type { ShardKey, ShardMutationRequest, ShardMutationResult, ShardRecord } from "../model.ts";
import type { ShardApplyRequest, ShardApplyResult } from "../service-types.ts";
import { isBlank } from "./hash-common.ts";
import { serviceErrors } from "./service-errors.ts";
import { concurrentWrite } from "./store-common.ts";

type Upsert = (
  m: ShardMutationRequest,
  signal: AbortSignal | undefined,
) => Promise<Result<ShardMutationResult>>;
type Get = (k: ShardKey, signal: AbortSignal | undefined) => Promise<Result<ShardRecord | null>>;

const invalid = (message: string, path: string): Result<ShardApplyResult> =>
  err(PipeError.from(message, ShardErrorCodes.planInvalid, { metadata: { issues: [{ path, message }] } }));

/** Applies a simulation's changes in plan order; rolls back what it applied when one fails. @internal */
export async function applyPlan(
  upsert: Upsert,
  get: Get,
  request: ShardApplyRequest,
  signal: AbortSignal | undefined,
): Promise<Result<ShardApplyResult>> {
  if (
    request === undefined ||
    request === null ||
    request.simulation === undefined ||
    request.simulation === null ||
    !Array.isArray(request.simulation.changes)
  ) {
    return invalid("A simulation with changes must be provided.", "$.simulation");
  }
  if (isBlank(request.actor)) return err(serviceErrors.validation("Actor must be provided.", "$.actor"));
  if (isBlank(request.reason)) return err(serviceErrors.validation("Reason must be provided.", "$.reason"));
  if (isBlank(request.changeTicket))
    return err(serviceErrors.validation("A change ticket must be provided.", "$.changeTicket"));
  const sim = request.simulation;
  const planProblem = checkPlan(request);
  if (planProblem !== undefined) return err(planProblem);
  const metadata =
    request.metadata ?? JSON.stringify({ planGeneratedAt: sim.generatedAt, strategyId: sim.strategyId });
  const total = sim.changes.length;
  const applied: { before: ShardRecord; after: ShardRecord }[] = [];
  let failure: PipeError | undefined;
  for (const change of sim.changes) {
    if (signal?.aborted) {
      failure = PipeError.canceled("Shard plan application canceled.", signal.reason);
      break;
    }
    const current = await get(change, signal);
    if (current.isErr) {
      failure = current.error;
      break;
    }
    const before = current.value;
    if (before === null || before.version !== change.currentVersion) {
      failure =
        before === null
          ? concurrentWrite(change, false)
          : concurrentWrite(change, false).withMetadata({
              expectedVersion: change.currentVersion,
              actualVersion: before.version,
            });
      break;
    }
    const written = await upsert(
      {
        namespace: before.namespace,
        shardId: before.shardId,
        strategyId: sim.strategyId,
        ownerNodeId: change.proposedOwner,
        leaderId: before.leaderId,
        capacityHint: before.capacityHint,
        status: before.status,
        changeTicket: request.changeTicket,
        expectedVersion: change.currentVersion,
        changeMetadata: {
          actor: request.actor,
          reason: request.reason,
          changeTicket: request.changeTicket,
          ownershipDeltaPercent: total === 0 ? 0 : (100 * total) / Math.max(1, sim.assignments.length),
          metadata,
        },
      },
      signal,
    );
    if (written.isErr) {
      failure = written.error;
      break;
    }
    applied.push({ before, after: written.value.record });
  }
  if (failure === undefined) {
    return ok({ changeTicket: request.changeTicket, applied: applied.map((a) => a.after) });
  }
  // A rollback restores the record as it was, its change ticket included (so its checksum is the one before
  // the plan): the failed plan's ticket never took effect. The history row carries that restored ticket too (a
  // store writes one effective ticket to both), and names the ticket it undid in its reason.
  let rolledBack = 0;
  for (let i = applied.length - 1; i >= 0; i--) {
    const { before, after } = applied[i];
    const undone = await upsert(
      {
        namespace: before.namespace,
        shardId: before.shardId,
        strategyId: before.strategyId,
        ownerNodeId: before.ownerNodeId,
        leaderId: before.leaderId,
        capacityHint: before.capacityHint,
        status: before.status,
        changeTicket: before.changeTicket,
        expectedVersion: after.version,
        changeMetadata: {
          actor: request.actor,
          reason: `rollback of ${request.changeTicket}: ${request.reason}`,
          metadata,
        },
      },
      undefined,
    );
    if (undone.isOk) rolledBack++;
  }
  return err(failure.withMetadata({ applied: applied.length, rolledBack }));
}

/**
 * Checks a plan before anything is written: every change belongs to the plan's namespace and names a shard no
 * other change names (`shards.control.plan.invalid`), its keys are lookup values, and what it writes (strategy, proposed owner)
 * are identifiers, the governance fields text (`error.validation`). */
function checkPlan(request: ShardApplyRequest): PipeError | undefined {
  const sim = request.simulation;
  const seen = new Map<unknown, number>();
  for (let i = 0; i < sim.changes.length; i++) {
    const change = sim.changes[i];
    if (change.namespace !== sim.namespace) {
      const path = `$.simulation.changes[${i}].namespace`;
      const message = `Change ${i} is in namespace '${String(change.namespace)}', not the plan's '${String(sim.namespace)}'.`;
      return PipeError.from(message, ShardErrorCodes.planInvalid, {
        metadata: { issues: [{ path, message }], namespace: sim.namespace },
      });
    }
    // A second change of one shard always conflicts with the first: every change before it would be written
    // and rolled back for nothing.
    const first = seen.get(change.shardId);
    if (first !== undefined) {
      const path = `$.simulation.changes[${i}].shardId`;
      const message = `Change ${i} moves shard '${String(change.shardId)}' again (first at $.simulation.changes[${first}]).`;
      return PipeError.from(message, ShardErrorCodes.planInvalid, {
        metadata: { issues: [{ path, message }], namespace: sim.namespace },
      });
    }
    seen.set(change.shardId, i);
  }
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, value: unknown, check: (text: string) => string | undefined): void => {
    if (typeof value !== "string") return;
    const problem = check(value);
    if (problem !== undefined) issues.push({ path, message: problem });
  };
  add("$.simulation.strategyId", sim.strategyId, shardIdentifierProblem);
  add("$.actor", request.actor, shardTextProblem);
  add("$.reason", request.reason, shardTextProblem);
  add("$.changeTicket", request.changeTicket, shardTextProblem);
  add("$.metadata", request.metadata, shardTextProblem);
  for (let i = 0; i < sim.changes.length && issues.length < 20; i++) {
    const change = sim.changes[i];
    add(`$.simulation.changes[${i}].namespace`, change.namespace, shardLookupProblem);
    add(`$.simulation.changes[${i}].shardId`, change.shardId, shardLookupProblem);
    add(`$.simulation.changes[${i}].proposedOwner`, change.proposedOwner, shardIdentifierProblem);
  }
  if (issues.length === 0) return undefined;
  return PipeError.from(
    `Invalid apply request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    ErrorCodes.validation,
    { metadata: { issues } },
  );
}
