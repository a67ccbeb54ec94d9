import { ErrorCodes, type PipeError } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import { ShardHttpErrorCodes } from "./codes.ts";

const s = ShardErrorCodes;
const h = ShardHttpErrorCodes;

/**
 * The HTTP status of every error code the shard control plane can return (service, hashing, generic
 * `error.*`, and the HTTP surface's own `shards.http.*`).
 *
 * When to use: documentation, clients that map codes back to statuses, and the test that every registered
 * `shards.*`/`error.*` code has a row.
 *
 * Details: the original's table (§4.2) plus decisions for the codes it left unmapped: `canceled` 499,
 * `validation` 400, `namespace.missing` 404, conflicts 409 (`version.conflict`, `assignment.missing`: the plan
 * refers to a shard that no longer exists), `simulation.request_required` 400, `no_eligible_nodes` 422 (a
 * well-formed node set with no usable node), `repository.rejected` 422 (the store refused a value), store faults 503 (transient; the service already retried),
 * `error.timeout` 504. `assignment.failed` (a reconcile hook said no) and `error.exception` (a bug) are
 * explicitly 500.
 *
 * Gotchas: an `error.aggregate` takes its children's status when they all agree, else 500. A code missing
 * from this table is answered 500 (499 when it contains `canceled`) and reported through the app's `log` hook
 * and the `shards_http_unmapped_codes_total` metric, never silently.
 *
 * @example
 * ```ts
 * import { shardHttpStatuses } from "@pipe/shards/http";
 * console.log(shardHttpStatuses["shards.control.version.conflict"]); // 409
 * ```
 */
export const shardHttpStatuses: Readonly<Record<string, number>> = Object.freeze({
  [s.filterRequired]: 400,
  [s.cursorInvalid]: 400,
  [s.namespaceRequired]: 400,
  [s.namespaceMissing]: 404,
  [s.nodesRequired]: 400,
  [s.nodeIdInvalid]: 400,
  [s.repositoryFailure]: 503,
  [s.repositoryLocked]: 503,
  [s.repositoryRejected]: 422,
  [s.streamFailure]: 503,
  [s.simulationRequestRequired]: 400,
  [s.assignmentMissing]: 409,
  [s.assignmentFailed]: 500,
  [s.versionConflict]: 409,
  [s.planInvalid]: 400,
  [s.viewBehind]: 503,
  [s.historyCompacted]: 410,
  [s.hashingNamespaceRequired]: 400,
  [s.hashingNodesRequired]: 400,
  [s.hashingNodeIdInvalid]: 400,
  [s.hashingShardsMissing]: 400,
  [s.hashingNoEligibleNodes]: 422,
  [s.hashingStrategyUnknown]: 400,
  [s.hashingStrategyDuplicate]: 409,
  [s.hashingStrategyRequired]: 400,
  [ErrorCodes.canceled]: 499,
  [ErrorCodes.timeout]: 504,
  [ErrorCodes.exception]: 500,
  [ErrorCodes.aggregate]: 500,
  [ErrorCodes.validation]: 400,
  [ErrorCodes.unspecified]: 500,
  [ErrorCodes.selectDrained]: 500,
  [ErrorCodes.channelCompleted]: 500,
  "error.compensation": 500,
  [h.unauthorized]: 401,
  [h.forbidden]: 403,
  [h.payloadTooLarge]: 413,
  [h.unsupportedMediaType]: 415,
  [h.malformedJson]: 400,
  [h.routeNotFound]: 404,
  [h.methodNotAllowed]: 405,
  [h.watchersExhausted]: 503,
  [h.jsonTooDeep]: 400,
  [h.simulationsExhausted]: 503,
  [h.starting]: 503,
  [h.headersTooLarge]: 431,
  [h.malformedRequest]: 400,
});

/**
 * How an error maps to a status: the status and whether the code had a row in {@link shardHttpStatuses}.
 *
 * @example
 * ```ts
 * import { PipeError } from "@pipe/result";
 * import { shardHttpStatusOf } from "@pipe/shards/http";
 * console.log(shardHttpStatusOf(PipeError.canceled()).status); // 499
 * ```
 */
export interface ShardHttpStatusMapping {
  readonly status: number;
  /** False when the code had no row (the status is then the 500/499 fallback). */
  readonly mapped: boolean;
}

/**
 * The HTTP status of a failure (see {@link shardHttpStatuses} for the table and the aggregate rule).
 *
 * @example
 * ```ts
 * import { PipeError } from "@pipe/result";
 * import { shardHttpStatusOf } from "@pipe/shards/http";
 * console.log(shardHttpStatusOf(PipeError.from("x", "shards.control.namespace.missing"))); // { status: 404, mapped: true }
 * ```
 */
export function shardHttpStatusOf(error: PipeError): ShardHttpStatusMapping {
  const code = error.code;
  if (code === ErrorCodes.aggregate && error.errors.length > 0) {
    let agreed: number | undefined;
    let mapped = true;
    for (const child of error.errors) {
      const m = shardHttpStatusOf(child);
      mapped &&= m.mapped;
      if (agreed === undefined) agreed = m.status;
      else if (agreed !== m.status) agreed = 500;
    }
    return { status: agreed ?? 500, mapped };
  }
  if (code !== undefined) {
    const status = shardHttpStatuses[code];
    if (status !== undefined) return { status, mapped: true };
    if (code.includes("canceled")) return { status: 499, mapped: false };
  }
  return { status: 500, mapped: false };
}
