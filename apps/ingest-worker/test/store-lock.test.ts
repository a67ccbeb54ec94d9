/**
 * The embedded store locks its PGlite data directory: a second opener (here in the same process; the lock's
 * cross-process and crash behaviour is tested in @pipe/shards) is refused with the directory and the holder,
 * and the directory opens again once the first store is closed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store.ts";

const root = mkdtempSync(join(tmpdir(), "ingest-worker-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("PGlite data-directory lock", () => {
  it("refuses a second opener of one data directory until the first closes", async () => {
    const dataDir = join(root, "db");
    const first = await openStore({ dataDir });
    await expect(openStore({ dataDir })).rejects.toThrow(
      `Data directory "${dataDir}" is locked by another live process: pid ${process.pid} on host ${hostname()}`,
    );
    await first.close();
    const again = await openStore({ dataDir });
    expect(again.kind).toBe("pglite");
    await again.close();
  });
});
