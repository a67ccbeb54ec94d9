/**
 * Scale-out: two app instances on one PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 * a unique schema per run, dropped afterwards) serve consistent lists, and a watcher on one instance sees
 * writes made through the other. Skipped with the printed reason when no server answers (failed instead when
 * PIPE_REQUIRE_SERVICES=1, as in CI).
 */
import { afterAll, describe, expect, it } from "vitest";
import { openControlPlane } from "../src/app.ts";
import { sseEvents } from "../src/cli-core.ts";
import { startNodeServer } from "../src/node-server.ts";
import { config, dropSchema, OPERATOR, postgresUnavailable, READER } from "./support.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `scp_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
let used = false;

afterAll(async () => {
  if (used) await dropSchema(url, schema);
});

describe("scale-out on PostgreSQL", () => {
  it("two instances: consistent lists, one seed, and a watcher on B sees writes through A", async (ctx) => {
    const reason = await postgresUnavailable(url);
    if (reason !== undefined && process.env.PIPE_REQUIRE_SERVICES === "1")
      throw new Error(`PIPE_REQUIRE_SERVICES=1, so a missing server is a failure, not a skip: ${reason}`);
    if (reason !== undefined) {
      console.warn(`[scale-out] skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    used = true;
    const settings = config({ databaseUrl: url, schema });
    const [a, b] = await Promise.all([openControlPlane(settings), openControlPlane(settings)]);
    const [sa, sb] = await Promise.all([
      startNodeServer(a, 0, "127.0.0.1"),
      startNodeServer(b, 0, "127.0.0.1"),
    ]);
    try {
      expect(a.seeded + b.seeded).toBe(64);
      const list = async (base: string) => {
        const res = await fetch(`${base}/control/shards?namespace=demo&pageSize=500`, {
          headers: { authorization: `Bearer ${READER}` },
        });
        return { etag: res.headers.get("etag"), body: await res.text() };
      };
      const [la, lb] = await Promise.all([list(sa.url), list(sb.url)]);
      expect(la.etag).toBe('"shards-64"');
      expect(lb).toEqual(la);

      const watch = await fetch(`${sb.url}/control/shards/watch?namespace=demo&resumeToken=64`, {
        headers: { authorization: `Bearer ${READER}` },
      });
      expect(watch.status).toBe(200);
      const events = sseEvents(watch.body!);
      const write = await fetch(`${sa.url}/control/shards/upsert`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
        body: JSON.stringify({
          namespace: "demo",
          shardId: "shard-00",
          strategyId: "rendezvous",
          ownerNodeId: "node-z",
          changeMetadata: { actor: "test", reason: "scale-out" },
        }),
      });
      expect(write.status).toBe(200);
      let seen: { id?: string; data?: string } | undefined;
      for await (const e of events) {
        if (e.event === "shard.diff") {
          seen = e;
          break;
        }
      }
      expect(seen?.id).toBe("65");
      expect((JSON.parse(seen!.data!) as { current: { ownerNodeId: string } }).current.ownerNodeId).toBe(
        "node-z",
      );
      const [after1, after2] = await Promise.all([list(sa.url), list(sb.url)]);
      expect(after1.etag).toBe('"shards-65"');
      expect(after2).toEqual(after1);
    } finally {
      await Promise.all([sa.stop(), sb.stop()]);
    }
  }, 60_000);
});
