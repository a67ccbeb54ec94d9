/**
 * ShardReadView under faults (from a hostile review): a store compacted recently, a tail that falls behind the
 * compaction point, a write whose tail is stalled (the ETag must still name the content), very long waits,
 * and waits that must not pile up listeners on long-lived signals.
 */
import { err, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import { InMemoryShardRepository, ShardReadView, type ShardRepository } from "../src/index.ts";

const up = (s: ShardRepository, id: string, owner = "a") =>
  s.upsert({ namespace: "ns", shardId: id, strategyId: "rendezvous", ownerNodeId: owner });

/** The store as seen through a connection that can be broken: its watch fails while `state.broken`. */
function flaky(store: InMemoryShardRepository, state: { broken: boolean }): ShardRepository {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "watch")
        return (since: number, options: unknown) =>
          (async function* () {
            for await (const item of target.watch(since, options as never)) {
              if (state.broken) {
                yield err(PipeError.from("connection lost", "shards.control.repository.failure"));
                return;
              }
              yield item;
            }
          })();
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("ShardReadView faults", () => {
  it("opens over a store compacted within the last recentDiffs changes", async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < 20; i++) (await up(store, `s${i}`)).unwrap();
    (await store.compactHistory(15)).unwrap();
    const view = (await ShardReadView.open(store)).unwrap();
    expect(view.size).toBe(20);
    expect((await view.readDiffs(15, { limit: 10 })).unwrap().map((d) => d.position)).toEqual([
      16, 17, 18, 19, 20,
    ]);
    const gone = await view.readDiffs(3, { limit: 10 });
    expect(gone.isErr && gone.error.code).toBe("shards.control.history.compacted");
    await view.close();
  });

  it("a tail that fell behind the compaction point reloads and catches up", async () => {
    const store = new InMemoryShardRepository();
    for (let i = 0; i < 5; i++) (await up(store, `s${i}`)).unwrap();
    const state = { broken: false };
    const errors: string[] = [];
    const view = (
      await ShardReadView.open(flaky(store, state), {
        recentDiffs: 2,
        onTailError: (e) => errors.push(e.code ?? ""),
      })
    ).unwrap();
    state.broken = true;
    for (let i = 5; i < 20; i++) (await up(store, `s${i}`)).unwrap();
    (await store.compactHistory(15)).unwrap();
    state.broken = false;
    expect((await view.waitForPosition(20, { timeoutMs: 10_000 })).unwrap()).toBe(20);
    expect(view.size).toBe(20);
    expect(errors).toContain("shards.control.history.compacted");
    (await up(store, "late")).unwrap();
    expect((await view.waitForPosition(21, { timeoutMs: 10_000 })).unwrap()).toBe(21);
    await view.close();
  }, 30_000);

  it("a write whose tail is stalled never changes the content under the same position (ETag)", async () => {
    const store = new InMemoryShardRepository();
    (await up(store, "s0")).unwrap();
    const state = { broken: false };
    const view = (await ShardReadView.open(flaky(store, state), { writeVisibilityMs: 50 })).unwrap();
    state.broken = true;
    const before = (await view.query({ namespace: "ns", pageSize: 10 })).unwrap();
    (await up(view, "s0", "b")).unwrap();
    const after = (await view.query({ namespace: "ns", pageSize: 10 })).unwrap();
    if (after.position === before.position) expect(after.items).toEqual(before.items);
    state.broken = false;
    await view.close();
  });

  it("caps a very long wait instead of answering at once, and an aborted wait ends", async () => {
    const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
    const controller = new AbortController();
    const waiting = view.waitForPosition(1, { timeoutMs: 3e9, signal: controller.signal });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    controller.abort();
    const r = await waiting;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    await view.close();
  });

  it("waits add no lasting listeners to a caller's long-lived signal", async () => {
    const view = (await ShardReadView.open(new InMemoryShardRepository())).unwrap();
    const longLived = new AbortController();
    let added = 0;
    let removed = 0;
    const add = longLived.signal.addEventListener.bind(longLived.signal);
    const remove = longLived.signal.removeEventListener.bind(longLived.signal);
    longLived.signal.addEventListener = ((...a: Parameters<typeof add>) => {
      added++;
      add(...a);
    }) as typeof add;
    longLived.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      removed++;
      remove(...a);
    }) as typeof remove;
    for (let i = 0; i < 50; i++) await view.waitForPosition(1, { timeoutMs: 1, signal: longLived.signal });
    expect(added).toBe(50);
    expect(removed).toBe(50);
    await view.close();
  });
});
