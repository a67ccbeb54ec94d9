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

  it("trims the token it reads and refuses one no server can accept, as a usage error naming its source", async () => {
    const cp = await open();
    try {
      // A secret file's trailing newline is trimmed, as the server trims its own configured tokens.
      const padded = io(cp, { env: { SHARDS_URL: "http://cp.test", SHARDS_TOKEN: `${OPERATOR}\n` } });
      expect(await runCli(["list", "--namespace", "demo"], padded.io)).toBe(0);
      expect(padded.requests[0]!.headers.get("authorization")).toBe(`Bearer ${OPERATOR}`);
      // Not an RFC 6750 b64token (a character above U+00FF cannot even be put in a header; inner white space
      // splits "Bearer <token>"): exit 2 before any request, naming where it came from, never the token.
      for (const [argv, env, source] of [
        [["list"], { SHARDS_URL: "http://cp.test", SHARDS_TOKEN: "0123456789abcdef-\u0101" }, "SHARDS_TOKEN"],
        [["list", "--token", "0123456789 abcdef"], { SHARDS_URL: "http://cp.test" }, "--token"],
      ] as const) {
        const bad = io(cp, { env });
        expect(await runCli(argv, bad.io)).toBe(2);
        expect(bad.requests).toHaveLength(0);
        expect(bad.err()).toContain(`${source}:`);
        expect(bad.err()).not.toContain("0123456789");
      }
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

describe("shards watch across restarts", () => {
  const diff = (position: number): string =>
    `id: ${position}\nevent: shard.diff\ndata: ${JSON.stringify({ position, current: { shardId: "s" }, previous: null, history: null })}\n\n`;
  const stream = (text: string): Response =>
    new Response(text, { status: 200, headers: { "content-type": "text/event-stream" } });
  const problem = (status: number, code: string, headers: Record<string, string> = {}): Response =>
    new Response(JSON.stringify({ status, code, detail: "no" }), {
      status,
      headers: { "content-type": "application/problem+json", ...headers },
    });

  /** A CLI whose fetch answers from `script` (one entry per request) on a virtual clock. */
  function scripted(script: (() => Response)[], extra: Partial<CliIo> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const requests: Request[] = [];
    const slept: number[] = [];
    let now = 0;
    const value: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      stderrIsTty: false,
      env: { SHARDS_URL: "http://cp.test", SHARDS_TOKEN: READER },
      fetch: async (r) => {
        requests.push(r);
        const next = script[requests.length - 1];
        if (next === undefined) throw new TypeError("fetch failed");
        return next();
      },
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      now: () => now,
      ...extra,
    };
    const positions = () =>
      out
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => (JSON.parse(l) as { position: number }).position);
    return { io: value, err: () => err.join(""), requests, slept, positions };
  }

  it("reconnects with backoff from the last position, then gives up after --retries with exit 1", async () => {
    const t = scripted([() => stream(`retry: 10\n\n${diff(65)}`)]);
    expect(await runCli(["watch", "--from", "64", "--json", "--retries", "3"], t.io)).toBe(1);
    expect(t.positions()).toEqual([65]);
    expect(t.slept).toEqual([10, 20, 40]);
    expect(t.requests).toHaveLength(4);
    expect(t.requests.slice(1).map((r) => r.headers.get("last-event-id"))).toEqual(["65", "65", "65"]);
    expect(t.err()).toContain(
      "watch: the server ended the stream; reconnecting after position 65 in 0.0s (attempt 1/3)",
    );
    expect(t.err()).toMatch(
      /watch: gave up after 3 reconnect attempt\(s\) over 0\.1s: cannot connect: fetch failed\. Resume with: shards watch --from 65\n$/,
    );
  });

  it("gives up when --retry-for passes without a connection", async () => {
    const t = scripted([() => stream(`retry: 400\n\n${diff(65)}`)]);
    expect(await runCli(["watch", "--from", "64", "--json", "--retry-for", "1"], t.io)).toBe(1);
    expect(t.slept).toEqual([400, 600]);
    expect(t.err()).toContain("gave up after 2 reconnect attempt(s) over 1.0s");
  });

  it("fails at once when a reconnect is refused (a token the restarted server does not know)", async () => {
    const t = scripted([() => stream(diff(65)), () => problem(401, "shards.http.unauthorized")]);
    expect(await runCli(["watch", "--from", "64", "--json"], t.io)).toBe(1);
    expect(t.requests).toHaveLength(2);
    expect(t.err()).toContain("401 shards.http.unauthorized: no");
  });

  it("honours Retry-After on 503 and prints a replayed overlap once", async () => {
    const t = scripted([
      () => stream(diff(65) + diff(66)),
      () => problem(503, "shards.http.watchers.exhausted", { "retry-after": "3" }),
      () => stream(diff(66) + diff(67)),
    ]);
    expect(await runCli(["watch", "--from", "64", "--json", "--count", "3"], t.io)).toBe(0);
    expect(t.positions()).toEqual([65, 66, 67]);
    expect(t.slept).toEqual([1000, 3000]);
    expect(t.err()).toContain("watch: resumed after position 66");
  });

  it("starts at the head position without --from, so a restart before the first event loses nothing", async () => {
    const head = () =>
      new Response(JSON.stringify({ items: [], nextCursor: null, version: 70 }), {
        headers: { "content-type": "application/json" },
      });
    const t = scripted([head, () => stream(""), () => stream(diff(71))]);
    expect(await runCli(["watch", "--json", "--count", "1"], t.io)).toBe(0);
    expect(new URL(t.requests[1]!.url).searchParams.get("resumeToken")).toBe("70");
    expect(t.requests[2]!.headers.get("last-event-id")).toBe("70");
    expect(t.positions()).toEqual([71]);
  });

  it("Ctrl-C while waiting to reconnect exits 0", async () => {
    const stop = new AbortController();
    const t = scripted([() => stream(diff(65))], {
      signal: stop.signal,
      sleep: async () => stop.abort(),
    });
    expect(await runCli(["watch", "--from", "64", "--json"], t.io)).toBe(0);
    expect(t.positions()).toEqual([65]);
  });
});
