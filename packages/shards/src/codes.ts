import { ErrorCodes, type ErrorDescriptor } from "@pipe/result";

/**
 * Every error code `@pipe/shards` returns, as string constants (registered with descriptors in `ErrorCodes`
 * when this module loads).
 *
 * When to use: compare `error.code` against these instead of string literals.
 *
 * Details: the `shards.control.*` and `shards.hashing.*` codes and their messages are the original control
 * plane's (so a mixed fleet reports the same codes). Added here: `versionConflict` (optimistic concurrency;
 * the original threw an exception), `planInvalid` (apply of a malformed plan) and `repositoryLocked` (an embedded
 * store's data directory is in use by another process). `repositoryFailure` is the code of every transient
 * store fault (connection lost, server error); it is the only code the service retries. `repositoryRejected`
 * is a store refusing the data itself (a value the boundary's identifier grammar should have stopped); it is
 * not retried. Neither message carries driver text (that is in `cause`).
 *
 * Gotchas: generic codes also surface: `error.canceled` (abort), `error.validation` (boundary decoding, with
 * an `issues` metadata list of `{ path, message }`), `error.aggregate` (several failures).
 *
 * @example
 * ```ts
 * import { ShardErrorCodes } from "@pipe/shards";
 * const isConflict = (code: string | undefined) => code === ShardErrorCodes.versionConflict;
 * console.log(isConflict("shards.control.version.conflict")); // true
 * ```
 */
export const ShardErrorCodes: {
  readonly filterRequired: "shards.control.filter.required";
  readonly cursorInvalid: "shards.control.cursor.invalid";
  readonly namespaceRequired: "shards.control.namespace.required";
  readonly namespaceMissing: "shards.control.namespace.missing";
  readonly nodesRequired: "shards.control.nodes.required";
  readonly nodeIdInvalid: "shards.control.node_id.invalid";
  readonly repositoryFailure: "shards.control.repository.failure";
  readonly repositoryLocked: "shards.control.repository.locked";
  readonly repositoryRejected: "shards.control.repository.rejected";
  readonly streamFailure: "shards.control.stream.failure";
  readonly simulationRequestRequired: "shards.control.simulation.request_required";
  readonly assignmentMissing: "shards.control.assignment.missing";
  readonly assignmentFailed: "shards.control.assignment.failed";
  readonly versionConflict: "shards.control.version.conflict";
  readonly planInvalid: "shards.control.plan.invalid";
  readonly viewBehind: "shards.control.view.behind";
  readonly historyCompacted: "shards.control.history.compacted";
  readonly hashingNamespaceRequired: "shards.hashing.namespace_required";
  readonly hashingNodesRequired: "shards.hashing.nodes_required";
  readonly hashingNodeIdInvalid: "shards.hashing.node_id_invalid";
  readonly hashingShardsMissing: "shards.hashing.shards_missing";
  readonly hashingNoEligibleNodes: "shards.hashing.no_eligible_nodes";
  readonly hashingStrategyUnknown: "shards.hashing.strategy.unknown";
  readonly hashingStrategyDuplicate: "shards.hashing.strategy.duplicate";
  readonly hashingStrategyRequired: "shards.hashing.strategy.required";
} = Object.freeze({
  filterRequired: "shards.control.filter.required",
  cursorInvalid: "shards.control.cursor.invalid",
  namespaceRequired: "shards.control.namespace.required",
  namespaceMissing: "shards.control.namespace.missing",
  nodesRequired: "shards.control.nodes.required",
  nodeIdInvalid: "shards.control.node_id.invalid",
  repositoryFailure: "shards.control.repository.failure",
  repositoryLocked: "shards.control.repository.locked",
  repositoryRejected: "shards.control.repository.rejected",
  streamFailure: "shards.control.stream.failure",
  simulationRequestRequired: "shards.control.simulation.request_required",
  assignmentMissing: "shards.control.assignment.missing",
  assignmentFailed: "shards.control.assignment.failed",
  versionConflict: "shards.control.version.conflict",
  planInvalid: "shards.control.plan.invalid",
  viewBehind: "shards.control.view.behind",
  historyCompacted: "shards.control.history.compacted",
  hashingNamespaceRequired: "shards.hashing.namespace_required",
  hashingNodesRequired: "shards.hashing.nodes_required",
  hashingNodeIdInvalid: "shards.hashing.node_id_invalid",
  hashingShardsMissing: "shards.hashing.shards_missing",
  hashingNoEligibleNodes: "shards.hashing.no_eligible_nodes",
  hashingStrategyUnknown: "shards.hashing.strategy.unknown",
  hashingStrategyDuplicate: "shards.hashing.strategy.duplicate",
  hashingStrategyRequired: "shards.hashing.strategy.required",
} as const);

/** A code from {@link ShardErrorCodes}. */
export type ShardErrorCode = (typeof ShardErrorCodes)[keyof typeof ShardErrorCodes];

const c = ShardErrorCodes;
const control = "Shards control plane";
const hashing = "Shards hashing";

/**
 * The descriptors registered for {@link ShardErrorCodes} (name, description, category), in code order.
 *
 * @example
 * ```ts
 * import { shardErrorDescriptors } from "@pipe/shards";
 * console.log(shardErrorDescriptors.length > 0); // true
 * ```
 */
export const shardErrorDescriptors: readonly ErrorDescriptor[] = Object.freeze([
  {
    code: c.filterRequired,
    name: "ShardFilterRequired",
    description: "A shard filter must be provided.",
    category: control,
  },
  {
    code: c.cursorInvalid,
    name: "ShardCursorInvalid",
    description: "Invalid cursor token.",
    category: control,
  },
  {
    code: c.namespaceRequired,
    name: "ShardNamespaceRequired",
    description: "Namespace must be provided.",
    category: control,
  },
  {
    code: c.namespaceMissing,
    name: "ShardNamespaceMissing",
    description: "The namespace does not contain shard records.",
    category: control,
  },
  {
    code: c.nodesRequired,
    name: "ShardNodesRequired",
    description: "At least one node must be provided.",
    category: control,
  },
  {
    code: c.nodeIdInvalid,
    name: "ShardNodeIdInvalid",
    description: "Node id cannot be empty.",
    category: control,
  },
  {
    code: c.repositoryFailure,
    name: "ShardRepositoryFailure",
    description: "The shard store failed (transient; retried by the service).",
    category: control,
  },
  {
    code: c.repositoryLocked,
    name: "ShardRepositoryLocked",
    description: "The embedded store's data directory is held by another live process.",
    category: control,
  },
  {
    code: c.repositoryRejected,
    name: "ShardRepositoryRejected",
    description: "The shard store refused the request's data (permanent; not retried).",
    category: control,
  },
  {
    code: c.streamFailure,
    name: "ShardStreamFailure",
    description: "Reading the shard change stream failed.",
    category: control,
  },
  {
    code: c.simulationRequestRequired,
    name: "ShardSimulationRequestRequired",
    description: "Simulation request body is required.",
    category: control,
  },
  {
    code: c.assignmentMissing,
    name: "ShardAssignmentMissing",
    description: "A shard assignment refers to a shard with no record.",
    category: control,
  },
  {
    code: c.assignmentFailed,
    name: "ShardAssignmentFailed",
    description: "Reconciling a shard assignment failed.",
    category: control,
  },
  {
    code: c.versionConflict,
    name: "ShardVersionConflict",
    description: "The shard's version differs from the expected version (optimistic concurrency).",
    category: control,
  },
  {
    code: c.planInvalid,
    name: "ShardPlanInvalid",
    description: "The plan to apply is malformed.",
    category: control,
  },
  {
    code: c.viewBehind,
    name: "ShardViewBehind",
    description: "This instance's read view has not yet applied the requested change position.",
    category: control,
  },
  {
    code: c.historyCompacted,
    name: "ShardHistoryCompacted",
    description: "The requested change positions were removed from the history by compaction (retention).",
    category: control,
  },
  {
    code: c.hashingNamespaceRequired,
    name: "ShardHashingNamespaceRequired",
    description: "Shard namespace is required to compute assignments.",
    category: hashing,
  },
  {
    code: c.hashingNodesRequired,
    name: "ShardHashingNodesRequired",
    description: "At least one node is required to compute shard assignments.",
    category: hashing,
  },
  {
    code: c.hashingNodeIdInvalid,
    name: "ShardHashingNodeIdInvalid",
    description: "Shard nodes must supply a non-empty nodeId.",
    category: hashing,
  },
  {
    code: c.hashingShardsMissing,
    name: "ShardHashingShardsMissing",
    description: "Shard definitions are required to compute assignments.",
    category: hashing,
  },
  {
    code: c.hashingNoEligibleNodes,
    name: "ShardHashingNoEligibleNodes",
    description: "No eligible nodes were available for shard hashing.",
    category: hashing,
  },
  {
    code: c.hashingStrategyUnknown,
    name: "ShardHashingStrategyUnknown",
    description: "Requested shard hash strategy is not registered.",
    category: hashing,
  },
  {
    code: c.hashingStrategyDuplicate,
    name: "ShardHashingStrategyDuplicate",
    description: "Shard hash strategy id is already registered.",
    category: hashing,
  },
  {
    code: c.hashingStrategyRequired,
    name: "ShardHashingStrategyRequired",
    description: "Shard hash strategy cannot be null.",
    category: hashing,
  },
]);

ErrorCodes.register(shardErrorDescriptors);
