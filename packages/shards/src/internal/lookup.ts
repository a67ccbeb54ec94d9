import { ErrorCodes, PipeError } from "@pipe/result";
import type { ShardFilter } from "../filter.ts";
import { shardLookupProblem, shardTextProblem } from "../identifier.ts";
import type { ShardMutationRequest } from "../model.ts";
import type { ShardQueryOptions } from "../repository.ts";

type Fields = readonly (readonly [path: string, value: unknown])[];

/** `error.validation` listing the fields `check` objects to, or `undefined` when there are none. @internal */
function fieldsError(
  what: string,
  fields: Fields,
  check: (text: string) => string | undefined,
): PipeError | undefined {
  const issues: { path: string; message: string }[] = [];
  for (const [path, value] of fields) {
    if (typeof value !== "string") continue;
    const problem = check(value);
    if (problem !== undefined) issues.push({ path, message: problem });
  }
  if (issues.length === 0) return undefined;
  return PipeError.from(
    `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    ErrorCodes.validation,
    { metadata: { issues } },
  );
}

/** Lookup values that break the lookup grammar, as `error.validation`. @internal */
const lookupError = (what: string, fields: Fields): PipeError | undefined =>
  fieldsError(what, fields, shardLookupProblem);

/** Checks a filter's values against the lookup grammar (paths `$.filter.<field>`). @internal */
export function filterError(filter: ShardFilter): PipeError | undefined {
  return lookupError("shard filter", [
    ["$.filter.namespace", filter.namespace],
    ["$.filter.ownerNodeId", filter.ownerNodeId],
    ["$.filter.search", filter.search],
  ]);
}

/**
 * The stores' own check, shared by all three so they agree even when called directly: every string a call
 * writes or looks up must be text PostgreSQL can hold exactly (well-formed, no U+0000). The identifier
 * grammar proper is the service's (see `ShardIdentifierLimits`). @internal
 */
const storeTextError = (what: string, fields: Fields): PipeError | undefined =>
  fieldsError(what, fields, shardTextProblem);

/** {@link storeTextError} of a mutation's strings. @internal */
export function mutationTextError(m: ShardMutationRequest): PipeError | undefined {
  const meta = m.changeMetadata;
  return storeTextError("shard mutation", [
    ["$.namespace", m.namespace],
    ["$.shardId", m.shardId],
    ["$.strategyId", m.strategyId],
    ["$.ownerNodeId", m.ownerNodeId],
    ["$.leaderId", m.leaderId],
    ["$.changeTicket", m.changeTicket],
    ["$.changeMetadata.actor", meta?.actor],
    ["$.changeMetadata.reason", meta?.reason],
    ["$.changeMetadata.changeTicket", meta?.changeTicket],
    ["$.changeMetadata.metadata", meta?.metadata],
  ]);
}

/** {@link storeTextError} of a store query's strings. @internal */
export function queryTextError(q: ShardQueryOptions): PipeError | undefined {
  return storeTextError("shard query", [
    ["$.namespace", q.namespace],
    ["$.ownerNodeId", q.ownerNodeId],
    ["$.search", q.search],
    ["$.cursor.namespace", q.cursor?.namespace],
    ["$.cursor.shardId", q.cursor?.shardId],
  ]);
}

/** {@link storeTextError} of a key (or a namespace alone). @internal */
export const keyTextError = (namespace: unknown, shardId?: unknown): PipeError | undefined =>
  storeTextError("shard key", [
    ["$.namespace", namespace],
    ["$.shardId", shardId],
  ]);
