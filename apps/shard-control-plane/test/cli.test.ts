import { describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/app.ts";
import { type CliIo, parseNode, progressLine, runCli, table } from "../src/cli-core.ts";
import { OPERATOR, open, READER } from "./support.ts";

function io(cp: ControlPlane, extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const requests: Request[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stderrIsTty: false,
    env: { SHARDS_URL: "http://cp.test", SHARDS_TOKEN: OPERATOR },
    fetch: async (r) => {
      requests.push(r.clone());
      return cp.fetch(r);
    },
    ...extra,
  };
  return { io: value, out: () => out.join(""), err: () => err.join(""), requests };
}

describe("shards CLI", () => {
  it("list prints a table (filters sent as query), JSON with --json", async () => {
    const cp = await open();
    try {
      const t = io(cp);
      expect(
        await runCli(["list", "--namespace", "demo", "--owner", "node-a", "--status", "active"], t.io),
      ).toBe(0);
      expect(t.out()).toMatch(/^NAMESPACE\s+SHARD\s+OWNER\s+STATUS/);
      expect(t.out()).toContain("node-a");
      expect(t.out()).not.toContain("node-b");
      const url = new URL(t.requests[0]!.url);
      expect(url.searchParams.get("owner")).toBe("node-a");
      expect(url.searchParams.get("status")).toBe("active");
      expect(t.requests[0]!.headers.get("authorization")).toBe(`Bearer ${OPERATOR}`);
      const j = io(cp);
      expect(await runCli(["list", "--json", "--namespace", "demo", "--page-size", "5"], j.io)).toBe(0);
      expect((JSON.parse(j.out()) as { items: unknown[] }).items).toHaveLength(5);
    } finally {
      await cp.close();
    }
  });

  it("list --all pages with a progress bar on stderr", async () => {
    const cp = await open();
    try {
      const t = io(cp);
      expect(await runCli(["list", "--all", "--page-size", "10", "--namespace", "demo"], t.io)).toBe(0);
      expect(t.requests).toHaveLength(7);
      expect(t.err().trim().split("\n")).toHaveLength(7);
      expect(t.err()).toContain("paging: 64 shards, 7 page(s)");
      expect(t.out()).toContain("64 shard(s)");
      const tty = io(cp, { stderrIsTty: true });
      expect(await runCli(["list", "--limit", "30", "--page-size", "10"], tty.io)).toBe(0);
      expect(tty.err()).toContain("\r[##############################] 30/30 shards, 3 page(s)");
      expect(progressLine(5, 10, 1)).toBe("[###############...............] 5/10 shards, 1 page(s)");
    } finally {
      await cp.close();
    }
  });

  it("rejects an invalid status before any request (exit 2), and reports server errors (exit 1)", async () => {
    const cp = await open();
    try {
      const t = io(cp);
      expect(await runCli(["list", "--status", "bogus"], t.io)).toBe(2);
      expect(t.err()).toContain("Invalid shard status");
      expect(t.requests).toHaveLength(0);
      const denied = io(cp, { env: { SHARDS_URL: "http://cp.test", SHARDS_TOKEN: READER } });
      expect(await runCli(["diff"], denied.io)).toBe(1);
      expect(denied.err()).toContain("403 shards.http.forbidden");
      expect(await runCli(["nope"], t.io)).toBe(2);
      expect(await runCli(["simulate", "--namespace", "demo", ":2"], t.io)).toBe(2);
    } finally {
      await cp.close();
    }
  });

  it("diff prints changes; simulate prints the plan; apply persists it; watch follows", async () => {
    const cp = await open();
    try {
      const d = io(cp);
      expect(await runCli(["diff", "--from", "1", "--to", "10"], d.io)).toBe(0);
      expect(d.out()).toContain("shard-0");
      expect(d.out()).toContain("10 change(s), last position 10");
      const s = io(cp);
      expect(
        await runCli(
          ["simulate", "--namespace", "demo", "node-a", "node-b", "node-c", "node-d", "node-e:2"],
          s.io,
        ),
      ).toBe(0);
      expect(s.out()).toContain("Changes (");
      const body = (await s.requests[0]!.json()) as { nodes: { nodeId: string; weight?: number }[] };
      expect(body.nodes[4]).toEqual({ nodeId: "node-e", weight: 2 });
      const w = io(cp);
      const watching = runCli(["watch", "--from", "64", "--count", "2", "--namespace", "demo"], w.io);
      const a = io(cp);
      expect(
        await runCli(
          [
            "apply",
            "--namespace",
            "demo",
            "--reason",
            "add node-e",
            "--ticket",
            "CHG-7",
            "node-a",
            "node-b",
            "node-c",
            "node-d",
            "node-e",
          ],
          a.io,
        ),
      ).toBe(0);
      expect(a.out()).toMatch(/Applied \d+ move\(s\) under CHG-7/);
      expect(await watching).toBe(0);
      const lines = w.out().trim().split("\n");
      expect(lines).toHaveLength(4);
      expect(lines[2]).toMatch(/^65\s+demo\s+shard-\d+\s+node-\w -> node-e\s+2\s+\S+\s+CHG-7$/);
      expect(await runCli(["apply", "--namespace", "demo", "node-a"], io(cp).io)).toBe(2);
    } finally {
      await cp.close();
    }
  });

  it("helpers: node tokens and tables", () => {
    expect(parseNode("n1:1.5:iad:iad-1")).toEqual({
      nodeId: "n1",
      weight: 1.5,
      region: "iad",
      zone: "iad-1",
    });
    expect(() => parseNode("n1:0")).toThrow(/weight/);
    expect(table(["A", "BB"], [["x", "y"]])).toBe("A  BB\n-  --\nx  y");
  });
});
