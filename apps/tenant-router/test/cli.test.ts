import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.ts";
import { parseConfig } from "../src/config.ts";
import type { RunSummary } from "../src/summary.ts";

function capture(): { write: (s: string) => boolean; text: () => string; isTTY: boolean } {
  const chunks: string[] = [];
  return { write: (s) => chunks.push(s) > 0, text: () => chunks.join(""), isTTY: false };
}

describe("CLI", () => {
  it("prints --help and rejects bad flags with exit code 2", async () => {
    const out = capture();
    expect(await runCli(["--help"], {}, { stdout: out, stderr: capture() })).toBe(0);
    expect(out.text()).toContain("Usage: node dist/main.js [--demo] [options]");
    expect(out.text()).toContain("REDIS_URL");
    const err = capture();
    expect(await runCli(["--overflow", "sideways"], {}, { stdout: capture(), stderr: err })).toBe(2);
    expect(err.text()).toContain("--overflow must be one of block, deadLetter, dropOldest");
    expect(await runCli(["--bogus"], {}, { stdout: capture(), stderr: capture() })).toBe(2);
  });

  it("reads flags and the environment (defaults, demo defaults, token)", () => {
    const c = parseConfig([], { REDIS_URL: "", DATABASE_URL: "postgres://x/y" });
    expect(c).toMatchObject({
      demo: false,
      overflow: "block",
      rate: 0,
      port: 8788,
      host: "127.0.0.1",
      redisUrl: undefined,
      databaseUrl: "postgres://x/y",
      adminTokenGenerated: true,
    });
    expect(c.adminToken.length).toBeGreaterThan(16);
    const d = parseConfig(["--demo", "--tenants", "x, y", "--port", "0"], { ADMIN_TOKEN: "t" });
    expect(d).toMatchObject({
      demo: true,
      overflow: "deadLetter",
      rate: 4000,
      tenants: ["x", "y"],
      port: 0,
      adminToken: "t",
      adminTokenGenerated: false,
    });
    expect(() => parseConfig(["--capacity", "0"], {})).toThrow(RangeError);
  });

  it("rejects --stream with --demo (the demo produces into its own stream), exit 2 with the reason", async () => {
    const err = capture();
    const code = await runCli(
      ["--demo", "--stream", "orders:in"],
      { REDIS_URL: "" },
      { stdout: capture(), stderr: err },
    );
    expect(code).toBe(2);
    expect(err.text()).toContain("--stream cannot be combined with --demo");
    expect(err.text()).toContain("Run without --demo to read --stream");
    expect(parseConfig(["--stream", "orders:in"], {}).stream).toBe("orders:in");
  });

  it("runs the demo end to end on the embedded default: isolation, slow tenant dead-letters, admin add/remove, JSON summary", async () => {
    const out = capture();
    const progress = capture();
    const code = await runCli(
      ["--demo", "--seconds", "1", "--rate", "3000", "--data-dir", "memory://", "--port", "0", "--json"],
      { ADMIN_TOKEN: "demo-token" },
      { stdout: out, stderr: progress },
    );
    const summary = JSON.parse(out.text()) as RunSummary;
    expect(code).toBe(0);
    expect(summary.healthy).toBe(true);
    expect(summary.ingress).toBe("memory");
    expect(summary.store).toBe("pglite");
    const t = (id: string) => summary.tenants.find((x) => x.tenantId === id);
    // On a failure, the demo's progress log (admin calls and their answers) says what happened.
    const why = `demo progress log:\n${progress.text()}`;
    expect(t("flaky"), why).toMatchObject({ state: "parked", ledgerRows: 0, restarts: 3 });
    expect(t("flaky")?.reverted).toBe(t("flaky")?.appended);
    expect(t("sloth")?.deadLettered).toBeGreaterThan(0);
    expect(summary.deadLettersByCode["tenants.overflow"]).toBe(t("sloth")?.deadLettered);
    // The feed waits at 30% (POST hooli) and 60% (DELETE initech) of the 3,000 envelopes, round-robin over
    // seven tenants: hooli gets its 300 envelopes from 900 on; initech its 257 before 1,800; the rest are unknown.
    expect(t("hooli"), why).toMatchObject({ state: "stopped", processed: 300, deadLettered: 0 });
    expect(t("initech"), why).toMatchObject({ state: "removed", processed: 257 });
    expect(summary.deadLettersByCode["tenants.unknown"], why).toBe(128 + 172); // hooli before 30%, initech after 60%
    for (const id of ["acme", "globex", "umbrella"]) {
      expect(t(id)?.deadLettered).toBe(0);
      expect(t(id)?.ledgerRows).toBe(t(id)?.processed);
    }
    expect(summary.ingressStats.read).toBe(3000);
    expect(summary.ingressStats.acked).toBe(3000);
    const log = progress.text();
    expect(log).toContain("store: PGlite at memory://");
    expect(log).toContain("demo: POST /admin/tenants");
    expect(log).toContain("-> 201");
    expect(log).toContain("demo: DELETE /admin/tenants/initech -> 200");
    expect(log).toMatch(/router (running|stopping) {2}processed/); // plain (non-TTY) view lines
  });

  it("--log-format=json writes every progress line and the summary as one JSON object per line", async () => {
    expect(parseConfig([], {}).logFormat).toBe("text");
    expect(parseConfig([], { LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(() => parseConfig(["--log-format", "xml"], {})).toThrow(/--log-format must be one of text, json/);
    const out = capture();
    const err = capture();
    const code = await runCli(
      [
        "--messages",
        "30",
        "--tenants",
        "acme",
        "--data-dir",
        "memory://",
        "--port",
        "0",
        "--log-format=json",
      ],
      { ADMIN_TOKEN: "t", REDIS_URL: "", DATABASE_URL: "" },
      { stdout: out, stderr: err },
    );
    expect(code).toBe(0);
    expect(err.text()).toBe("");
    const records = out
      .text()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const r of records) {
      expect(Object.keys(r).slice(0, 4)).toEqual(["time", "level", "msg", "app"]);
      expect(r.app).toBe("tenant-router");
    }
    expect(records.some((r) => String(r.msg).startsWith("store: PGlite at memory://"))).toBe(true);
    const last = records.at(-1) as { msg: string; summary: RunSummary };
    expect(last.msg).toBe("tenant-router: run summary");
    expect(last.summary.tenants.find((t) => t.tenantId === "acme")?.processed).toBe(30);
  });
});
