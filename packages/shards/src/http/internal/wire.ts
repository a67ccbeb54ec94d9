import { err, ok, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";
import { decodeWith, validationError } from "../../internal/decode.ts";
import type { ShardMutationRequest } from "../../model.ts";
import { decodeShardMutationRequest, decodeShardSimulationRequest } from "../../schemas.ts";
import type { ShardApplyRequest, ShardSimulation, ShardSimulationRequest } from "../../service-types.ts";
import { shardStatuses } from "../../status.ts";

const MAX_CHANGES = 200_000;
const nonBlank = Schema.makeFilter((s: string) => s.trim().length > 0, { expected: "a non-blank string" });
const NonBlank = Schema.String.check(nonBlank);
const Version = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));

const Change = Schema.Struct({
  namespace: NonBlank,
  shardId: NonBlank,
  currentOwner: Schema.String,
  proposedOwner: NonBlank,
  changesOwner: Schema.optional(Schema.Boolean),
  currentVersion: Version,
});
const Assignment = Schema.Struct({
  namespace: Schema.String,
  shardId: Schema.String,
  ownerNodeId: Schema.String,
  capacity: Schema.optional(Schema.Finite),
  leaderId: Schema.optional(Schema.NullOr(Schema.String)),
  localityHint: Schema.optional(Schema.NullOr(Schema.String)),
});
const ApplyBody = Schema.Struct({
  simulation: Schema.Struct({
    namespace: NonBlank,
    strategyId: NonBlank,
    generatedAt: Schema.optional(Schema.String),
    assignments: Schema.optional(Schema.Array(Assignment).check(Schema.isMaxLength(MAX_CHANGES))),
    changes: Schema.Array(Change).check(Schema.isMaxLength(MAX_CHANGES)),
  }),
  actor: Schema.String,
  reason: Schema.String,
  changeTicket: Schema.String,
  metadata: Schema.optional(Schema.String),
});

/**
 * Decodes an `apply` body (`{ simulation, actor, reason, changeTicket, metadata? }`, the simulation as
 * `POST /control/shards/simulate` returned it). Blank actor/reason/ticket are left to the service, which
 * answers with the original's messages. @internal
 */
export function decodeApplyBody(input: unknown): Result<ShardApplyRequest> {
  return decodeWith(ApplyBody, input, "apply request").map((body) => {
    const sim = body.simulation;
    const assignments = (sim.assignments ?? []).map((a) => ({
      namespace: a.namespace,
      shardId: a.shardId,
      ownerNodeId: a.ownerNodeId,
      capacity: a.capacity ?? 1,
      leaderId: a.leaderId ?? null,
      localityHint: a.localityHint ?? null,
    }));
    const changes = sim.changes.map((c) => ({
      namespace: c.namespace,
      shardId: c.shardId,
      currentOwner: c.currentOwner,
      proposedOwner: c.proposedOwner,
      changesOwner: true as const,
      currentVersion: c.currentVersion,
    }));
    const simulation: ShardSimulation = {
      namespace: sim.namespace,
      strategyId: sim.strategyId,
      generatedAt: sim.generatedAt ?? "",
      assignments,
      changes,
      moves: changes.length,
      minimumMoves: changes.length,
      balance: { perNode: {}, max: 0, mean: 0, ratio: 0 },
    };
    return {
      simulation,
      actor: body.actor,
      reason: body.reason,
      changeTicket: body.changeTicket,
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    };
  });
}

/**
 * Decodes an upsert body with the core's mutation schema after normalising `status` (the wire accepts the
 * domain integers 0-3 and any letter case; it always answers with lowercase names). @internal
 */
export function decodeUpsertBody(input: unknown): Result<ShardMutationRequest> {
  if (typeof input === "object" && input !== null && !Array.isArray(input) && "status" in input) {
    const raw = (input as { status: unknown }).status;
    let status: unknown = raw;
    if (typeof raw === "number" && Number.isInteger(raw)) status = shardStatuses[raw] ?? raw;
    else if (typeof raw === "string") {
      const t = raw.trim().toLowerCase();
      status = /^[0-3]$/.test(t) ? shardStatuses[Number(t)] : t;
    }
    return decodeShardMutationRequest({ ...input, status });
  }
  return decodeShardMutationRequest(input);
}

/**
 * Decodes a simulation body with the core's schema, then rejects duplicate node ids (the service would let a
 * duplicated node count twice). A non-object body is `error.validation` at `$`. @internal
 */
export function decodeSimulateBody(input: unknown): Result<ShardSimulationRequest> {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return err(validationError("simulation request", [{ path: "$", message: "Expected a JSON object" }]));
  return decodeShardSimulationRequest(input).andThen((request) => {
    const seen = new Map<string, number>();
    const nodes = request.nodes ?? [];
    for (let i = 0; i < nodes.length; i++) {
      const id = nodes[i]?.nodeId?.trim();
      if (id === undefined || id.length === 0) continue;
      const first = seen.get(id);
      if (first !== undefined)
        return err(
          validationError("simulation request", [
            {
              path: `$.nodes[${i}].nodeId`,
              message: `Duplicate node id '${id}' (first at $.nodes[${first}])`,
            },
          ]),
        );
      seen.set(id, i);
    }
    return ok(request);
  });
}
