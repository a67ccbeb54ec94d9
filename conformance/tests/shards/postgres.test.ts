/**
 * @pipe/shards on a real PostgreSQL server through the `postgres` driver, on Node, Deno and Bun. Uses
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and its own schema; skipped with the
 * printed reason when no server answers.
 */
import { ShardControlPlaneService, ShardErrorCodes, ShardFilter } from "@pipe/shards";
import { PostgresShardRepository } from "@pipe/shards/postgres";
import { describe, expect, it, skip } from "../../src/harness.ts";

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const url = env?.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("shards on PostgreSQL", () => {
  it("migrates two instances without racing, detects conflicts across them, and tails via LISTEN/NOTIFY", async () => {
    const schema = `pipe_shards_conf_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    const [a, b] = await Promise.all([
      PostgresShardRepository.open({ url, schema, connectTimeoutSeconds: 3 }),
      PostgresShardRepository.open({ url, schema, connectTimeoutSeconds: 3 }),
    ]);
    if (a.isErr || b.isErr) {
      if (a.isOk) await a.value.close();
      if (b.isOk) await b.value.close();
      skip(`no PostgreSQL server answers at DATABASE_URL: ${(a.isErr ? a.error : b.error)?.message}`);
    }
    const one = a.unwrap();
    const two = b.unwrap();
    try {
      const service = new ShardControlPlaneService({ repository: one });
      (
        await service.upsert({ namespace: "ns", shardId: "s", strategyId: "ring", ownerNodeId: "n0" })
      ).unwrap();
      const racers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? one : two).upsert({
            namespace: "ns",
            shardId: "s",
            strategyId: "ring",
            ownerNodeId: `n${i + 1}`,
            expectedVersion: 1,
          }),
        ),
      );
      expect(racers.filter((r) => r.isOk)).toHaveLength(1);
      for (const r of racers) if (r.isErr) expect(r.error.code).toBe(ShardErrorCodes.versionConflict);
      const controller = new AbortController();
      const owners: string[] = [];
      const watching = (async () => {
        for await (const r of new ShardControlPlaneService({ repository: two }).watch(2, ShardFilter.all, {
          signal: controller.signal,
        })) {
          if (r.isErr) break;
          owners.push(r.value.current.ownerNodeId);
          controller.abort();
        }
      })();
      await one.upsert({ namespace: "ns", shardId: "t", strategyId: "ring", ownerNodeId: "live" });
      await watching;
      expect(owners).toEqual(["live"]);
    } finally {
      await one.sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await one.close();
      await two.close();
    }
  });
});
