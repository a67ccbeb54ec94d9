import { describe, expect, it } from "vitest";
import { announce, banner, generateToken, openControlPlane } from "../src/app.ts";
import { HELP, parseServerArgs, redactUrl } from "../src/config.ts";
import { controlPlaneLog } from "../src/log.ts";
import { startNodeServer } from "../src/node-server.ts";
import { config, OPERATOR, open, READER } from "./support.ts";

describe("config", () => {
  it("flags win over env; defaults; --help; usage errors", () => {
    const p = parseServerArgs(["--port", "9000", "--no-seed"], { PORT: "1", HOST: "0.0.0.0" }, "/d");
    expect(p.help).toBe(false);
    if (p.help) return;
    expect(p.config).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      dataDir: "/d",
      seed: false,
      schema: "public",
    });
    expect(parseServerArgs(["-h"], {}, "/d").help).toBe(true);
    expect(HELP).toContain("--database-url");
    const pg = parseServerArgs([], { DATABASE_URL: "postgres://u:pw@h/db", SHARDS_DB_SCHEMA: "s1" }, "/d");
    expect(!pg.help && pg.config.databaseUrl).toBe("postgres://u:pw@h/db");
    expect(() => parseServerArgs(["--port", "x"], {}, "/d")).toThrow(/--port/);
    expect(() => parseServerArgs(["--bogus"], {}, "/d")).toThrow(/Unknown argument/);
    expect(() => parseServerArgs(["--operator-token", "short"], {}, "/d")).toThrow(/16/);
    expect(() => parseServerArgs(["--schema", "Bad-Name"], {}, "/d")).toThrow(/schema/);
    expect(redactUrl("postgres://user:secret@host:5432/db")).toBe("postgres://user:***@host:5432/db");
  });

  it("--log-format: text by default, json from the flag or LOG_FORMAT, anything else rejected", () => {
    const format = (argv: string[], env: Record<string, string>) => {
      const p = parseServerArgs(argv, env, "/d");
      return p.help ? undefined : p.config.logFormat;
    };
    expect(format([], {})).toBe("text");
    expect(format(["--log-format=json"], {})).toBe("json");
    expect(format([], { LOG_FORMAT: "json" })).toBe("json");
    expect(() => parseServerArgs(["--log-format", "xml"], {}, "/d")).toThrow(/--log-format/);
  });

  it("--recent-diffs: the history retention by default (1,000,000 when it keeps all), from the flag or SHARDS_RECENT_DIFFS, bounded", () => {
    const recent = (argv: string[], env: Record<string, string>) => {
      const p = parseServerArgs(argv, env, "/d");
      return p.help ? undefined : p.config.recentDiffs;
    };
    expect(recent([], {})).toBe(1_000_000);
    expect(recent(["--history-retention", "5000"], {})).toBe(5_000);
    expect(recent(["--history-retention", "0"], {})).toBe(1_000_000);
    expect(recent([], { SHARDS_HISTORY_RETENTION: "20000000" })).toBe(10_000_000);
    expect(recent(["--history-retention", "5000", "--recent-diffs", "7"], {})).toBe(7);
    expect(recent(["--recent-diffs", "200000"], { SHARDS_RECENT_DIFFS: "5" })).toBe(200_000);
    expect(recent([], { SHARDS_RECENT_DIFFS: "0" })).toBe(0);
    expect(() => parseServerArgs(["--recent-diffs", "-1"], {}, "/d")).toThrow(/--recent-diffs/);
    expect(() => parseServerArgs(["--recent-diffs", "10000001"], {}, "/d")).toThrow(/--recent-diffs/);
  });

  it("tokens: surrounding white space trimmed, then 16+ characters of RFC 6750 b64token, never echoed", () => {
    const tokens = (argv: string[], env: Record<string, string>) => {
      const p = parseServerArgs(argv, env, "/d");
      return p.help ? undefined : [p.config.operatorToken, p.config.readToken];
    };
    const op = "op_0123456789abcdef-._~+/==";
    const ro = "ro_0123456789abcdef";
    expect(tokens([], {})).toEqual([undefined, undefined]);
    expect(tokens([], { SHARDS_OPERATOR_TOKEN: `${op}\n`, SHARDS_READ_TOKEN: ` ${ro}\r\n` })).toEqual([
      op,
      ro,
    ]);
    expect(tokens(["--operator-token", `\t${op} `], { SHARDS_OPERATOR_TOKEN: "ignored-0123456789" })).toEqual(
      [op, undefined],
    );
    for (const bad of [
      "op_0123456789 abcdef",
      "op_0123456789,abcdef",
      "op_0123456789abcdef\u00e9",
      "op_0123456789\u0000abcdef",
    ]) {
      let thrown: unknown;
      try {
        parseServerArgs([], { SHARDS_OPERATOR_TOKEN: bad }, "/d");
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(bad)).toBeInstanceOf(Error);
      expect((thrown as Error).message).toMatch(/^SHARDS_OPERATOR_TOKEN: Expected/);
      expect((thrown as Error).message).not.toContain(bad);
    }
    expect(() => parseServerArgs(["--read-token=op_0123456789 abcdef"], {}, "/d")).toThrow(/^--read-token: /);
    expect(() =>
      parseServerArgs([], { SHARDS_OPERATOR_TOKEN: op, SHARDS_READ_TOKEN: `${op}\n` }, "/d"),
    ).toThrow(/differ/);
  });

  it("generates distinct URL-safe tokens", () => {
    const a = generateToken("op");
    expect(a).toMatch(/^op_[A-Za-z0-9_-]{43}$/);
    expect(generateToken("op")).not.toBe(a);
  });
});

describe("log", () => {
  it("writes text lines as before, or one JSON object per line with the request's parts as fields", () => {
    const entry = {
      level: "warn",
      event: "request",
      method: "GET",
      path: "/x",
      status: 404,
      code: "c",
    } as const;
    const text: string[] = [];
    const textLog = controlPlaneLog("text", (l) => text.push(l));
    textLog.request(entry);
    textLog.warn("tail failed");
    expect(text).toEqual(["WARN request GET /x 404 c", "WARN tail failed"]);
    const json: string[] = [];
    const errors: string[] = [];
    const jsonLog = controlPlaneLog(
      "json",
      (l) => json.push(l),
      (l) => errors.push(l),
    );
    jsonLog.request(entry);
    jsonLog.warn("tail failed");
    jsonLog.error("boom");
    const strip = (l: string) => {
      const { time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      expect(typeof time).toBe("string");
      return rest;
    };
    expect(json.map(strip)).toEqual([
      {
        level: "warn",
        msg: "request",
        app: "shard-control-plane",
        method: "GET",
        path: "/x",
        status: 404,
        code: "c",
      },
      { level: "warn", msg: "tail failed", app: "shard-control-plane" },
    ]);
    expect(errors.map(strip)).toEqual([{ level: "error", msg: "boom", app: "shard-control-plane" }]);
  });

  it("an opened control plane logs loading, requests and its start as JSON lines in json format", async () => {
    const lines: string[] = [];
    const cp = await openControlPlane(config({ quiet: false, seed: false, logFormat: "json" }), (l) =>
      lines.push(l),
    );
    try {
      await cp.fetch(new Request("http://127.0.0.1/healthz"));
      announce(
        controlPlaneLog("json", (l) => lines.push(l)),
        cp,
        "http://127.0.0.1:1",
        "Node",
      );
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(String(records[0]?.msg)).toMatch(/^loaded 0 shards at position/);
      expect(records).toContainEqual(
        expect.objectContaining({
          level: "info",
          msg: "request",
          method: "GET",
          path: "/healthz",
          status: 200,
        }),
      );
      expect(records.at(-1)).toMatchObject({ msg: "listening", url: "http://127.0.0.1:1", runtime: "Node" });
    } finally {
      await cp.close();
    }
  });
});

describe("server", () => {
  it("starts on an ephemeral port, answers over real HTTP, serves the page, and stops gracefully", async () => {
    const inner = await open();
    expect(inner.seeded).toBe(64);
    // A gate holds one request inside the handler, so "in flight during shutdown" is deterministic.
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const cp = {
      ...inner,
      fetch: async (request: Request) => {
        if (new URL(request.url).searchParams.get("search") === "gate") {
          entered();
          await gate;
        }
        return inner.fetch(request);
      },
    };
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      expect(banner(cp, server.url, "Node")).toContain(`${server.url}/#token=${READER}`);
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok", position: 64 });
      const list = await fetch(`${server.url}/control/shards?namespace=demo&pageSize=500`, {
        headers: { authorization: `Bearer ${READER}` },
      });
      expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(64);
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(await page.text()).toContain("Shard control plane");
      expect((await fetch(`${server.url}/app.js`)).status).toBe(200);
      // An open watch stream must not block shutdown; an in-flight request finishes.
      const watch = await fetch(`${server.url}/control/shards/watch?resumeToken=64`, {
        headers: { authorization: `Bearer ${OPERATOR}` },
      });
      expect(watch.status).toBe(200);
      const reader = watch.body!.getReader();
      await reader.read();
      const inflight = fetch(`${server.url}/control/shards?search=gate`, {
        headers: { authorization: `Bearer ${OPERATOR}` },
      });
      await inside;
      const stopped = server.stop();
      release();
      expect((await inflight).status).toBe(200);
      for (;;) if ((await reader.read()).done) break;
      await stopped;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });

  it("answers a 100 KB URL with 431 problem+json, not a bare status line (issue 14)", async () => {
    const cp = await open({ seed: false });
    const server = await startNodeServer(cp, 0, "127.0.0.1");
    try {
      const res = await fetch(`${server.url}/control/shards?search=${"x".repeat(100 * 1024)}`, {
        headers: { authorization: `Bearer ${READER}` },
      });
      expect(res.status).toBe(431);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = await res.json();
      expect(problem).toMatchObject({ status: 431, code: "shards.http.headers_too_large" });
      // the server still answers afterwards
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("does not seed with --no-seed", async () => {
    const cp = await open({ seed: false });
    expect(cp.seeded).toBe(0);
    expect((await cp.service.repository.highestPosition()).unwrap()).toBe(0);
    await cp.close();
  });
});
