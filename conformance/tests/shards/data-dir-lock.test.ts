/**
 * @pipe/shards conformance: the embedded store's exclusive data-directory lock loads and holds on every
 * runtime (the `#data-dir-lock` import condition picks the file-system adapter on Node, Deno and Bun).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShardErrorCodes } from "@pipe/shards";
import { acquireDataDirectoryLock, PGliteShardRepository } from "@pipe/shards/pglite";
import { describe, expect, it } from "../../src/harness.ts";

describe("shards: data-directory lock", () => {
  it("a second opener of one PGlite directory is refused until the first closes", async () => {
    const root = mkdtempSync(join(tmpdir(), "pipe-conf-lock-"));
    try {
      const dir = join(root, "db");
      const first = (await PGliteShardRepository.open({ dataDir: dir })).unwrap();
      const second = await PGliteShardRepository.open({ dataDir: dir });
      expect(second.isErr && second.error.code).toBe(ShardErrorCodes.repositoryLocked);
      expect(second.isErr && second.error.message.includes(dir)).toBe(true);
      await first.close();
      const lock = (await acquireDataDirectoryLock(dir)).unwrap();
      expect(lock.directory).toBe(dir);
      await lock.release();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
