import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { ShardErrorCodes } from "../src/index.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";
import { PostgresShardRepository } from "../src/postgres/index.ts";
import { skipReasonUnlessRequired } from "./services.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("store failures are failed Results with the retryable code", () => {
  it("a PGlite call after its engine closed fails with shards.control.repository.failure", async () => {
    const repo = (await PGliteShardRepository.open()).unwrap();
    await repo.pglite.close();
    const r = await repo.get({ namespace: "ns", shardId: "s" });
    expect(r.error?.code).toBe(ShardErrorCodes.repositoryFailure);
    expect(r.error?.metadata.stage).toBe("shards.repository.get");
    await repo.close();
  });

  it("an unreachable PostgreSQL server fails open with shards.control.repository.failure", async () => {
    const r = await PostgresShardRepository.open({
      url: "postgres://postgres@127.0.0.1:1/none",
      connectTimeoutSeconds: 2,
    });
    expect(r.error?.code).toBe(ShardErrorCodes.repositoryFailure);
    expect(r.error?.metadata.stage).toBe("shards.repository.open");
  });

  it("instances starting together on a fresh schema apply each migration exactly once", async (ctx) => {
    const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
    try {
      await probe`select 1`;
    } catch (e) {
      await probe.end({ timeout: 1 }).catch(() => undefined);
      skipReasonUnlessRequired(`no PostgreSQL server at DATABASE_URL (${String(e)})`);
      console.warn(
        `[postgres] skipped: no server at DATABASE_URL (${e instanceof Error ? e.message : String(e)})`,
      );
      return ctx.skip("no PostgreSQL server at DATABASE_URL");
    }
    const schema = `pipe_shards_mig_${Date.now().toString(36)}`;
    try {
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => PostgresShardRepository.open({ url, schema })),
      );
      for (const r of opened) expect(r.isOk).toBe(true);
      const rows = await probe.unsafe(`SELECT version FROM "${schema}".shard_migrations`);
      expect(rows.map((r) => Number(r.version)).sort()).toEqual([1, 2, 3, 4]);
      for (const r of opened) await r.unwrap().close();
    } finally {
      await probe.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await probe.end({ timeout: 2 });
    }
  });
});
