/**
 * `GET /control/shards/diff` writes its body in chunks: the same bytes as `JSON.stringify` of the service's
 * page, and other requests are answered while a large diff is written.
 */
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp } from "../../src/http/index.ts";
import { InMemoryShardRepository, ShardControlPlaneService, ShardFilter } from "../../src/index.ts";
import { seed } from "../support.ts";
import { readWhileAnswering } from "./streamed.ts";

const OPS = "ops-token-0123456789abcdef";
const headers = { authorization: `Bearer ${OPS}` };

async function make(shards: number) {
  const repository = new InMemoryShardRepository();
  await seed(repository, "ns", shards, ["node-0", "node-1", "node-2"]);
  const service = new ShardControlPlaneService({ repository });
  const app = createShardControlPlaneApp({ service, tokens: [{ token: OPS, scopes: ["shards.operate"] }] });
  return { app, service };
}

describe("a diff's body", () => {
  it("is JSON.stringify of the service's page, small or empty", async () => {
    const { app, service } = await make(7);
    for (const [from, to] of [
      [1, 7],
      [3, 4],
      [100, 200],
    ] as const) {
      const res = await app.request(`/control/shards/diff?fromPosition=${from}&toPosition=${to}`, {
        headers,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const page = (await service.diff(from, to, ShardFilter.all)).unwrap();
      expect(await res.text()).toBe(JSON.stringify(page));
    }
  });

  it("comes in chunks, and other requests are answered while it is written", async () => {
    // About 0.5 MB of diffs: several chunks.
    const { app, service } = await make(1_500);
    const res = await app.request("/control/shards/diff?fromPosition=1&toPosition=1500", { headers });
    expect(res.status).toBe(200);
    // Answered before the body ends only when writing the body yields to the event loop between chunks.
    const { text, chunksAfterAnswer } = await readWhileAnswering(res, () =>
      app.request("/control/shards?namespace=ns&pageSize=5", { headers }),
    );
    expect(chunksAfterAnswer).toBeGreaterThan(0);
    const page = (await service.diff(1, 1500, ShardFilter.all)).unwrap();
    expect(page.items).toHaveLength(1_500);
    expect(text).toBe(JSON.stringify(page));
  });
});
