import { Channel, type ChannelReader, type ChannelWriter, NO_VALUE, type TimeProvider } from "@pipe/channels";
import {
  type ResultExecutionPolicy,
  ResultPipeline,
  ResultPipelineChannels,
  ResultPipelineStepContext,
} from "@pipe/pipeline";
import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { ShardHashStrategyRegistry } from "../hashing/registry.ts";
import type { ShardAssignment, ShardNodeDescriptor } from "../hashing/types.ts";
import { ShardLimits } from "../limits.ts";
import type { ShardRecord } from "../model.ts";
import { decodeShardSimulationRequest } from "../schemas.ts";
import type {
  ShardReconcileHook,
  ShardSimulation,
  ShardSimulationChange,
  ShardSimulationRequest,
} from "../service-types.ts";
import { isBlank } from "./hash-common.ts";
import { placeInSlices, yieldAborted, yieldToEventLoop } from "./place.ts";
import { balanceOf, minimumMoves } from "./plan-balance.ts";
import { isCanceled, serviceErrors } from "./service-errors.ts";

/** What the simulation needs from the service. @internal */
export interface SimulationDeps {
  readonly registry: ShardHashStrategyRegistry;
  readonly time: TimeProvider;
  readonly policy: ResultExecutionPolicy;
  readonly workers: number;
  readonly hook: ShardReconcileHook | undefined;
  readonly listNamespace: (
    namespace: string,
    signal: AbortSignal | undefined,
  ) => Promise<Result<readonly ShardRecord[]>>;
}

/** One worker's changes, in plan order, from plan index `start` on. */
interface ChangeBatch {
  readonly start: number;
  readonly changes: readonly ShardSimulationChange[];
}

const STAGE = "shards.simulate";
/** Assignments a worker reconciles between two yields to the event loop. */
const RECONCILE_SLICE = 4096;
/** Records indexed (or assignments paired) between two yields to the event loop. */
const INDEX_SLICE = 65_536;

/** The bounds that depend on the namespace's size: shard count and shards × nodes (see `ShardLimits`). */
function checkWork(shards: number, nodes: number): PipeError | undefined {
  if (shards > ShardLimits.maxShards) {
    const e = serviceErrors.validation(
      `The namespace has ${shards} shards; a simulation covers at most ${ShardLimits.maxShards}.`,
      "$.namespace",
    );
    return e.withMetadata("shards", shards).withMetadata("limit", ShardLimits.maxShards);
  }
  if (shards * nodes > ShardLimits.maxSimulationWork) {
    const e = serviceErrors.validation(
      `${shards} shards × ${nodes} nodes exceeds the simulation limit of ${ShardLimits.maxSimulationWork} (shards × nodes).`,
      "$.nodes",
    );
    return e.withMetadata("work", shards * nodes).withMetadata("limit", ShardLimits.maxSimulationWork);
  }
  return undefined;
}

/** Validates, computes the plan, fans reconciliation out over workers and merges their changes. @internal */
export async function simulate(
  deps: SimulationDeps,
  request: ShardSimulationRequest | null | undefined,
  signal: AbortSignal | undefined,
): Promise<Result<ShardSimulation>> {
  if (request === undefined || request === null) return err(serviceErrors.requestRequired());
  const decoded = decodeShardSimulationRequest(request);
  if (decoded.isErr) return err(decoded.error);
  const req = decoded.value;
  if (isBlank(req.namespace)) return err(serviceErrors.namespaceRequired());
  const namespace = req.namespace as string;
  if (req.nodes === undefined || req.nodes === null || req.nodes.length === 0)
    return err(serviceErrors.nodesRequired());
  const strategyId = isBlank(req.strategyId) ? "rendezvous" : (req.strategyId as string);
  const nodes: ShardNodeDescriptor[] = [];
  const seen = new Set<string>();
  for (const [index, node] of req.nodes.entries()) {
    if (node === undefined || node === null || isBlank(node.nodeId))
      return err(serviceErrors.nodeIdInvalid(node?.nodeId));
    // A node listed twice would own a double share of the plan (the original accepted it silently).
    if (seen.has(node.nodeId as string)) {
      return err(
        serviceErrors.validation(
          `Node '${node.nodeId}' is listed more than once.`,
          `$.nodes[${index}].nodeId`,
        ),
      );
    }
    seen.add(node.nodeId as string);
    nodes.push({
      nodeId: node.nodeId as string,
      weight: node.weight ?? 1,
      region: node.region ?? null,
      zone: node.zone ?? null,
    });
  }
  if (signal?.aborted) return err(serviceErrors.canceled("Shard simulation canceled.", STAGE, signal.reason));
  const listed = await deps.listNamespace(namespace, signal);
  if (listed.isErr) return err(listed.error);
  const records = listed.value;
  if (records.length === 0) return err(serviceErrors.namespaceMissing(namespace));
  const bounded = checkWork(records.length, nodes.length);
  if (bounded !== undefined) return err(bounded);
  const strategy = deps.registry.resolve(strategyId);
  if (strategy.isErr) return err(strategy.error);
  const canceled = () => err(serviceErrors.canceled("Shard simulation canceled.", STAGE, signal?.reason));
  const planned = await placeInSlices(
    strategy.value,
    { namespace, shards: records.map((r) => ({ shardId: r.shardId, capacity: r.capacityHint })), nodes },
    { now: () => deps.time.now() },
    signal,
    canceled,
  );
  if (planned.isErr) return err(planned.error);
  const assignments = planned.value;
  const base = { namespace, strategyId, generatedAt: new Date(deps.time.now()).toISOString(), assignments };
  if (assignments.length === 0)
    return ok({ ...base, changes: [], moves: 0, minimumMoves: 0, balance: balanceOf(nodes, []) });

  const current = await recordsInPlanOrder(records, assignments, signal);
  if (current === undefined) return canceled();
  if (current instanceof PipeError) return err(current);

  const workerCount = Math.max(1, Math.min(assignments.length, deps.workers));
  const size = Math.ceil(assignments.length / workerCount);
  const starts: number[] = [];
  for (let start = 0; start < assignments.length; start += size) starts.push(start);
  // Each worker writes its changes as one batch, so the merge moves one item per worker, not one per change.
  const channels = starts.map(() =>
    Channel.createBounded<ChangeBatch>({
      capacity: 1,
      fullMode: "wait",
      singleReader: true,
      singleWriter: true,
    }),
  );
  const operations = starts.map((start, w) =>
    worker(
      deps,
      assignments,
      current,
      start,
      Math.min(start + size, assignments.length),
      channels[w].writer,
      w,
    ),
  );
  const context = new ResultPipelineStepContext({
    stepName: STAGE,
    timeProvider: deps.time,
    ...(signal === undefined ? {} : { signal }),
  });
  const fanned = await ResultPipeline.fanOut(operations, {
    policy: deps.policy,
    timeProvider: deps.time,
    stepName: `${STAGE}.worker`,
    ...(signal === undefined ? {} : { signal }),
  });
  if (fanned.isErr) {
    // cleanup: no worker channel is left open, whatever the workers did
    for (const c of channels) c.writer.tryComplete(fanned.error);
    if (isCanceled(fanned.error))
      return err(serviceErrors.canceled("Shard simulation canceled.", STAGE, signal?.reason));
    return err(fanned.error);
  }
  const destination = Channel.createBounded<ChangeBatch>({ capacity: channels.length, singleReader: true });
  const merged = await ResultPipelineChannels.merge(
    context,
    channels.map((c) => c.reader as ChannelReader<ChangeBatch>),
    destination.writer,
    { completeDestination: true, ...(signal === undefined ? {} : { signal }) },
  );
  if (merged.isErr) {
    if (isCanceled(merged.error))
      return err(serviceErrors.canceled("Shard simulation canceled.", STAGE, signal?.reason));
    return err(merged.error);
  }
  // Batches cover disjoint runs of the plan, each in plan order: ordering them by start restores plan order.
  const batches: ChangeBatch[] = [];
  for (let v = destination.reader.tryRead(); v !== NO_VALUE; v = destination.reader.tryRead())
    batches.push(v);
  batches.sort((x, y) => x.start - y.start);
  const output: ShardSimulationChange[] = [];
  for (const batch of batches) for (const change of batch.changes) output.push(change);
  const simulation: ShardSimulation = {
    ...base,
    changes: output,
    moves: output.length,
    minimumMoves: minimumMoves(records, assignments),
    balance: balanceOf(nodes, assignments),
  };
  return ok(simulation).withCompensations(fanned.compensations);
}

/**
 * The current record of each assignment, in plan order; undefined when `signal` aborts while indexing. The
 * built-in strategies place shards in input order, so the listing already is that order (checked by id);
 * otherwise (a custom strategy) records are paired by shard id, and an assignment of an unknown shard fails.
 */
async function recordsInPlanOrder(
  records: readonly ShardRecord[],
  assignments: readonly ShardAssignment[],
  signal: AbortSignal | undefined,
): Promise<readonly ShardRecord[] | PipeError | undefined> {
  let aligned = records.length === assignments.length;
  for (let i = 0; aligned && i < assignments.length; i++)
    aligned = records[i].shardId === assignments[i].shardId;
  if (aligned) return records;
  const byId = new Map<string, ShardRecord>();
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && i % INDEX_SLICE === 0 && (await yieldAborted(signal))) return undefined;
    byId.set(records[i].shardId, records[i]);
  }
  const paired: ShardRecord[] = new Array(assignments.length);
  for (let i = 0; i < assignments.length; i++) {
    if (i > 0 && i % INDEX_SLICE === 0 && (await yieldAborted(signal))) return undefined;
    const record = byId.get(assignments[i].shardId);
    if (record === undefined) return serviceErrors.assignmentMissing(assignments[i].shardId);
    paired[i] = record;
  }
  return paired;
}

/**
 * One worker: reconciles plan indexes [start, end) into a fresh batch (so a retried attempt never duplicates),
 * then writes the batch to its channel and completes it.
 */
function worker(
  deps: SimulationDeps,
  assignments: readonly ShardAssignment[],
  current: readonly ShardRecord[],
  start: number,
  end: number,
  writer: ChannelWriter<ChangeBatch>,
  workerIndex: number,
) {
  let attempt = 0;
  return async (context: ResultPipelineStepContext, signal: AbortSignal): Promise<Result<number>> => {
    attempt++;
    const changes: ShardSimulationChange[] = [];
    for (let i = start; i < end; i++) {
      if (i > start && (i - start) % RECONCILE_SLICE === 0) await yieldToEventLoop();
      if (signal.aborted) return err(PipeError.canceled("Shard simulation canceled.", signal.reason));
      const assignment = assignments[i];
      const record = current[i];
      if (deps.hook !== undefined) {
        const hooked = await deps.hook({ assignment, record, attempt, workerIndex, context, signal });
        if (hooked?.isErr) {
          const e = hooked.error;
          return err(
            e.code === undefined
              ? PipeError.from(e.message, ShardErrorCodes.assignmentFailed, {
                  cause: e.cause,
                  metadata: { ...e.metadata, shardId: assignment.shardId },
                })
              : e.withMetadata("shardId", assignment.shardId),
          );
        }
      }
      if (record.ownerNodeId !== assignment.ownerNodeId) {
        changes.push({
          namespace: assignment.namespace,
          shardId: assignment.shardId,
          currentOwner: record.ownerNodeId,
          proposedOwner: assignment.ownerNodeId,
          changesOwner: true,
          currentVersion: record.version,
        });
      }
    }
    writer.tryWrite({ start, changes });
    writer.tryComplete();
    return ok(changes.length);
  };
}
