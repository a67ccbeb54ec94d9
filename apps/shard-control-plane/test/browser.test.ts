/**
 * The web page in headless Chromium (Debian's `chromium` package at /usr/bin/chromium, driven by
 * playwright-core): ownership per node renders, the live feed shows a write made over HTTP, and a simulation
 * highlights its moves. Skipped with the printed reason when /usr/bin/chromium is missing
 * (CI: `apt-get update && apt-get install -y chromium`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/app.ts";
import { startNodeServer } from "../src/node-server.ts";
import { launch } from "./chromium.ts";
import { OPERATOR, open, READER } from "./support.ts";

const upsert = (cp: ControlPlane, shardId: string, ownerNodeId: string, changeTicket: string) =>
  cp.service
    .upsert({ namespace: "demo", shardId, strategyId: "rendezvous", ownerNodeId, changeTicket })
    .then((r) => r.unwrap());

const feed = (page: Page): Promise<string[]> => page.locator("#feed li").allTextContents();

describe("web page", () => {
  it("shows ownership per node, the live change feed, and a simulation's moves", async (ctx) => {
    const browser = await launch(ctx);
    if (browser === undefined) return;
    const cp = await open();
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}/#token=${READER}`);
      await page.waitForSelector("#status:text('live')", { timeout: 15_000 });
      expect(page.url()).not.toContain(READER);
      expect(await page.locator(".node").count()).toBe(4);
      expect(await page.locator("#shards tr").count()).toBe(64);
      expect(await page.locator("#total").textContent()).toMatch(
        /^\(64 shards on 4 nodes, balance max\/mean \d\.\d\d\)$/,
      );
      expect(await page.locator("#sim-nodes").inputValue()).toBe("node-a,node-b,node-c,node-d");

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
      expect(await page.locator('tr.changed[data-shard="shard-07"]').count()).toBe(1);
      expect(await page.locator('.node[data-node="node-x"] .count').textContent()).toBe("1");

      page.once("dialog", (d) => void d.accept(OPERATOR));
      await page.click("#unlock");
      await page.click("#simulate");
      await page.waitForSelector("#sim-summary:text('moves')");
      const summary = (await page.locator("#sim-summary").textContent()) ?? "";
      const moves = Number(/^(\d+) moves/.exec(summary)?.[1]);
      expect(moves).toBeGreaterThan(0);
      await page.fill("#sim-nodes", "node-a,node-b,node-c,node-d,node-e");
      await page.click("#simulate");
      await page.waitForSelector("tr.moving");
      const summary2 = (await page.locator("#sim-summary").textContent()) ?? "";
      const moves2 = Number(/^(\d+) moves/.exec(summary2)?.[1]);
      expect(moves2).toBeGreaterThan(0);
      expect(await page.locator("tr.moving").count()).toBe(moves2);
      expect(await page.locator('.node[data-node="node-e"] .count').textContent()).toMatch(/^0 → \d+$/);
      expect(await page.locator("#apply").isEnabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 60_000);

  it("Simulate from the read-only link asks for the operator token instead of failing; a success clears an error", async (ctx) => {
    const browser = await launch(ctx);
    if (browser === undefined) return;
    const cp = await open();
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      const page = await browser.newPage();
      const prompts: string[] = [];
      page.on("dialog", (d) => {
        prompts.push(d.message());
        void d.accept(OPERATOR);
      });
      await page.goto(`${server.url}/#token=${READER}`);
      await page.waitForSelector("#status:text('live')", { timeout: 15_000 });
      await page.click("#simulate");
      await page.waitForSelector("#sim-summary:text('moves')");
      expect(prompts).toEqual([
        "This needs the operator token (scope shards.operate). Operator token (kept in memory, sent only in Authorization headers):",
      ]);
      expect(await page.locator("#sim-summary").getAttribute("class")).toBe("muted");
      // A failure shows red; the next success clears it (and the token is asked for once only).
      await page.fill("#sim-nodes", "node-a,node-a");
      await page.click("#simulate");
      await page.waitForSelector("#sim-summary.error");
      expect(await page.locator("#sim-summary").textContent()).toMatch(/^error\.validation/);
      await page.fill("#sim-nodes", "node-a,node-b");
      await page.click("#simulate");
      await page.waitForSelector("#sim-summary.muted:text('moves')");
      expect(prompts).toHaveLength(1);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 90_000);

  it("the live feed resumes after a restart on the same port, and after EventSource gives up on a 503", async (ctx) => {
    const browser = await launch(ctx);
    if (browser === undefined) return;
    const dataDir = await mkdtemp(join(tmpdir(), "shards-browser-"));
    const watches: { lastEventId: string | null; resumeToken: string | null; status: number }[] = [];
    /** Opens the store and listens on `port`; the first `refuse` watch requests get 503. */
    const start = async (port: number, refuse = 0) => {
      const cp = await open({ dataDir });
      let refused = 0;
      const fetch = async (request: Request): Promise<Response> => {
        const url = new URL(request.url);
        if (url.pathname !== "/control/shards/watch") return cp.fetch(request);
        const response =
          refused++ < refuse
            ? new Response(JSON.stringify({ code: "shards.http.watchers.exhausted" }), { status: 503 })
            : await cp.fetch(request);
        watches.push({
          lastEventId: request.headers.get("last-event-id"),
          resumeToken: url.searchParams.get("resumeToken"),
          status: response.status,
        });
        return response;
      };
      return { cp, server: await startNodeServer({ ...cp, fetch }, port, "127.0.0.1") };
    };
    let current = await start(0);
    const port = current.server.port;
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${current.server.url}/#token=${READER}`);
      await page.waitForSelector("#status:text('live')", { timeout: 15_000 });
      await upsert(current.cp, "shard-01", "node-r1", "CHG-R1");
      await page.waitForSelector("#feed li:text('#65')");

      // Restart; #66 is written while no server listens, so only a resume from Last-Event-ID 65 shows it.
      await current.server.stop();
      let next = await start(port);
      await upsert(next.cp, "shard-02", "node-r2", "CHG-R2");
      current = next;
      await page.waitForSelector("#feed li:text('#66')", { timeout: 30_000 });
      await page.waitForSelector("#status:text('live')");
      // Resumed from 65: by EventSource's own reconnect (Last-Event-ID 65), or, when that reconnect reached the
      // closing server first (its 503 ends an EventSource; seen on a loaded machine), by the page's new
      // EventSource from the last position it showed (resumeToken 65).
      const resumed = watches.at(-1);
      expect(resumed?.status).toBe(200);
      expect(resumed?.lastEventId ?? resumed?.resumeToken).toBe("65");

      // Restart again, and answer the reconnect with 503: EventSource gives up; the page opens a new one.
      const beforeSecond = watches.length;
      await current.server.stop();
      next = await start(port, 1);
      await upsert(next.cp, "shard-03", "node-r3", "CHG-R3");
      current = next;
      await page.waitForSelector("#feed li:text('#67')", { timeout: 30_000 });
      await page.waitForSelector("#status:text('live')");
      const second = watches.slice(beforeSecond);
      expect(second.some((w) => w.status === 503)).toBe(true);
      expect(second.at(-1)).toEqual({ lastEventId: null, resumeToken: "66", status: 200 });
      await upsert(current.cp, "shard-04", "node-r4", "CHG-R4");
      await page.waitForSelector("#feed li:text('#68')");
      expect((await feed(page)).map((t) => t.split(" ")[0])).toEqual(["#68", "#67", "#66", "#65"]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await current.server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
