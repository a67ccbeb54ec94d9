import { err, ok, type Result } from "@pipe/result";
import * as Schema from "effect/Schema";
import type { ShardHistoryRecord, ShardRecord, ShardRecordDiff, ShardStatus } from "../model.ts";
import { shardStatuses } from "../status.ts";
import { decode } from "./decode.ts";

/*
 * Rows travel as ONE json_agg text value per statement (a JSON array of row tuples): PGlite and the
 * `postgres` driver then parse one value instead of rows × columns, which is 2-3× faster for pages of
 * 100..1,000 rows. Timestamps travel as epoch milliseconds. Each tuple is checked against a compact shape
 * (one `typeof` per column); only a tuple that fails it goes through its Effect schema, whose error names the
 * offending path. The Effect decode alone cost ~3 µs per diff row, a quarter of a 1,000-row diff.
 */

const epochMs = (column: string): string => `round(extract(epoch from ${column}) * 1000)`;

/** JSON tuple of a record row (alias `r`). @internal */
export const RECORD_TUPLE: string = `json_build_array(r.namespace, r.shard_id, r.strategy_id, r.owner_node_id, r.leader_id,
  r.capacity_hint, r.status, r.version, r.checksum, ${epochMs("r.updated_at")}, r.change_ticket)`;

/** Wraps a record subquery (aliased `r`, already ordered and limited) into one JSON page. @internal */
export const recordPage = (subquery: string, order: string): string =>
  `SELECT coalesce(json_agg(${RECORD_TUPLE} ORDER BY ${order}), '[]')::text AS page FROM (${subquery}) r`;

/** JSON tuple of a diff: one history row `h`, which carries both snapshots. @internal */
export const DIFF_TUPLE: string = `json_build_array(h.id, h.namespace, h.shard_id, h.version, h.strategy_id, h.owner_node_id,
  h.previous_owner_node_id, h.actor, h.reason, h.change_ticket, h.ownership_delta_percent, h.metadata, ${epochMs("h.created_at")},
  h.leader_id, h.capacity_hint, h.status, h.checksum,
  h.previous_version, h.previous_strategy_id, h.previous_owner_node_id, h.previous_leader_id, h.previous_capacity_hint,
  h.previous_status, h.previous_checksum, ${epochMs("h.previous_updated_at")}, h.previous_change_ticket)`;

const S = Schema.String;
const N = Schema.Number;
const NS = Schema.NullOr(Schema.String);
const NN = Schema.NullOr(Schema.Number);
const Status = Schema.Literals([0, 1, 2, 3]);

const RecordTuple = Schema.Tuple([S, S, S, S, NS, N, Status, N, S, N, NS]);
const DiffTuple = Schema.Tuple([
  N,
  S,
  S,
  N,
  S,
  S,
  NS,
  S,
  S,
  NS,
  NN,
  NS,
  N,
  NS,
  N,
  Status,
  S,
  NN,
  NS,
  NS,
  NS,
  NN,
  Schema.NullOr(Status),
  NS,
  NN,
  NS,
]);

/**
 * Column kinds of a tuple: `s` string, `S` string | null, `n` number, `N` number | null, `t` status (0..3),
 * `T` status | null.
 */
export type Shape = string;
/** The schemas' own guards (tests compare them with the shapes). @internal */
export const isRecordTuple: (row: unknown) => boolean = Schema.is(RecordTuple);
/** @internal */
export const isDiffTuple: (row: unknown) => boolean = Schema.is(DiffTuple);

/** {@link RecordTuple} as a shape (a property test keeps the two in step). @internal */
export const RECORD_SHAPE: Shape = "ssssSntnsnS";
/** {@link DiffTuple} as a shape (a property test keeps the two in step). @internal */
export const DIFF_SHAPE: Shape = "nssnssSssSNSnSntsNSSSNTSNS";

const isStatus = (v: unknown): boolean => v === 0 || v === 1 || v === 2 || v === 3;

/** Whether `row` is an array matching `shape` column by column (the happy path; no allocation). @internal */
export function fits(row: unknown, shape: Shape): boolean {
  if (!Array.isArray(row) || row.length !== shape.length) return false;
  for (let i = 0; i < shape.length; i++) {
    const v: unknown = row[i];
    switch (shape.charCodeAt(i)) {
      case 115 /* s */:
        if (typeof v !== "string") return false;
        break;
      case 83 /* S */:
        if (v !== null && typeof v !== "string") return false;
        break;
      case 110 /* n */:
        if (typeof v !== "number") return false;
        break;
      case 78 /* N */:
        if (v !== null && typeof v !== "number") return false;
        break;
      case 116 /* t */:
        if (!isStatus(v)) return false;
        break;
      default:
        /* T */ if (v !== null && !isStatus(v)) return false;
    }
  }
  return true;
}

/** `row` as the schema's type: the fast shape check, else the schema decode (for its precise error). */
function tuple<S extends Schema.Top>(schema: S, shape: Shape, row: unknown, what: string): Result<S["Type"]> {
  return fits(row, shape) ? ok(row as S["Type"]) : decode(schema, row, what);
}

const statusOf = (n: number): ShardStatus => shardStatuses[n] as ShardStatus;
/** The last time converted and its text: rows written together share a millisecond, and then one text. */
let lastMs = Number.NaN;
let lastIso = "";

/**
 * Epoch milliseconds as ISO 8601 text, the same text for the same millisecond as the one before: loading a store
 * converts millions of timestamps, mostly runs of equal ones (a batch of writes), and a repeated one then costs
 * neither a `Date` nor a new string.
 */
const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};

/** Decodes one record tuple (`error.validation` with paths when malformed). @internal */
export function decodeRecordRow(row: unknown): Result<ShardRecord> {
  return tuple(RecordTuple, RECORD_SHAPE, row, "shard record row").map((r) => ({
    namespace: r[0],
    shardId: r[1],
    strategyId: r[2],
    ownerNodeId: r[3],
    leaderId: r[4],
    capacityHint: r[5],
    status: statusOf(r[6]),
    version: r[7],
    checksum: r[8],
    updatedAt: iso(r[9]),
    changeTicket: r[10],
  }));
}

/** Decodes one diff tuple into exact current/previous snapshots. @internal */
export function decodeDiffRow(row: unknown): Result<ShardRecordDiff> {
  return tuple(DiffTuple, DIFF_SHAPE, row, "shard diff row").map((r) => {
    const createdAt = iso(r[12]);
    const current: ShardRecord = {
      namespace: r[1],
      shardId: r[2],
      strategyId: r[4],
      ownerNodeId: r[5],
      leaderId: r[13],
      capacityHint: r[14],
      status: statusOf(r[15]),
      version: r[3],
      checksum: r[16],
      updatedAt: createdAt,
      changeTicket: r[9],
    };
    const previous: ShardRecord | null =
      r[17] === null
        ? null
        : {
            namespace: r[1],
            shardId: r[2],
            strategyId: r[18] ?? "",
            ownerNodeId: r[19] ?? "",
            leaderId: r[20],
            capacityHint: r[21] ?? 0,
            status: statusOf(r[22] ?? 0),
            version: r[17],
            checksum: r[23] ?? "",
            updatedAt: r[24] === null ? createdAt : iso(r[24]),
            changeTicket: r[25],
          };
    const history: ShardHistoryRecord = {
      namespace: r[1],
      shardId: r[2],
      version: r[3],
      strategyId: r[4],
      actor: r[7],
      reason: r[8],
      changeTicket: r[9],
      createdAt,
      ownerNodeId: r[5],
      previousOwnerNodeId: r[6],
      ownershipDeltaPercent: r[10],
      metadata: r[11],
    };
    return { position: r[0], current, previous, history };
  });
}

/** Parses a JSON page and decodes every tuple, failing on the first malformed one. @internal */
export function decodePage<T>(page: unknown, one: (row: unknown) => Result<T>): Result<T[]> {
  let rows: unknown;
  try {
    rows = typeof page === "string" ? JSON.parse(page) : page;
  } catch (e) {
    return decode(Schema.Array(Schema.Unknown), String(e), "shard page") as Result<never>;
  }
  if (!Array.isArray(rows)) {
    const list = decode(Schema.Array(Schema.Unknown), rows, "shard page");
    if (list.isErr) return err(list.error);
    rows = list.value;
  }
  const tuples = rows as readonly unknown[];
  const out: T[] = new Array(tuples.length);
  for (let i = 0; i < tuples.length; i++) {
    const r = one(tuples[i]);
    if (r.isErr) return err(r.error);
    out[i] = r.value;
  }
  return ok(out);
}
