/**
 * The web page on a 100,000-shard namespace over 1,000 nodes (headless Chromium, Debian's /usr/bin/chromium):
 * the document stays within 3 viewport heights, the shard list is paged, search and the owner filter work, and
 * the time to first render is reported. A screenshot is kept as a test artefact (test/artifacts/, gitignored).
 * Skipped with the printed reason when /usr/bin/chromium is missing.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { computeShardChecksum } from "@pipe/shards";
import { PGliteShardRepository } from "@pipe/shards/pglite";
import { describe, expect, it } from "vitest";
import { startNodeServer } from "../src/node-server.ts";
import { launch } from "./chromium.ts";
import { open, READER } from "./support.ts";

const SHARDS = 100_000;
const NODES = 1_000;
const AT = new Date(Date.UTC(2026, 0, 1)).toISOString();

/** Writes the fleet namespace with bulk SQL (records and their creation history, positions 1..SHARDS). */
async function buildFleet(dir: string): Promise<void> {
  const repo = (await PGliteShardRepository.open({ dataDir: dir })).unwrap();
  const db = repo.pglite;
  try {
    await db.query("BEGIN");
    for (let start = 0; start < SHARDS; start += 1000) {
      const rec: unknown[] = [];
      const hist: unknown[] = [];
      const recValues: string[] = [];
      const histValues: string[] = [];
      for (let i = start; i < start + 1000; i++) {
        const base = {
          namespace: "fleet",
          shardId: `shard-${String(i).padStart(6, "0")}`,
          strategyId: "rendezvous",
          ownerNodeId: `node-${String(i % NODES).padStart(4, "0")}`,
          leaderId: null,
          capacityHint: 1,
          status: "active" as const,
          changeTicket: null,
        };
        const sum = computeShardChecksum(base);
        const p = rec.length;
        recValues.push(
          `($${p + 1},$${p + 2},'rendezvous',$${p + 3},NULL,1,0,1,$${p + 4},$${p + 5},NULL,$${p + 2})`,
        );
        rec.push(base.namespace, base.shardId, base.ownerNodeId, sum, AT);
        const h = hist.length;
        histValues.push(
          `($${h + 1},$${h + 2},$${h + 3},1,'rendezvous',$${h + 4},NULL,'test','fleet',NULL,NULL,NULL,$${h + 5},NULL,1,0,$${h + 6},NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL)`,
        );
        hist.push(i + 1, base.namespace, base.shardId, base.ownerNodeId, AT, sum);
      }
      await db.query(
        `INSERT INTO shard_records (namespace, shard_id, strategy_id, owner_node_id, leader_id, capacity_hint, status, version, checksum, updated_at, change_ticket, search_key) VALUES ${recValues.join(",")}`,
        rec,
      );
      await db.query(
        `INSERT INTO shard_history (id, namespace, shard_id, version, strategy_id, owner_node_id, previous_owner_node_id, actor, reason, change_ticket, ownership_delta_percent, metadata, created_at, leader_id, capacity_hint, status, checksum, previous_version, previous_strategy_id, previous_leader_id, previous_capacity_hint, previous_status, previous_checksum, previous_updated_at, previous_change_ticket) VALUES ${histValues.join(",")}`,
        hist,
      );
    }
    await db.query("UPDATE shard_log SET position = $1", [SHARDS]);
    await db.query("COMMIT");
  } finally {
    await repo.close();
  }
}

describe("web page at fleet scale", () => {
  it("stays usable on a 100,000-shard namespace: bounded height, paged list, search and owner filter", async (ctx) => {
    const browser = await launch(ctx);
    if (browser === undefined) return;
    const dir = await mkdtemp(join(tmpdir(), "pipe-fleet-page-"));
    await buildFleet(dir);
    const cp = await open({ dataDir: dir, seed: false });
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const started = performance.now();
      await page.goto(`${server.url}/#token=${READER}`);
      await page.fill("#namespace", "fleet");
      await page.click("#reload");
      await page.waitForSelector("#total:text('100000 shards on 1000 nodes')", { timeout: 60_000 });
      await page.waitForSelector("#shards tr");
      const firstRender = performance.now() - started;
      console.log(`[fleet page] first render of a ${SHARDS}-shard namespace: ${firstRender.toFixed(0)} ms`);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThanOrEqual(3 * 800);
      expect(await page.locator("#shards tr").count()).toBe(100);
      expect(await page.locator(".node").count()).toBe(NODES);
      expect(await page.locator("#sim-nodes").inputValue()).toMatch(/^node-0000,node-0001,/);
      // Paging: the next page starts after the first.
      await page.click("#next");
      await page.waitForSelector('#shards tr[data-shard="shard-000100"]');
      expect(await page.locator("#page-info").textContent()).toBe("page 2");
      // Search (case-insensitive substring) and the owner filter.
      await page.fill("#search", "SHARD-0999");
      await page.waitForSelector('#shards tr[data-shard="shard-099900"]');
      const found = await page
        .locator("#shards tr")
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.shard));
      expect(found).toEqual(Array.from({ length: 100 }, (_, i) => `shard-0999${String(i).padStart(2, "0")}`));
      await page.fill("#search", "");
      await page.selectOption("#owner", "node-0042");
      await page.waitForSelector('#shards tr[data-shard="shard-000042"]');
      const owners = await page.locator("#shards tr td:nth-child(2)").allTextContents();
      expect(owners).toHaveLength(100);
      expect(new Set(owners)).toEqual(new Set(["node-0042"]));
      const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url));
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "fleet-page.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
