/**
 * ShardReadView: the repository contract over each store, the index against the store under random writes
 * (fast-check), paging under concurrent writes, recent diffs, and the position wait.
 */
import { PGlite } from "@electric-sql/pglite";
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createShardControlPlaneApp } from "../src/http/index.ts";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardFilter,
  type ShardQueryOptions,
  ShardReadView,
  type ShardRepository,
  type ShardStatus,
} from "../src/index.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";
import { repositoryContract } from "./contract.ts";

const view = async (store: ShardRepository): Promise<ShardReadView> =>
  (await ShardReadView.open(store)).unwrap();

repositoryContract({ name: "read view over in-memory", open: () => view(new InMemoryShardRepository()) });

let engine: Promise<PGlite> | undefined;
let n = 0;
repositoryContract({
  name: "read view over pglite",
  open: async () => {
    engine ??= PGlite.create();
    return view((await PGliteShardRepository.open({ pglite: await engine, schema: `view_${n++}` })).unwrap());
  },
});
afterAll(async () => {
  await (await engine)?.close();
});

const statuses: readonly ShardStatus[] = ["active", "draining", "paused", "disabled"];
const ids = [
  "a",
  "b",
  "B",
  "ß",
  "SS",
  "İx",
  "i̇x",
  "é",
  "e\u0301",
  "𝔘",
  "\uffff",
  "x_y",
  "x%y",
  "a-1",
  "a-2",
  "z",
  // Longer ids, so searches of three units or more are narrowed by the view's trigram lists.
  "shard-ß01",
  "SHARD-SS01",
  "İstanbul-1",
  "i̇stanbul-2",
  "ﬁle-𝔘x",
  "FILE-𝔘X",
  "ΣΊΣΥΦΟΣ",
  "σίσυφος",
  "x_y%z-001",
];
const write = fc.record({
  namespace: fc.constantFrom("n1", "n2", "ñ"),
  shardId: fc.constantFrom(...ids),
  owner: fc.constantFrom("o1", "o2", "o3"),
  status: fc.constantFrom(...statuses),
});
const query = fc.record({
  namespace: fc.option(fc.constantFrom("n1", "n2", "ñ", "none"), { nil: undefined }),
  ownerNodeId: fc.option(fc.constantFrom("o1", "o2", "o3"), { nil: undefined }),
  search: fc.option(
    fc.constantFrom(
      ...["a", "ss", "ß", "i", "İ", "_", "%", "é", "𝔘", "X"],
      ...[
        "ard-ss",
        "ARD-ß0",
        "ss01",
        "istanb",
        "İSTAN",
        "fil",
        "ﬁle-𝔘",
        "e-𝔘X",
        "σοσ",
        "ΥΦΟΣ",
        "_y%",
        "-00",
        "zzz",
      ],
    ),
    { nil: undefined },
  ),
  statuses: fc.option(fc.subarray([...statuses], { minLength: 1 }), { nil: undefined }),
  pageSize: fc.integer({ min: 1, max: 5 }),
});

/** Every page of `q` from `repo`, following cursors (bounded). */
async function scan(repo: ShardRepository, q: Omit<ShardQueryOptions, "cursor">): Promise<string[]> {
  const out: string[] = [];
  let cursor: ShardQueryOptions["cursor"];
  for (let i = 0; i < 1000; i++) {
    const page = (await repo.query({ ...q, cursor })).unwrap();
    for (const r of page.items) out.push(`${r.namespace}/${r.shardId}@${r.version}`);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

describe("ShardReadView", () => {
  it("answers every query exactly as its store does, under random writes (in-memory)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { maxLength: 40 }),
        fc.array(query, { minLength: 1, maxLength: 5 }),
        async (writes, queries) => {
          const store = new InMemoryShardRepository();
          for (const w of writes.slice(0, writes.length >> 1))
            await store.upsert({
              namespace: w.namespace,
              shardId: w.shardId,
              strategyId: "rendezvous",
              ownerNodeId: w.owner,
              status: w.status,
            });
          const v = await view(store);
          for (const w of writes.slice(writes.length >> 1))
            await v.upsert({
              namespace: w.namespace,
              shardId: w.shardId,
              strategyId: "rendezvous",
              ownerNodeId: w.owner,
              status: w.status,
            });
          expect(v.position).toBe((await store.highestPosition()).unwrap());
          for (const q of queries) expect(await scan(v, q)).toEqual(await scan(store, q));
          expect((await v.list()).unwrap()).toEqual((await store.list()).unwrap());
          await v.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sees writes made directly to its store (another instance) and reports its position", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    await store.upsert({ namespace: "ns", shardId: "s1", strategyId: "ring", ownerNodeId: "a" });
    expect((await v.waitForPosition(1, { timeoutMs: 5_000 })).unwrap()).toBe(1);
    expect((await v.get({ namespace: "ns", shardId: "s1" })).unwrap()?.ownerNodeId).toBe("a");
    const behind = await v.waitForPosition(2);
    expect(behind.isErr && behind.error.code).toBe("shards.control.view.behind");
    expect(behind.isErr && behind.error.metadata).toMatchObject({ position: 1, requested: 2 });
    await v.close();
  });

  it("a paged scan under concurrent writes returns every unchanged shard exactly once", async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < 300; i++)
      await store.upsert({
        namespace: "ns",
        shardId: `s${String(i).padStart(3, "0")}`,
        strategyId: "ring",
        ownerNodeId: "a",
      });
    const v = await view(store);
    const seen: string[] = [];
    let cursor: ShardQueryOptions["cursor"];
    let k = 0;
    for (;;) {
      const page = (await v.query({ namespace: "ns", pageSize: 7, cursor })).unwrap();
      for (const r of page.items) seen.push(r.shardId);
      // Between pages: new shards before and after the cursor, and updates of existing ones.
      await v.upsert({ namespace: "ns", shardId: `new-${k}`, strategyId: "ring", ownerNodeId: "b" });
      await v.upsert({
        namespace: "ns",
        shardId: `s${String((k * 37) % 300).padStart(3, "0")}`,
        strategyId: "ring",
        ownerNodeId: "c",
      });
      k++;
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    const unchanged = seen.filter((id) => id.startsWith("s"));
    expect(new Set(unchanged).size).toBe(unchanged.length);
    expect(unchanged.length).toBe(300);
    await v.close();
  });

  it("serves recent diffs and live watches from memory, and older ones from the store", async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < 5; i++)
      await store.upsert({ namespace: "ns", shardId: `old${i}`, strategyId: "ring", ownerNodeId: "a" });
    const v = (await ShardReadView.open(store, { recentDiffs: 4 })).unwrap();
    // Loaded with the last 4 diffs of the store: a read of them does not touch the store.
    const reads: number[] = [];
    const readDiffs = store.readDiffs.bind(store);
    store.readDiffs = (after, options) => {
      reads.push(after);
      return readDiffs(after, options);
    };
    expect((await v.readDiffs(1, { limit: 10 })).unwrap().map((d) => d.position)).toEqual([2, 3, 4, 5]);
    expect(reads).toEqual([]);
    store.readDiffs = readDiffs;
    for (let i = 0; i < 6; i++)
      await v.upsert({ namespace: "ns", shardId: `new${i}`, strategyId: "ring", ownerNodeId: "a" });
    const all = (await v.readDiffs(0, { limit: 100 })).unwrap();
    expect(all.map((d) => d.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect((await v.readDiffs(8, { limit: 2 })).unwrap().map((d) => d.position)).toEqual([9, 10]);
    expect((await v.readDiffs(7, { limit: 100, upTo: 9 })).unwrap().map((d) => d.position)).toEqual([8, 9]);
    const controller = new AbortController();
    const got: number[] = [];
    const watching = (async () => {
      for await (const r of v.watch(9, { signal: controller.signal })) {
        if (r.isErr) break;
        got.push(r.value.position);
        if (got.length === 4) controller.abort();
      }
    })();
    await v.upsert({ namespace: "ns", shardId: "late1", strategyId: "ring", ownerNodeId: "a" });
    await store.upsert({ namespace: "ns", shardId: "late2", strategyId: "ring", ownerNodeId: "a" });
    await watching;
    expect(got).toEqual([10, 11, 12, 13]);
    await v.close();
  });

  it("watchers resumed ahead of the view wait for it without a store read per change each (each change cost every such watcher a store query)", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    let aheadReads = 0;
    const readDiffs = store.readDiffs.bind(store);
    store.readDiffs = (after, options) => {
      if (after >= 1_000) aheadReads++;
      return readDiffs(after, options);
    };
    const controller = new AbortController();
    const drain = async (since: number, out: number[], until: number): Promise<void> => {
      for await (const r of v.watch(since, { signal: controller.signal })) {
        if (r.isErr) return;
        out.push(r.value.position);
        if (out.length === until) return;
      }
    };
    const ahead = Array.from({ length: 20 }, () => drain(1_000_000_000_000, [], 1));
    const near: number[] = [];
    const nearDone = drain(3, near, 3);
    for (let i = 0; i < 6; i++)
      await v.upsert({ namespace: "ns", shardId: `s${i}`, strategyId: "ring", ownerNodeId: "a" });
    await nearDone;
    expect(near).toEqual([4, 5, 6]);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(aheadReads).toBe(0);
    // Still inside the compacted range, a resumed watch is answered with the error.
    (await store.upsert({ namespace: "ns", shardId: "t", strategyId: "ring", ownerNodeId: "a" })).unwrap();
    (await v.compactHistory(7)).unwrap();
    const gone = await v.watch(6)[Symbol.asyncIterator]().next();
    expect(gone.value?.isErr && gone.value.error.code).toBe("shards.control.history.compacted");
    controller.abort();
    await Promise.all(ahead);
    await v.close();
  });

  it("rejects bad options with a RangeError and a non-store with a TypeError", async () => {
    await expect(ShardReadView.open(new InMemoryShardRepository(), { recentDiffs: -1 })).rejects.toThrow(
      RangeError,
    );
    await expect(ShardReadView.open({} as ShardRepository)).rejects.toThrow(TypeError);
  });

  it("list with minPosition waits for another instance's write, or answers view.behind (service and HTTP 503)", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    const service = new ShardControlPlaneService({ repository: v, positionWaitMs: 5_000 });
    // A write through another instance (straight to the store) is awaited.
    const pending = service.list(ShardFilter.create({ namespace: "ns" }), { minPosition: 1 });
    await store.upsert({ namespace: "ns", shardId: "s1", strategyId: "ring", ownerNodeId: "a" });
    expect((await pending).unwrap().items.map((r) => r.shardId)).toEqual(["s1"]);
    // A position nobody wrote yet: the view says it cannot answer yet.
    const quick = new ShardControlPlaneService({ repository: v, positionWaitMs: 0 });
    const behind = await quick.list(ShardFilter.all, { minPosition: 5 });
    expect(behind.isErr && behind.error.code).toBe("shards.control.view.behind");
    const bad = await quick.list(ShardFilter.all, { minPosition: -1 });
    expect(bad.isErr && bad.error.code).toBe("error.validation");
    const app = createShardControlPlaneApp({
      service: quick,
      tokens: [{ name: "r", token: "read-token-0123456789", scopes: ["shards.read"] }],
    });
    const res = await app.request("/control/shards?minPosition=5", {
      headers: { authorization: "Bearer read-token-0123456789" },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).code).toBe("shards.control.view.behind");
    const okRes = await app.request("/control/shards?minPosition=1", {
      headers: { authorization: "Bearer read-token-0123456789" },
    });
    expect(okRes.status).toBe(200);
    // Without a view the service compares with the store's head.
    const plain = new ShardControlPlaneService({ repository: store });
    expect((await plain.list(ShardFilter.all, { minPosition: 1 })).isOk).toBe(true);
    const ahead = await plain.list(ShardFilter.all, { minPosition: 2 });
    expect(ahead.isErr && ahead.error.code).toBe("shards.control.view.behind");
    await v.close();
  });
});

describe("history retention", () => {
  it("diff and watch start at the oldest retained change without a bound, and answer history.compacted (HTTP 410) inside the compacted range", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    for (let i = 0; i < 8; i++)
      await v.upsert({ namespace: "ns", shardId: `s${i}`, strategyId: "ring", ownerNodeId: "a" });
    expect((await v.compactHistory(5)).unwrap()).toEqual({ compactedThrough: 5, removed: 5 });
    const service = new ShardControlPlaneService({ repository: v });
    expect((await service.diff(null, null, ShardFilter.all)).unwrap().items.map((d) => d.position)).toEqual([
      6, 7, 8,
    ]);
    const old = await service.diff(3, null, ShardFilter.all);
    expect(old.isErr && old.error.code).toBe("shards.control.history.compacted");
    expect((await service.collectWatch(null, ShardFilter.all)).unwrap().map((d) => d.position)).toEqual([
      6, 7, 8,
    ]);
    const resumed = await service.collectWatch(2, ShardFilter.all);
    expect(resumed.isErr && resumed.error.code).toBe("shards.control.history.compacted");
    const app = createShardControlPlaneApp({
      service,
      tokens: [{ name: "o", token: "ops-token-0123456789", scopes: ["shards.operate"] }],
    });
    const res = await app.request("/control/shards/diff?fromPosition=2", {
      headers: { authorization: "Bearer ops-token-0123456789" },
    });
    expect(res.status).toBe(410);
    expect((await res.json()).code).toBe("shards.control.history.compacted");
    await v.close();
  });

  it("the compacted answer names the oldest retained position, and a diff from it succeeds (it told a diff client to start at a compacted one)", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    for (let i = 0; i < 8; i++)
      await v.upsert({ namespace: "ns", shardId: `s${i}`, strategyId: "ring", ownerNodeId: "a" });
    (await v.compactHistory(5)).unwrap();
    const app = createShardControlPlaneApp({
      service: new ShardControlPlaneService({ repository: v }),
      tokens: [{ name: "o", token: "ops-token-0123456789", scopes: ["shards.operate"] }],
    });
    const get = (from: number) =>
      app.request(`/control/shards/diff?fromPosition=${from}`, {
        headers: { authorization: "Bearer ops-token-0123456789" },
      });
    for (const repository of [v, store]) {
      const gone = await new ShardControlPlaneService({ repository }).diff(5, null, ShardFilter.all);
      expect(gone.isErr && gone.error.message).toBe(
        "Change positions up to 5 were compacted away; the oldest retained position is 6.",
      );
    }
    const res = await get(5);
    expect(res.status).toBe(410);
    const named = Number(/oldest retained position is (\d+)/.exec((await res.json()).detail)?.[1]);
    const from = await get(named);
    expect(from.status).toBe(200);
    expect((await from.json()).items.map((d: { position: number }) => d.position)).toEqual([6, 7, 8]);
    await v.close();
  });
});

describe("history retention under a running compaction", () => {
  it("a diff without a lower bound answers from the oldest retained change when a compaction lands between its pages (it failed with history.compacted)", async () => {
    for (const viewed of [false, true]) {
      const store = new InMemoryShardRepository();
      for (let i = 0; i < 2_500; i++)
        await store.upsert({ namespace: "ns", shardId: `s${i % 50}`, strategyId: "ring", ownerNodeId: "a" });
      const repository: ShardRepository = viewed ? await view(store) : store;
      const readDiffs = repository.readDiffs.bind(repository);
      let pages = 0;
      repository.readDiffs = async (after, options) => {
        const page = await readDiffs(after, options);
        // The retention timer compacts while the diff reads its pages.
        if (++pages === 1) (await repository.compactHistory?.(1_500))?.unwrap();
        return page;
      };
      const service = new ShardControlPlaneService({ repository });
      const all = (await service.diff(null, null, ShardFilter.all)).unwrap();
      expect(all.items.map((d) => d.position)).toEqual(Array.from({ length: 1_000 }, (_, i) => 1_501 + i));
      // With a lower bound inside the compacted range, the answer is the compacted error.
      pages = 0;
      (await repository.compactHistory?.(1_000))?.unwrap();
      const bounded = await service.diff(1_502, null, ShardFilter.all);
      expect(bounded.isOk && bounded.value.items.length).toBe(999);
      await repository.close();
    }
  });
});

describe("ownership", () => {
  it("counts shards per owner from the view (no listing) and from a plain store alike; HTTP answers it", async () => {
    const store = new InMemoryShardRepository();
    const v = await view(store);
    for (let i = 0; i < 7; i++)
      await v.upsert({
        namespace: "ns",
        shardId: `s${i}`,
        strategyId: "ring",
        ownerNodeId: i < 4 ? "b" : "a",
      });
    await v.upsert({ namespace: "ns", shardId: "s0", strategyId: "ring", ownerNodeId: "c" });
    await v.upsert({ namespace: "other", shardId: "x", strategyId: "ring", ownerNodeId: "z" });
    const expected = {
      namespace: "ns",
      shards: 7,
      balance: { perNode: { a: 3, b: 3, c: 1 }, max: 3, mean: 7 / 3, ratio: 3 / (7 / 3) },
      version: 9,
    };
    const viaView = new ShardControlPlaneService({ repository: v });
    const listed = store.list.bind(store);
    let lists = 0;
    store.list = (...args) => {
      lists++;
      return listed(...args);
    };
    expect((await viaView.ownership("ns")).unwrap()).toEqual(expected);
    expect(lists).toBe(0);
    expect((await new ShardControlPlaneService({ repository: store }).ownership("ns")).unwrap()).toEqual(
      expected,
    );
    const missing = await viaView.ownership("nope");
    expect(missing.isErr && missing.error.code).toBe("shards.control.namespace.missing");
    const blank = await viaView.ownership(" ");
    expect(blank.isErr && blank.error.code).toBe("shards.control.namespace.required");
    const app = createShardControlPlaneApp({
      service: viaView,
      tokens: [{ name: "r", token: "read-token-0123456789", scopes: ["shards.read"] }],
    });
    const auth = { authorization: "Bearer read-token-0123456789" };
    const res = await app.request("/control/shards/ownership?namespace=ns", { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expected);
    expect((await app.request("/control/shards/ownership?namespace=nope", { headers: auth })).status).toBe(
      404,
    );
    expect(
      (await app.request("/control/shards/ownership?namespace=ns&bogus=1", { headers: auth })).status,
    ).toBe(400);
    expect((await app.request("/control/shards/ownership?namespace=a%00b", { headers: auth })).status).toBe(
      400,
    );
    await v.close();
  });
});
