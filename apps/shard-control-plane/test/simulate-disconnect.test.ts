/**
 * Issue 14 item 2 over a real socket: when the client of a large simulation disconnects, the Node adapter
 * aborts the request's signal and the simulation stops (its per-assignment hook stops being called).
 */
import { request } from "node:http";
import { ok } from "@pipe/result";
import { InMemoryShardRepository, ShardControlPlaneService, type ShardRecord } from "@pipe/shards";
import { createShardControlPlaneApp } from "@pipe/shards/http";
import { describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/app.ts";
import { startNodeServer } from "../src/node-server.ts";
import { OPERATOR } from "./support.ts";

const SHARDS = 50_000;

/** An in-memory store whose namespace `big` lists SHARDS synthetic records. */
function bigStore(): InMemoryShardRepository {
  const repo = new InMemoryShardRepository();
  const records: ShardRecord[] = Array.from({ length: SHARDS }, (_, i) => ({
    namespace: "big",
    shardId: `s-${i}`,
    strategyId: "rendezvous",
    ownerNodeId: "n-0",
    leaderId: null,
    capacityHint: 1,
    status: "active",
    version: 1,
    checksum: "0",
    updatedAt: "1970-01-01T00:00:00.000Z",
    changeTicket: null,
  }));
  const list = repo.list.bind(repo);
  repo.list = async (namespace, options) => (namespace === "big" ? ok(records) : list(namespace, options));
  return repo;
}

describe("simulate over a real socket", () => {
  it("stops reconciling when the client disconnects", async () => {
    let reconciled = 0;
    const repository = bigStore();
    const service = new ShardControlPlaneService({
      repository,
      workers: 1,
      reconcile: () => {
        reconciled++;
        return undefined;
      },
    });
    const app = createShardControlPlaneApp({
      service,
      tokens: [{ token: OPERATOR, scopes: ["shards.operate"] }],
    });
    const cp = {
      fetch: app.fetch,
      closeWatchers: () => undefined,
      close: () => repository.close(),
    } as unknown as ControlPlane;
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      const body = JSON.stringify({ namespace: "big", nodes: [{ nodeId: "n-1" }] });
      const req = request(`${server.url}/control/shards/simulate`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
      });
      req.on("error", () => undefined);
      req.end(body);
      // the client leaves once reconciliation has begun
      for (let i = 0; i < 60_000 && reconciled === 0; i++) await new Promise((r) => setTimeout(r, 1));
      expect(reconciled).toBeGreaterThan(0);
      req.destroy();
      // the count settles below the total and stays there
      let seen = -1;
      for (let i = 0; i < 60_000 && seen !== reconciled; i++) {
        seen = reconciled;
        for (let j = 0; j < 20; j++) await new Promise((r) => setTimeout(r, 1));
      }
      expect(reconciled).toBeLessThan(SHARDS);
      for (let j = 0; j < 50; j++) await new Promise((r) => setTimeout(r, 1));
      expect(reconciled).toBe(seen);
    } finally {
      await server.stop();
    }
  });
});
