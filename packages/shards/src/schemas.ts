import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";
import type { ShardFilterInput } from "./filter.ts";
import { decode } from "./internal/decode.ts";
import type { ShardMutationRequest } from "./model.ts";
import type { ShardSimulationRequest } from "./service-types.ts";

const nonBlank = Schema.makeFilter((s: string) => s.trim().length > 0, { expected: "a non-blank string" });
const noBar = Schema.makeFilter((s: string) => !s.includes("|"), { expected: "a string without '|'" });
const NonBlank = Schema.String.check(nonBlank);
const Opt = <S extends Schema.Top>(s: S) => Schema.optional(Schema.NullOr(s));
const Status = Schema.Literals(["active", "draining", "paused", "disabled"]);

/**
 * Effect schema of a simulation request body (types only; the service then checks blank namespace, missing
 * nodes and blank node ids in the original's order, with the original's codes).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ShardSimulationRequestSchema } from "@pipe/shards";
 * console.log(Schema.is(ShardSimulationRequestSchema)({ namespace: "ns", nodes: [{ nodeId: "a" }] })); // true
 * ```
 */
export const ShardSimulationRequestSchema: Schema.Codec<ShardSimulationRequest, ShardSimulationRequest> =
  Schema.Struct({
    namespace: Opt(Schema.String),
    strategyId: Opt(Schema.String),
    nodes: Opt(
      Schema.Array(
        Schema.NullOr(
          Schema.Struct({
            nodeId: Opt(Schema.String),
            weight: Opt(Schema.Finite),
            region: Opt(Schema.String),
            zone: Opt(Schema.String),
          }),
        ),
      ),
    ),
  }) as unknown as Schema.Codec<ShardSimulationRequest, ShardSimulationRequest>;

/**
 * Effect schema of a mutation: non-blank identifiers (a namespace may not contain `|`, the cursor
 * separator), a finite capacity, a status name, an integer `expectedVersion` ≥ 0, and the governance envelope.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ShardMutationRequestSchema } from "@pipe/shards";
 * console.log(Schema.is(ShardMutationRequestSchema)({ namespace: "ns", shardId: "s", strategyId: "ring", ownerNodeId: "a" })); // true
 * ```
 */
export const ShardMutationRequestSchema: Schema.Codec<ShardMutationRequest, ShardMutationRequest> =
  Schema.Struct({
    namespace: Schema.String.check(nonBlank, noBar),
    shardId: NonBlank,
    strategyId: NonBlank,
    ownerNodeId: NonBlank,
    leaderId: Opt(Schema.String),
    capacityHint: Schema.optional(Schema.Finite),
    status: Schema.optional(Status),
    changeTicket: Opt(Schema.String),
    expectedVersion: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
    changeMetadata: Schema.optional(
      Schema.Struct({
        actor: Schema.String,
        reason: Schema.String,
        changeTicket: Schema.optional(Schema.String),
        ownershipDeltaPercent: Schema.optional(Schema.Finite),
        metadata: Schema.optional(Schema.String),
      }),
    ),
  }) as unknown as Schema.Codec<ShardMutationRequest, ShardMutationRequest>;

/**
 * Effect schema of a filter (strings and status names).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ShardFilterInputSchema } from "@pipe/shards";
 * console.log(Schema.is(ShardFilterInputSchema)({ statuses: ["active"] })); // true
 * ```
 */
export const ShardFilterInputSchema: Schema.Codec<ShardFilterInput, ShardFilterInput> = Schema.Struct({
  namespace: Opt(Schema.String),
  ownerNodeId: Opt(Schema.String),
  search: Opt(Schema.String),
  statuses: Opt(Schema.Array(Status)),
}) as unknown as Schema.Codec<ShardFilterInput, ShardFilterInput>;

/**
 * Decodes an untrusted simulation request; failures are `error.validation` with metadata `issues`
 * (`{ path, message }[]`, e.g. `$.nodes[0].weight`).
 *
 * @example
 * ```ts
 * import { decodeShardSimulationRequest } from "@pipe/shards";
 * console.log(decodeShardSimulationRequest({ namespace: 1 }).error?.code); // "error.validation"
 * ```
 */
export function decodeShardSimulationRequest(input: unknown): Result<ShardSimulationRequest> {
  return decode(ShardSimulationRequestSchema, input, "simulation request");
}

/**
 * Decodes an untrusted mutation; failures are `error.validation` with the path of each problem. Blank
 * `changeMetadata.actor` / `reason` fail with the original's messages ("Actor must be provided." /
 * "Reason must be provided.").
 *
 * @example
 * ```ts
 * import { decodeShardMutationRequest } from "@pipe/shards";
 * const r = decodeShardMutationRequest({ namespace: "ns", shardId: "", strategyId: "ring", ownerNodeId: "a" });
 * console.log(r.error?.metadata["issues"]); // [{ path: "$.shardId", message: "Expected a non-blank string" }]
 * ```
 */
export function decodeShardMutationRequest(input: unknown): Result<ShardMutationRequest> {
  return decode(ShardMutationRequestSchema, input, "shard mutation").andThen((m) => {
    const meta = m.changeMetadata;
    if (meta !== undefined && meta.actor.trim().length === 0)
      return governance("actor", "Actor must be provided.");
    if (meta !== undefined && meta.reason.trim().length === 0)
      return governance("reason", "Reason must be provided.");
    return ok(m);
  });
}

/**
 * Decodes an untrusted filter; failures are `error.validation` with paths.
 *
 * @example
 * ```ts
 * import { decodeShardFilterInput } from "@pipe/shards";
 * console.log(decodeShardFilterInput({ statuses: ["bogus"] }).isErr); // true
 * ```
 */
export function decodeShardFilterInput(input: unknown): Result<ShardFilterInput> {
  return decode(ShardFilterInputSchema, input, "shard filter");
}

function governance(field: string, message: string): Result<ShardMutationRequest> {
  return err(
    PipeError.from(message, ErrorCodes.validation, {
      metadata: { issues: [{ path: `$.changeMetadata.${field}`, message }] },
    }),
  );
}
