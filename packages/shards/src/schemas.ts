import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";
import type { ShardFilterInput } from "./filter.ts";
import { ShardIdentifierSchemas } from "./identifier.ts";
import { decode } from "./internal/decode.ts";
import { ringPointCount } from "./internal/ring-points.ts";
import { ShardLimits } from "./limits.ts";
import type { ShardMutationRequest } from "./model.ts";
import type { ShardSimulationRequest } from "./service-types.ts";

const noBar = Schema.makeFilter((s: string) => !s.includes("|"), { expected: "a string without '|'" });
const Id = ShardIdentifierSchemas.identifier;
const Lookup = ShardIdentifierSchemas.lookup;
const Text = ShardIdentifierSchemas.text;
const Opt = <S extends Schema.Top>(s: S) => Schema.optional(Schema.NullOr(s));
const Status = Schema.Literals(["active", "draining", "paused", "disabled"]);

const Weight = Schema.Finite.check(
  Schema.isBetween(
    { minimum: 0, maximum: ShardLimits.maxNodeWeight },
    { expected: `a weight from 0 to ${ShardLimits.maxNodeWeight}` },
  ),
);

/**
 * Effect schema of a simulation request body: types and bounds (at most `ShardLimits.maxNodes` (10,000) nodes,
 * each weight a finite number from 0 to `ShardLimits.maxNodeWeight` (1,000)), and the lookup/text grammar for
 * strings (well-formed Unicode without U+0000, see `ShardIdentifierLimits`); the service then checks blank
 * namespace, missing nodes and blank node ids in the original's order, with the original's codes.
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
    namespace: Opt(Lookup),
    strategyId: Opt(Lookup),
    nodes: Opt(
      Schema.Array(
        Schema.NullOr(
          Schema.Struct({
            nodeId: Opt(Lookup),
            weight: Opt(Weight),
            region: Opt(Text),
            zone: Opt(Text),
          }),
        ),
      ).check(
        Schema.isMaxLength(ShardLimits.maxNodes, { expected: `at most ${ShardLimits.maxNodes} nodes` }),
      ),
    ),
  }) as unknown as Schema.Codec<ShardSimulationRequest, ShardSimulationRequest>;

/**
 * Effect schema of a mutation: identifiers in the grammar of `ShardIdentifierLimits` (1-512 UTF-8 bytes,
 * well-formed, no control characters, no surrounding white space; a namespace may not contain `|`, the cursor
 * separator), free text without U+0000 or lone surrogates, a finite capacity, a status name, an integer
 * `expectedVersion` ≥ 0, and the governance envelope.
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
    namespace: Id.check(noBar),
    shardId: Id,
    strategyId: Id,
    ownerNodeId: Id,
    leaderId: Opt(Id),
    capacityHint: Schema.optional(Schema.Finite),
    status: Schema.optional(Status),
    changeTicket: Opt(Text),
    expectedVersion: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
    changeMetadata: Schema.optional(
      Schema.Struct({
        actor: Text,
        reason: Text,
        changeTicket: Schema.optional(Text),
        ownershipDeltaPercent: Schema.optional(Schema.Finite),
        metadata: Schema.optional(Text),
      }),
    ),
  }) as unknown as Schema.Codec<ShardMutationRequest, ShardMutationRequest>;

/**
 * Effect schema of a filter: lookup values (well-formed Unicode without U+0000, at most 4 KiB; lenient so rows
 * stored before the identifier grammar stay reachable) and status names.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ShardFilterInputSchema } from "@pipe/shards";
 * console.log(Schema.is(ShardFilterInputSchema)({ statuses: ["active"] })); // true
 * ```
 */
export const ShardFilterInputSchema: Schema.Codec<ShardFilterInput, ShardFilterInput> = Schema.Struct({
  namespace: Opt(Lookup),
  ownerNodeId: Opt(Lookup),
  search: Opt(Lookup),
  statuses: Opt(Schema.Array(Status)),
}) as unknown as Schema.Codec<ShardFilterInput, ShardFilterInput>;

/**
 * Decodes an untrusted simulation request; failures are `error.validation` with metadata `issues`
 * (`{ path, message }[]`, e.g. `$.nodes[0].weight`).
 *
 * Details: enforces the request's bounds (see `ShardLimits`): at most 10,000 nodes, weights from 0 to 1,000,
 * and for `strategyId` `ring` (any case) at most 262,144 ring points in total (`$.nodes`, metadata `points`
 * and `limit`). The bounds that depend on the namespace's size (shards, shards × nodes) are checked by
 * `simulate` once the namespace is read.
 *
 * @example
 * ```ts
 * import { decodeShardSimulationRequest } from "@pipe/shards";
 * console.log(decodeShardSimulationRequest({ namespace: 1 }).error?.code); // "error.validation"
 * ```
 */
export function decodeShardSimulationRequest(input: unknown): Result<ShardSimulationRequest> {
  return decode(ShardSimulationRequestSchema, input, "simulation request").andThen((request) => {
    const strategy = typeof request.strategyId === "string" ? request.strategyId.toLowerCase() : "";
    if (strategy !== "ring" || request.nodes === undefined || request.nodes === null) return ok(request);
    const points = ringPointCount(request.nodes);
    if (points <= ShardLimits.maxRingPoints) return ok(request);
    const limit = ShardLimits.maxRingPoints;
    const message = `Expected at most ${limit} ring points in total (max(1, round(weight × 64)) per node)`;
    return err(
      PipeError.from(`Invalid simulation request: $.nodes: ${message}`, ErrorCodes.validation, {
        metadata: { issues: [{ path: "$.nodes", message }], points, limit },
      }),
    );
  });
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
