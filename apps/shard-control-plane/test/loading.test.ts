/** serveWhileLoading: a listener can answer before the store and its read view are loaded. */
import { describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/app.ts";
import { serveWhileLoading } from "../src/serve-while-loading.ts";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const fakeControlPlane = (log: string[]): ControlPlane =>
  ({
    fetch: () => new Response("opened"),
    closeWatchers: () => log.push("closeWatchers"),
    close: async () => {
      log.push("close");
    },
  }) as unknown as ControlPlane;

describe("serveWhileLoading", () => {
  it("answers 503 loading on /healthz and starting elsewhere, then delegates", async () => {
    const opening = deferred<ControlPlane>();
    const serving = serveWhileLoading(opening.promise);
    const health = await serving.fetch(new Request("http://x/healthz"));
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "loading" });
    const list = await serving.fetch(new Request("http://x/control/shards"));
    expect(list.status).toBe(503);
    expect(list.headers.get("retry-after")).toBe("1");
    expect(list.headers.get("content-type")).toBe("application/problem+json");
    expect((await list.json()).code).toBe("shards.http.starting");
    const log: string[] = [];
    opening.resolve(fakeControlPlane(log));
    await serving.ready;
    expect(await (await serving.fetch(new Request("http://x/healthz"))).text()).toBe("opened");
  });

  it("a watch (SSE) during loading waits for the load instead of a 503 that would end an EventSource", async () => {
    const opening = deferred<ControlPlane>();
    const serving = serveWhileLoading(opening.promise);
    let answered = false;
    const watch = Promise.resolve(
      serving.fetch(new Request("http://x/control/shards/watch?namespace=demo")),
    ).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false);
    opening.resolve(fakeControlPlane([]));
    expect(await (await watch).text()).toBe("opened");
  });

  it("a watch aborted during loading is answered at once and never reaches the opened plane", async () => {
    const opening = deferred<ControlPlane>();
    const serving = serveWhileLoading(opening.promise);
    const controller = new AbortController();
    const watch = serving.fetch(
      new Request("http://x/control/shards/watch?namespace=demo", { signal: controller.signal }),
    );
    controller.abort();
    const res = await watch;
    expect(res.status).toBe(503);
    expect((await res.json()).code).toBe("shards.http.starting");
    let reached = 0;
    opening.resolve({
      ...fakeControlPlane([]),
      fetch: () => {
        reached++;
        return new Response("opened");
      },
    } as ControlPlane);
    await serving.ready;
    await new Promise((r) => setTimeout(r, 0));
    expect(reached).toBe(0);
  });

  it("a shutdown during loading closes the control plane once it has opened", async () => {
    const opening = deferred<ControlPlane>();
    const serving = serveWhileLoading(opening.promise);
    serving.closeWatchers();
    const closing = serving.close();
    const log: string[] = [];
    opening.resolve(fakeControlPlane(log));
    await closing;
    expect(log).toEqual(["closeWatchers", "close"]);
  });

  it("a failed open rejects ready and close still settles", async () => {
    const opening = deferred<ControlPlane>();
    const serving = serveWhileLoading(opening.promise);
    opening.reject(new Error("locked"));
    await expect(serving.ready).rejects.toThrow("locked");
    await expect(serving.close()).resolves.toBeUndefined();
  });
});

describe("history retention", () => {
  it("compacts the history beyond --history-retention at start, keeping the records", async () => {
    const { open } = await import("./support.ts");
    const seeded = await open({ historyRetention: 0 });
    const head = seeded.service.repository;
    expect((await head.highestPosition()).unwrap()).toBe(64);
    await seeded.close();
    // A fresh in-memory store seeds 64 changes; with retention 10 the first 54 are compacted at start.
    const cp = await open({ historyRetention: 10 });
    const { ShardFilter } = await import("@pipe/shards");
    // The first compaction runs in the background after start: poll for it (bounded).
    let positions: number[] = [];
    for (
      const deadline = Date.now() + 20_000;
      Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 50))
    ) {
      positions = (await cp.service.diff(null, null, ShardFilter.all)).unwrap().items.map((d) => d.position);
      if (positions[0] === 55) break;
    }
    expect(positions).toEqual(Array.from({ length: 10 }, (_, i) => 55 + i));
    expect(
      (
        await cp.service.list((await import("@pipe/shards")).ShardFilter.create({ namespace: "demo" }), {
          pageSize: 500,
        })
      ).unwrap().items,
    ).toHaveLength(64);
    await cp.close();
  });
});
