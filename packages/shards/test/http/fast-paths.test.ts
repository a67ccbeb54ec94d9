/**
 * The HTTP read path's shortcuts answer exactly what the plain way would: the list and diff bodies are
 * `JSON.stringify` of the page (a record changed after being served shows its new version, and texts JSON must
 * escape come out escaped the same way), and the synchronous token matcher accepts exactly the configured tokens.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp, createShardTokenVerifier } from "../../src/http/index.ts";
import { listPageBytes, listPageJson } from "../../src/http/internal/json-fragments.ts";
import { decodeListFields, plainListQuery } from "../../src/http/internal/query.ts";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardFilter,
  ShardReadView,
  type ShardRecord,
} from "../../src/index.ts";
import { JsonArena, type JsonSlot } from "../../src/internal/json-arena.ts";
import { ViewIndex } from "../../src/internal/view-index.ts";

const OPS = "ops-token-0123456789abcdef";
const auth = { authorization: `Bearer ${OPS}` };

describe("list and diff bodies from cached fragments", () => {
  it("are byte-identical to JSON.stringify of the page, before and after records change", async () => {
    const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
    const service = new ShardControlPlaneService({ repository: view });
    const app = createShardControlPlaneApp({ service, tokens: [{ token: OPS, scopes: ["shards.operate"] }] });
    const names = fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }).filter((s) => s.trim() === s);
    const write = fc.record({
      shardId: fc.constantFrom("a", "b", "c", "ü", "shard-\u{1F600}", 'q"uote'),
      owner: names,
      ticket: fc.option(names, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 4 }), async (writes) => {
        for (const w of writes)
          (
            await service.upsert({
              namespace: "ns",
              shardId: w.shardId,
              strategyId: "rendezvous",
              ownerNodeId: w.owner,
              changeMetadata: { actor: "t", reason: "r", changeTicket: w.ticket },
            })
          ).unwrap();
        const res = await app.request("/control/shards?namespace=ns&pageSize=4", { headers: auth });
        const page = (await service.list(ShardFilter.create({ namespace: "ns" }), { pageSize: 4 })).unwrap();
        expect(await res.text()).toBe(JSON.stringify(page));
        const diffRes = await app.request(`/control/shards/diff?fromPosition=1`, { headers: auth });
        const diffs = (await service.diff(1, null, ShardFilter.create({}))).unwrap();
        expect(await diffRes.text()).toBe(JSON.stringify(diffs));
      }),
      { numRuns: 40 },
    );
    await view.close();
  });
});

/** Texts JSON must escape or carry through: quotes, backslashes, control characters, lone surrogates, non-ASCII. */
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    '"',
    "\\",
    "\u0000",
    "\u001f\u007f",
    "\ud800",
    "a\udfffb",
    "\u{1F600}",
    "\u2028\u2029",
    "ü</script>",
  ),
);
const record = fc.record({
  namespace: hostile,
  shardId: hostile,
  strategyId: hostile,
  ownerNodeId: hostile,
  leaderId: fc.option(hostile, { nil: null }),
  capacityHint: fc.oneof(
    fc.double(),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-324),
  ),
  status: fc.constantFrom("active", "draining", "paused", "disabled" as const),
  version: fc.nat(),
  checksum: hostile,
  updatedAt: hostile,
  changeTicket: fc.option(hostile, { nil: null }),
});

describe("page JSON of hostile records", () => {
  it("is JSON.stringify of the page", () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 5 }),
        fc.option(hostile, { nil: null }),
        fc.nat(),
        (items, nextCursor, version) => {
          const list = { items, nextCursor, version };
          expect(listPageJson(list)).toBe(JSON.stringify(list));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("list page bytes from a view index's record texts", () => {
  it("are the UTF-8 of JSON.stringify of the page while records change, and for records it does not hold", () => {
    const versioned = record.map((r) => ({ ...r, namespace: "ns", shardId: r.shardId.slice(0, 2) }));
    const step = fc.oneof(
      fc.record({ kind: fc.constant("write" as const), record: versioned }),
      fc.record({ kind: fc.constant("page" as const), pageSize: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant("foreign" as const), record: versioned }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.option(hostile, { nil: null }),
        (steps, nextCursor) => {
          const index = new ViewIndex();
          let version = 0;
          for (const s of steps) {
            if (s.kind === "write") {
              index.apply({ ...s.record, version: ++version });
              continue;
            }
            const items: ShardRecord[] = index.query({
              namespace: "ns",
              pageSize: s.kind === "page" ? s.pageSize : 3,
            }).items;
            if (s.kind === "foreign") items.splice(items.length >>> 1, 0, s.record);
            const page = { items, nextCursor, version };
            const bytes = listPageBytes(page, (r, before, after) => index.jsonArray(r, before, after));
            expect(bytes).toEqual(utf8(JSON.stringify(page)));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("JSON arena", () => {
  it("answers the texts last written for each value, across releases and dropped slabs", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 14 }).map((t) => JSON.stringify(t)),
      fc.constantFrom('"\u0000"', "{}", "[1,2]", '"ü😀"'),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant("replace" as const), cell: fc.nat(7), text }),
      fc.record({
        kind: fc.constant("serve" as const),
        cells: fc.array(fc.nat(7), { maxLength: 10 }),
        foreign: text,
      }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 50, maxLength: 200 }),
        fc.integer({ min: 8, max: 128 }),
        fc.string({ unit: "binary", maxLength: 4 }),
        fc.string({ unit: "binary", maxLength: 4 }),
        (ops, slabBytes, before, after) => {
          const arena = new JsonArena(slabBytes);
          const cells = Array.from({ length: 8 }, (_, i) => ({
            slot: { slab: -1, at: 0, len: 0 } as JsonSlot,
            text: String(i),
          }));
          for (const o of ops) {
            if (o.kind === "replace") {
              arena.release(cells[o.cell].slot);
              cells[o.cell] = { slot: { slab: -1, at: 0, len: 0 }, text: o.text };
              continue;
            }
            const values: (number | string)[] = [...o.cells, o.foreign];
            const texts = values.map((v) => (typeof v === "number" ? cells[v].text : v));
            const out = arena.arrayOf(
              values,
              (v) => (typeof v === "number" ? cells[v].slot : undefined),
              (v) => (typeof v === "number" ? cells[v].text : v),
              before,
              after,
            );
            expect(out).toEqual(utf8(`${before}[${texts.join(",")}]${after}`));
            // Every slab but the one being filled holds a live text, so there are at most cells + 1 slabs.
            expect(arena.bytes).toBeLessThanOrEqual((cells.length + 1) * slabBytes);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("list query parameters", () => {
  // Parameters as `collect` hands them over: known names only (it rejects the others), values trimmed or not.
  it("skip the schema exactly when the schema would accept them unchanged", () => {
    const text = fc.oneof(hostile, fc.constantFrom("ns-3", "node-0001", "x".repeat(4096), "é".repeat(2049)));
    const digits = fc.oneof(
      fc.stringMatching(/^\d{0,17}$/),
      fc.constantFrom("0", "1", "500", "501", "0500", "-1", "1.5", " 1"),
    );
    const status = fc.oneof(
      fc.constantFrom("paused", "ACTIVE", "0", "3", "4", "paused,draining", "paused draining;;", "", "x"),
      hostile,
    );
    const raw = fc.record(
      {
        namespace: text,
        owner: text,
        ownerNodeId: text,
        search: text,
        pageSize: digits,
        cursor: fc.oneof(hostile, fc.constantFrom("a".repeat(5464), "a".repeat(5465))),
        minPosition: digits,
        status: fc.array(status, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(raw, (params) => {
        const viaSchema = decodeListFields(params);
        expect(plainListQuery({ ...params })).toBe(viaSchema.isOk);
        if (viaSchema.isOk) expect(viaSchema.value).toEqual(params);
      }),
      { numRuns: 500 },
    );
  });
});

describe("token matching", () => {
  it("accepts exactly the configured tokens, whatever the presented text and length", async () => {
    // Configured tokens are RFC 6750 b64token (the configuration rejects anything else); guesses are any text.
    const b64 = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
    const token = fc.string({ unit: b64, minLength: 16, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(token, { minLength: 1, maxLength: 4 }),
        fc.string({ unit: "binary", maxLength: 60 }),
        async (secrets, guess) => {
          const verify = createShardTokenVerifier(
            secrets.map((t, i) => ({ token: t, name: `t${i}`, scopes: ["shards.read"] as const })),
          );
          for (const [i, s] of secrets.entries()) {
            expect((await verify(s))?.name).toBe(`t${i}`);
            // Zero padding must not make a shorter or longer text match.
            expect(await verify(`${s}\u0000`)).toBeUndefined();
            expect(await verify(s.slice(0, -1))).toBeUndefined();
          }
          const expected = secrets.indexOf(guess);
          expect((await verify(guess))?.name).toBe(expected < 0 ? undefined : `t${expected}`);
        },
      ),
    );
  });
});

describe("list requests over a read view", () => {
  /** A GET of `path` whose `signal` getter counts its reads (a Node adapter builds an AbortController on the first). */
  const counted = (path: string): { request: Request; reads: () => number } => {
    let reads = 0;
    const request = new Request(`http://localhost${path}`, { headers: auth });
    const signal = request.signal;
    Object.defineProperty(request, "signal", {
      get: () => {
        reads++;
        return signal;
      },
    });
    return { request, reads: () => reads };
  };

  it("take the request's signal only when the answer can wait or comes from a store (it was taken for every request)", async () => {
    const store = new InMemoryShardRepository();
    await store.upsert({ namespace: "ns", shardId: "a", strategyId: "rendezvous", ownerNodeId: "o" });
    const view = (await ShardReadView.open(store)).unwrap();
    const tokens = [{ token: OPS, scopes: ["shards.operate" as const] }];
    const viewApp = createShardControlPlaneApp({
      service: new ShardControlPlaneService({ repository: view }),
      tokens,
    });
    const storeApp = createShardControlPlaneApp({
      service: new ShardControlPlaneService({ repository: new InMemoryShardRepository() }),
      tokens,
    });
    const fast = counted("/control/shards?namespace=ns");
    expect((await viewApp.fetch(fast.request)).status).toBe(200);
    expect(fast.reads()).toBe(0);
    const waiting = counted(`/control/shards?namespace=ns&minPosition=${view.position}`);
    expect((await viewApp.fetch(waiting.request)).status).toBe(200);
    expect(waiting.reads()).toBeGreaterThan(0);
    const fromStore = counted("/control/shards?namespace=ns");
    expect((await storeApp.fetch(fromStore.request)).status).toBe(200);
    expect(fromStore.reads()).toBeGreaterThan(0);
    await view.close();
  });

  it("answer cursor.invalid for a bad cursor, with and without a matching If-None-Match", async () => {
    const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
    const app = createShardControlPlaneApp({
      service: new ShardControlPlaneService({ repository: view }),
      tokens: [{ token: OPS, scopes: ["shards.operate"] }],
    });
    for (const cursor of ["not-a-cursor!", "YQ", "fA"])
      for (const headers of [auth, { ...auth, "if-none-match": `"shards-${view.position}"` }]) {
        const res = await app.request(`/control/shards?namespace=ns&cursor=${cursor}`, { headers });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe("shards.control.cursor.invalid");
      }
    await view.close();
  });
});
