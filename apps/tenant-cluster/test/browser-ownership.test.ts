/**
 * The control plane's web page shows which runner owns which tenant, live (headless Chromium, Debian's
 * /usr/bin/chromium through playwright-core; never a downloaded browser): two runner processes and the built
 * shard control plane over the same PostgreSQL schema; the page lists every tenant with its runner, and after a
 * kill -9 it shows the tenants moving to the survivor without a reload. Skipped with the printed reason when
 * /usr/bin/chromium is missing (or the servers are).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { produce } from "../src/stream-ingress.ts";
import { traffic } from "../src/traffic.ts";
import { cleanup, DATABASE_URL, REDIS_URL, serversMissing, uniqueName, until } from "./helpers.ts";
import { killAll, type RunnerProcess, signal, startRunner } from "./processes.ts";

const CHROMIUM = "/usr/bin/chromium";
const CONTROL_PLANE = fileURLToPath(new URL("../../shard-control-plane/dist/node.js", import.meta.url));
const READ_TOKEN = "tenant-cluster-page-reader-0123456789";
const TENANTS = 12;
const missing = (await serversMissing()) ?? chromiumMissing();
if (missing !== undefined) console.log(`tenant-cluster page test skipped: ${missing}`);

/** Why Chromium cannot run, or nothing; with `PIPE_REQUIRE_SERVICES=1` (CI installs it) a missing one throws. */
function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.PIPE_REQUIRE_SERVICES === "1")
    throw new Error(`PIPE_REQUIRE_SERVICES=1, so the tenant-cluster page test may not skip: ${reason}`);
  return reason;
}

/** Starts the built control plane on any free port over `schema` and resolves with its URL. */
function startControlPlane(schema: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(CONTROL_PLANE)) throw new Error(`${CONTROL_PLANE} is missing: build the apps first.`);
  const child = spawn(
    process.execPath,
    [
      CONTROL_PLANE,
      ...["--database-url", DATABASE_URL, "--schema", schema, "--no-seed", "--quiet", "--port", "0"],
      ...["--read-token", READ_TOKEN, "--operator-token", `${READ_TOKEN}-operator`],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`control plane did not start:\n${output}`)), 60_000);
    const take = (d: Buffer): void => {
      output += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, child });
      }
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited with ${code}:\n${output}`));
    });
  });
}

describe.skipIf(missing !== undefined)("the control plane page shows runner owners live", () => {
  const schema = uniqueName("tc_page");
  const prefix = uniqueName("tc-page");
  const procs: RunnerProcess[] = [];
  let controlPlane: ChildProcess | undefined;
  afterAll(async () => {
    killAll(procs);
    controlPlane?.kill("SIGKILL");
    await cleanup(schema, prefix);
  });

  it("lists each tenant with its runner, then shows a killed runner's tenants moving to the other", async () => {
    const args = ["--schema", schema, "--prefix", prefix, "--lease-ms", "1500"];
    procs.push(await startRunner("page-a", args), await startRunner("page-b", args));
    await produce({
      url: REDIS_URL,
      prefix,
      envelopes: traffic({ tenants: TENANTS, messages: TENANTS * 5, runId: "p" }),
    });
    const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => undefined });
    const owners = async (): Promise<Map<string, string>> =>
      new Map(
        (await sql.unsafe(`SELECT tenant_id, runner_id FROM "${schema}".tenant_fences`)).map((r) => [
          r.tenant_id as string,
          r.runner_id as string,
        ]),
      );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
      ],
    });
    try {
      await until(
        async () => new Set((await owners()).values()).size === 2 && (await owners()).size === TENANTS,
        60_000,
        "both runners to work tenants",
      );
      const cp = await startControlPlane(schema);
      controlPlane = cp.child;
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${cp.url}/#token=${READ_TOKEN}`);
      await page.fill("#namespace", "tenants");
      await page.click("#reload");
      await page.waitForSelector(`#total:text("${TENANTS} shards on 2 nodes")`, { timeout: 60_000 });
      // Every tenant row shows the runner the store records as its owner.
      const rows = async (): Promise<Map<string, string>> =>
        new Map(
          await page
            .locator("#shards tr")
            .evaluateAll((trs) =>
              trs.map(
                (tr) =>
                  [(tr as HTMLElement).dataset.shard ?? "", tr.children[1]?.textContent ?? ""] as [
                    string,
                    string,
                  ],
              ),
            ),
        );
      expect(await rows()).toEqual(await owners());
      await page.waitForSelector("#status:text('live')");
      // kill -9 page-a: its lease runs out, the coordinator moves its tenants, and the open page follows.
      await signal(procs[0] as RunnerProcess, "SIGKILL");
      await page.waitForFunction(
        (n) => {
          const cells = [...document.querySelectorAll("#shards tr td:nth-child(2)")].map(
            (td) => td.textContent,
          );
          return cells.length === n && cells.every((c) => c === "page-b");
        },
        TENANTS,
        { timeout: 60_000 },
      );
      expect(await page.locator('.node[data-node="page-b"] .count').textContent()).toBe(String(TENANTS));
      expect(await page.locator("#feed li").count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await sql.end({ timeout: 2 });
    }
  }, 180_000);
});
