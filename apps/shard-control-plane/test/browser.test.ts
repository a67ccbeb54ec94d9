/**
 * The web page in headless Chromium (Debian's `chromium` package at /usr/bin/chromium, driven by
 * playwright-core): ownership per node renders, the live feed shows a write made over HTTP, and a simulation
 * highlights its moves. Skipped with the printed reason when /usr/bin/chromium is missing
 * (CI: `apt-get update && apt-get install -y chromium`).
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { startNodeServer } from "../src/node-server.ts";
import { OPERATOR, open, READER } from "./support.ts";

const CHROMIUM = "/usr/bin/chromium";

describe("web page", () => {
  it("shows ownership per node, the live change feed, and a simulation's moves", async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} is missing (install: apt-get update && apt-get install -y chromium)`;
      console.warn(`[browser] skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    const cp = await open();
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}/#token=${READER}`);
      await page.waitForSelector("#status:text('live')", { timeout: 15_000 });
      expect(page.url()).not.toContain(READER);
      expect(await page.locator(".node").count()).toBe(4);
      expect(await page.locator(".chip").count()).toBe(64);
      expect(await page.locator("#total").textContent()).toBe("(64 shards on 4 nodes)");

      const write = await fetch(`${server.url}/control/shards/upsert`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
        body: JSON.stringify({
          namespace: "demo",
          shardId: "shard-07",
          strategyId: "rendezvous",
          ownerNodeId: "node-x",
          changeTicket: "CHG-UI",
        }),
      });
      expect(write.status).toBe(200);
      await page.waitForSelector("#feed li");
      expect(await page.locator("#feed li").first().textContent()).toMatch(
        /^#65 shard-07 node-\w → node-x \[CHG-UI\] v2$/,
      );
      expect(await page.locator('.node[data-node="node-x"] .chip.changed').count()).toBe(1);

      page.once("dialog", (d) => void d.accept(OPERATOR));
      await page.click("#unlock");
      await page.click("#simulate");
      await page.waitForSelector("#sim-summary:text('moves')");
      const summary = (await page.locator("#sim-summary").textContent()) ?? "";
      const moves = Number(/^(\d+) moves/.exec(summary)?.[1]);
      expect(moves).toBeGreaterThan(0);
      expect(await page.locator(".chip.moving").count()).toBe(moves);
      expect(await page.locator("#apply").isEnabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 60_000);
});
