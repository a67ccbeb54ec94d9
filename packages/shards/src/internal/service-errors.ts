import { ErrorCodes, PipeError } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";

/** The service's failures with the original's messages. @internal */
export const serviceErrors = {
  filterRequired: (): PipeError =>
    PipeError.from("A shard filter must be provided.", ShardErrorCodes.filterRequired),
  namespaceRequired: (): PipeError =>
    PipeError.from("Namespace must be provided.", ShardErrorCodes.namespaceRequired),
  namespaceMissing: (namespace: string): PipeError =>
    PipeError.from(
      `Namespace '${namespace}' does not contain shard records.`,
      ShardErrorCodes.namespaceMissing,
      {
        metadata: { namespace },
      },
    ),
  nodesRequired: (): PipeError =>
    PipeError.from("At least one node must be provided.", ShardErrorCodes.nodesRequired),
  nodeIdInvalid: (nodeId: unknown): PipeError =>
    PipeError.from("Node id cannot be empty.", ShardErrorCodes.nodeIdInvalid, {
      metadata: { nodeId: nodeId ?? null },
    }),
  requestRequired: (): PipeError =>
    PipeError.from("Simulation request body is required.", ShardErrorCodes.simulationRequestRequired),
  assignmentMissing: (shardId: string): PipeError =>
    PipeError.from(
      `Shard assignment refers to missing shard '${shardId}'.`,
      ShardErrorCodes.assignmentMissing,
      {
        metadata: { shardId },
      },
    ),
  streamFailure: (cause: PipeError, stage: string): PipeError =>
    PipeError.from(cause.message, ShardErrorCodes.streamFailure, { cause, metadata: { stage } }),
  canceled: (message: string, stage: string, reason: unknown): PipeError =>
    PipeError.canceled(message, reason).withMetadata("stage", stage),
  validation: (message: string, path: string): PipeError =>
    PipeError.from(message, ErrorCodes.validation, { metadata: { issues: [{ path, message }] } }),
};

/** Whether a failure is a cancellation. @internal */
export const isCanceled = (e: PipeError): boolean => e.code === ErrorCodes.canceled;
