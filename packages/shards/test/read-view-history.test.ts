/**
 * ShardReadView history: diffs served from the view's memory are byte-identical to the store's, over random
 * writes (through the view and straight to the store), compactions and reloads, on the in-memory and PGlite
 * stores (fast-check); reads inside the retained history do not touch the store; the column store keeps its
 * range across chunk boundaries, capacity and compaction.
 */
import { PGlite } from "@electric-sql/pglite";
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardFilter,
  type ShardHistoryRecord,
  type ShardMutationRequest,
  ShardReadView,
  type ShardRecord,
  type ShardRecordDiff,
  type ShardRepository,
} from "../src/index.ts";
import { DiffHistory } from "../src/internal/diff-history.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";

let engine: Promise<PGlite> | undefined;
let schemas = 0;
afterAll(async () => {
  await (await engine)?.close();
});

const stores: Record<string, () => Promise<ShardRepository>> = {
  "in-memory": async () => new InMemoryShardRepository(),
  pglite: async () => {
    engine ??= PGlite.create();
    return (
      await PGliteShardRepository.open({ pglite: await engine, schema: `h_diff_history_${schemas++}` })
    ).unwrap();
  },
};

const text = fc.constantFrom("a", "ü", "shard-\u{1F600}", 'q"uote', "line\nbreak", "");
const mutation = fc.record({
  namespace: fc.constantFrom("n1", "ñ"),
  shardId: fc.constantFrom("a", "b", "ß", "\u{1D518}", "x_y"),
  owner: fc.constantFrom("o1", "o2", "ö3"),
  leader: fc.option(fc.constantFrom("l1", "ł2"), { nil: null }),
  capacity: fc.integer({ min: 0, max: 5 }),
  status: fc.constantFrom("active", "draining", "paused", "disabled"),
  ticket: fc.option(fc.constantFrom("CHG-1", "ticket ✓"), { nil: undefined }),
  actor: fc.constantFrom("alice", "bøb"),
  reason: fc.constantFrom("rebalance", "drain ✓"),
  delta: fc.option(fc.constantFrom(0, 12.5, -3, 100), { nil: undefined }),
  metadata: fc.option(text, { nil: undefined }),
  direct: fc.boolean(),
});
const step = fc.oneof(
  { weight: 8, arbitrary: mutation.map((m) => ({ kind: "write" as const, m })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => ({ kind: "compact" as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: "reload" as const }) },
);
const read = fc.record({
  from: fc.option(fc.integer({ min: 0, max: 45 }), { nil: null }),
  span: fc.option(fc.integer({ min: 0, max: 45 }), { nil: null }),
  namespace: fc.option(fc.constantFrom("n1", "ñ"), { nil: undefined }),
  owner: fc.option(fc.constantFrom("o1", "ö3"), { nil: undefined }),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
const request = (m: Mutation): ShardMutationRequest => ({
  namespace: m.namespace,
  shardId: m.shardId,
  strategyId: "rendezvous",
  ownerNodeId: m.owner,
  leaderId: m.leader,
  capacityHint: m.capacity,
  status: m.status,
  changeTicket: m.ticket,
  changeMetadata: { actor: m.actor, reason: m.reason, ownershipDeltaPercent: m.delta, metadata: m.metadata },
});

describe.each(Object.keys(stores))("ShardReadView history over %s", (kind) => {
  it("answers every diff byte-identically to its store, after random writes, compactions and reloads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(read, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 3, 1_000_000),
        async (steps, reads, recentDiffs) => {
          const store = await stores[kind]();
          const opened: ShardReadView[] = [];
          const open = async (): Promise<ShardReadView> => {
            const v = (await ShardReadView.open(store, { recentDiffs })).unwrap();
            opened.push(v);
            return v;
          };
          let v = await open();
          for (const s of steps) {
            if (s.kind === "write") {
              if (s.m.direct) (await store.upsert(request(s.m))).unwrap();
              else (await v.upsert(request(s.m))).unwrap();
            } else if (s.kind === "compact") (await v.compactHistory(s.n)).unwrap();
            else v = await open();
          }
          const head = (await store.highestPosition()).unwrap();
          (await v.waitForPosition(head, { timeoutMs: 10_000 })).unwrap();
          const fromView = new ShardControlPlaneService({ repository: v });
          const fromStore = new ShardControlPlaneService({ repository: store });
          for (const r of reads) {
            const to = r.from === null || r.span === null ? null : r.from + r.span;
            const filter = ShardFilter.create({ namespace: r.namespace, ownerNodeId: r.owner });
            const a = await fromView.diff(r.from, to, filter);
            const b = await fromStore.diff(r.from, to, filter);
            if (b.isOk) expect(JSON.stringify(a.unwrap())).toBe(JSON.stringify(b.value));
            else
              expect(a.isErr && [a.error.code, a.error.metadata.compactedThrough]).toEqual([
                b.error.code,
                b.error.metadata.compactedThrough,
              ]);
          }
          for (const o of opened) await o.close();
        },
      ),
      { numRuns: kind === "pglite" ? 25 : 150 },
    );
  });
});

describe("ShardReadView history reads", () => {
  it("serves every retained diff from memory, shares its records with the index, and answers compacted below", async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < 30; i++)
      await store.upsert({
        namespace: "ns",
        shardId: `s${i % 7}`,
        strategyId: "ring",
        ownerNodeId: `o${i % 3}`,
      });
    const v = (await ShardReadView.open(store)).unwrap();
    const reads: number[] = [];
    const readDiffs = store.readDiffs.bind(store);
    store.readDiffs = (after, options) => {
      reads.push(after);
      return readDiffs(after, options);
    };
    const all = (await v.readDiffs(0, { limit: 100 })).unwrap();
    expect(all.map((d) => d.position)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(reads).toEqual([]);
    // The newest change of each key holds the index's own record; the change before it, its `previous`.
    const newest = new Map<string, ShardRecord>();
    for (const d of all) {
      if (d.previous !== null) expect(d.previous).toBe(newest.get(d.current.shardId));
      newest.set(d.current.shardId, d.current);
    }
    for (const [id, r] of newest) expect(r).toBe((await v.get({ namespace: "ns", shardId: id })).unwrap());
    (await v.compactHistory(12)).unwrap();
    const after = await v.readDiffs(5, { limit: 10 });
    expect(after.isErr && after.error.code).toBe("shards.control.history.compacted");
    expect((await v.readDiffs(12, { limit: 100 })).unwrap().map((d) => d.position)).toEqual(
      Array.from({ length: 18 }, (_, i) => i + 13),
    );
    expect(reads).toEqual([]);
    await v.close();
  });
});

describe("DiffHistory", () => {
  it("holds exactly the newest `capacity` contiguous positions across chunks, drops and restarts", () => {
    const record = (p: number): ShardRecord => ({
      namespace: "ns",
      shardId: `s${p % 5}`,
      strategyId: "ring",
      ownerNodeId: "o",
      leaderId: null,
      capacityHint: 0,
      status: "active",
      version: p,
      checksum: "c",
      updatedAt: `t${p}`,
      changeTicket: null,
    });
    const history = (r: ShardRecord) => ({
      namespace: r.namespace,
      shardId: r.shardId,
      version: r.version,
      strategyId: r.strategyId,
      actor: "a",
      reason: "r",
      changeTicket: r.changeTicket,
      createdAt: r.updatedAt,
      ownerNodeId: r.ownerNodeId,
      previousOwnerNodeId: null,
      ownershipDeltaPercent: r.version % 2 === 0 ? null : 1.5,
      metadata: null,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(-1)), { maxLength: 6 }),
        (capacity, ops) => {
          const h = new DiffHistory(capacity);
          let next = 1;
          let floor = 1;
          let restart: number | undefined;
          let last = 0;
          for (const op of ops) {
            if (op === -1) {
              next += 7;
              restart = next;
            } else {
              // A push that does not follow the newest position restarts the history there.
              if (restart !== undefined) floor = restart;
              restart = undefined;
              for (let i = 0; i < op; i++, next++) h.push(next, record(next), null, history(record(next)));
              last = next - 1;
              if (op % 3 === 0) {
                const drop = next - 1 - Math.floor(op / 2);
                h.dropThrough(drop);
                floor = Math.max(floor, drop + 1);
              }
            }
          }
          const first = Math.max(floor, last + 1 - capacity);
          expect(h.size).toBe(Math.max(0, last + 1 - first));
          expect(h.covers(first - 1)).toBe(h.size > 0);
          expect(h.covers(first - 2)).toBe(false);
          const got = h.slice(first - 10, last + 5);
          expect(got.map((d) => d.position)).toEqual(Array.from({ length: h.size }, (_, i) => first + i));
          for (const d of got) expect(d.history).toEqual(history(record(d.position)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("matches a model over pushes from any start, restarts, drops at any position (block edges included) and rows kept whole", () => {
    const record = (p: number): ShardRecord => ({
      namespace: "ns",
      shardId: `s${p % 5}`,
      strategyId: "ring",
      ownerNodeId: `o${p % 3}`,
      leaderId: null,
      capacityHint: 0,
      status: "active",
      version: p,
      checksum: "c",
      updatedAt: `t${p}`,
      changeTicket: null,
    });
    // Odd rows: deltas a column cannot hold as a number (NaN, kept whole), -0, Infinity, tiny; metadata
    // undefined (kept whole); an extra key, a previous owner that does not follow (kept whole).
    const row = (r: ShardRecord, previous: ShardRecord | null): ShardHistoryRecord => {
      const p = r.version;
      const h: Record<string, unknown> = {
        namespace: r.namespace,
        shardId: r.shardId,
        version: r.version,
        strategyId: r.strategyId,
        actor: `a${p % 4}`,
        reason: "r",
        changeTicket: r.changeTicket,
        createdAt: r.updatedAt,
        ownerNodeId: r.ownerNodeId,
        previousOwnerNodeId: previous === null ? null : previous.ownerNodeId,
        ownershipDeltaPercent: [null, 1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e308, 5e-324][p % 7],
        metadata: [null, "", "x", undefined][p % 4],
      };
      if (p % 11 === 5) h.extra = 1;
      if (p % 13 === 6) h.previousOwnerNodeId = "elsewhere";
      return h as unknown as ShardHistoryRecord;
    };
    // Counts around block sizes (4,096): fast-check's integers lean small and would rarely reach an edge.
    const near = (points: number[]): fc.Arbitrary<number> =>
      fc.oneof(...points.map((p) => fc.integer({ min: Math.max(1, p - 6), max: p + 6 })));
    const op = fc.oneof(
      fc.record({
        k: fc.constant("push" as const),
        n: near([1, 4_096, 8_192]),
        gap: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ k: fc.constant("drop" as const), back: fc.integer({ min: -5, max: 9_000 }) }),
      // Drops next to a block edge of the current run (blocks are 4,096 positions from where the run began).
      fc.record({
        k: fc.constant("edge" as const),
        block: fc.integer({ min: 0, max: 2 }),
        off: fc.integer({ min: -3, max: 2 }),
      }),
      fc.record({
        k: fc.constant("slice" as const),
        a: fc.integer({ min: -5, max: 20_000 }),
        b: fc.integer({ min: -5, max: 20_000 }),
      }),
    );
    fc.assert(
      fc.property(
        near([1, 100, 4_096, 8_192, 20_000]),
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(op, { maxLength: 8 }),
        (capacity, start, ops) => {
          const h = new DiffHistory(capacity);
          const model = new Map<number, ShardRecordDiff>();
          let next = start;
          let last = start - 1;
          let run = start;
          const drop = (through: number): void => {
            h.dropThrough(through);
            for (const p of [...model.keys()]) if (p <= through) model.delete(p);
          };
          const check = (after: number, to: number): void => {
            const got = h.slice(after, to);
            const want = [...model.values()].filter((d) => d.position > after && d.position <= to);
            expect(got.map((d) => d.position)).toEqual(want.map((d) => d.position));
            for (let i = 0; i < got.length; i++) {
              expect(got[i].current).toBe(want[i].current);
              expect(got[i].previous).toBe(want[i].previous);
              expect(JSON.stringify(got[i].history)).toBe(JSON.stringify(want[i].history));
              expect(
                Object.is(got[i].history.ownershipDeltaPercent, want[i].history.ownershipDeltaPercent),
              ).toBe(true);
            }
          };
          for (const o of ops) {
            if (o.k === "push") {
              if (o.gap > 0 && model.size > 0) {
                next += o.gap;
                model.clear();
              }
              if (model.size === 0) run = next;
              for (let i = 0; i < o.n; i++, next++) {
                const current = record(next);
                const previous = next % 2 === 0 ? record(next - 1) : null;
                const history = row(current, previous);
                h.push(next, current, previous, history);
                model.set(next, { position: next, current, previous, history });
                last = next;
                const oldest = model.keys().next().value;
                if (oldest !== undefined && oldest <= last - capacity) model.delete(oldest);
              }
            } else if (o.k === "drop") drop(last - o.back);
            else if (o.k === "edge") drop(run + o.block * 4_096 + o.off);
            else check(Math.min(o.a, o.b) + start - 5, Math.max(o.a, o.b) + start);
            // The oldest and newest positions held, after every step.
            const first = h.first ?? last + 1;
            check(first - 2, first + 2);
            check(last - 2, last + 2);
            expect(h.size).toBe(model.size);
            expect(h.first).toBe(model.keys().next().value);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
