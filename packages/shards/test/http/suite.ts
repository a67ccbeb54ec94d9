/**
 * The shard control-plane HTTP suite, shared by the vitest run (source) and the conformance run (the built
 * `@pipe/shards/http` on Node, Deno and Bun). It only talks HTTP (`fetch(Request)`), so each runner supplies
 * its own app factory, test functions and `expect`. Nothing here imports a package at runtime.
 */

/** The subset of matchers the suite uses (vitest's and the conformance harness's both provide them). */
export interface SuiteExpect {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toContain(item: unknown): void;
  toHaveLength(n: number): void;
  toBeTruthy(): void;
  toBeNull(): void;
  toMatch(pattern: RegExp | string): void;
  readonly not: SuiteExpect;
}

/** One app over a fresh store, configured with {@link suiteTokens} and {@link suiteLimits}. */
export interface HttpFixture {
  fetch(request: Request): Response | Promise<Response>;
  /** Seeds `count` shards `shard-0000…` in `namespace`, owners round-robin (through the service). */
  seed(namespace: string, count: number, owners: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface HttpSuiteRunner {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, fn: () => Promise<void>, timeoutMs?: number) => void;
  readonly expect: (actual: unknown) => SuiteExpect;
  /** Store label in test names ("in-memory", "pglite"). */
  readonly store: string;
  readonly open: () => Promise<HttpFixture>;
}

/** Tokens every fixture must configure: operator, reader, and one with no scope. */
export const suiteTokens: {
  readonly operate: string;
  readonly read: string;
  readonly none: string;
  readonly config: readonly { token: string; scopes: ("shards.read" | "shards.operate")[]; name: string }[];
} = {
  operate: "suite-operator-token-0123456789",
  read: "suite-reader-token-0123456789",
  none: "suite-noscope-token-0123456789",
  config: [
    { name: "operator", token: "suite-operator-token-0123456789", scopes: ["shards.operate"] },
    { name: "reader", token: "suite-reader-token-0123456789", scopes: ["shards.read"] },
    { name: "noscope", token: "suite-noscope-token-0123456789", scopes: [] },
  ],
};

/** Limits every fixture must configure. */
export const suiteLimits: { readonly maxBodyBytes: number } = { maxBodyBytes: 64 * 1024 };

const BASE = "http://shards.test";

// biome-ignore lint/suspicious/noExplicitAny: JSON response bodies are navigated loosely in assertions
type Loose = any;

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

interface Call {
  readonly method?: string;
  readonly token?: string | null;
  readonly body?: unknown;
  readonly raw?: BodyInit;
  readonly headers?: Record<string, string>;
}

export function httpSuite(runner: HttpSuiteRunner): void {
  const { describe, it, expect } = runner;
  let fx: HttpFixture;

  const call = async (path: string, c: Call = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...c.headers };
    const token = c.token === undefined ? suiteTokens.operate : c.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined = c.raw;
    if (c.body !== undefined) {
      body = JSON.stringify(c.body);
      headers["content-type"] ??= "application/json";
    }
    const init: RequestInit & { duplex?: string } = {
      method: c.method ?? (body === undefined ? "GET" : "POST"),
      headers,
    };
    if (body !== undefined) {
      init.body = body;
      if (body instanceof ReadableStream) init.duplex = "half";
    }
    return fx.fetch(new Request(`${BASE}${path}`, init));
  };
  const json = async (
    path: string,
    c: Call = {},
  ): Promise<{ status: number; body: Loose; res: Response }> => {
    const res = await call(path, c);
    const text = await res.text();
    return { status: res.status, body: text.length === 0 ? null : JSON.parse(text), res };
  };
  const problem = async (path: string, c: Call, status: number, code: string): Promise<Loose> => {
    const r = await json(path, c);
    expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
    expect(r.res.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body.type).toBe(`urn:pipe:error:${code}`);
    expect(r.body.status).toBe(status);
    return r.body;
  };
  const position = async (): Promise<number> => (await json("/healthz", { token: null })).body.position;
  const upsert = (m: Record<string, unknown>) =>
    json("/control/shards/upsert", { body: { strategyId: "rendezvous", ...m } });
  const withFixture = (name: string, fn: () => Promise<void>, timeoutMs?: number): void =>
    it(
      name,
      async () => {
        fx = await runner.open();
        try {
          await fn();
        } finally {
          await fx.close();
        }
      },
      timeoutMs,
    );

  /** Reads SSE frames until `until` says stop; then cancels the stream. */
  const readSse = async (
    res: Response,
    until: (
      events: { id?: string; event?: string; data?: string; comment?: string; retry?: string }[],
    ) => boolean,
  ) => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const events: { id?: string; event?: string; data?: string; comment?: string; retry?: string }[] = [];
    let buffer = "";
    try {
      while (!until(events)) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: Record<string, string> = {};
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) e.comment = line.slice(1).trim();
            else {
              const i = line.indexOf(":");
              e[line.slice(0, i)] = line.slice(i + 1).trimStart();
            }
          }
          events.push(e);
          cut = buffer.indexOf("\n\n");
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return events;
  };
  const diffs = (events: SseEvent[]): SseEvent[] => events.filter((e) => e.event === "shard.diff");

  describe(`shards http (${runner.store}): access control`, () => {
    withFixture("401 without a token, with WWW-Authenticate; 401 for an unknown token", async () => {
      const none = await problem("/control/shards", { token: null }, 401, "shards.http.unauthorized");
      expect(none.detail).toBe("A bearer token is required.");
      const res = await call("/control/shards", { token: null });
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="shards"');
      await problem(
        "/control/shards",
        { token: "not-a-configured-token-000" },
        401,
        "shards.http.unauthorized",
      );
      const bad = await call("/control/shards", { token: "x" });
      expect(bad.headers.get("www-authenticate")).toMatch(/invalid_token/);
      await problem(
        "/control/shards",
        { token: null, headers: { authorization: "Basic Zm9vOmJhcg==" } },
        401,
        "shards.http.unauthorized",
      );
    });

    withFixture("403 without the scope (the original's ListShards_WithoutScopeIsForbidden)", async () => {
      const p = await problem("/control/shards", { token: suiteTokens.none }, 403, "shards.http.forbidden");
      expect(p.metadata.scope).toBe("shards.read");
      const res = await call("/control/shards", { token: suiteTokens.none });
      expect(res.headers.get("www-authenticate")).toMatch(/insufficient_scope/);
      await problem("/control/shards/diff", { token: suiteTokens.read }, 403, "shards.http.forbidden");
      await problem(
        "/control/shards/simulate",
        { token: suiteTokens.read, body: { namespace: "x" } },
        403,
        "shards.http.forbidden",
      );
      await problem(
        "/control/shards/upsert",
        { token: suiteTokens.read, body: {} },
        403,
        "shards.http.forbidden",
      );
      await problem(
        "/control/shards/apply",
        { token: suiteTokens.read, body: {} },
        403,
        "shards.http.forbidden",
      );
      await problem("/control/shards/watch", { token: suiteTokens.none }, 403, "shards.http.forbidden");
      await problem("/metrics", { token: null }, 401, "shards.http.unauthorized");
    });

    withFixture("read and operate tokens both list (operate implies read)", async () => {
      await fx.seed("mesh.control", 3, ["node-a"]);
      for (const token of [suiteTokens.read, suiteTokens.operate]) {
        const r = await json("/control/shards?namespace=mesh.control", { token });
        expect(r.status).toBe(200);
        expect(r.body.items).toHaveLength(3);
      }
    });

    withFixture("an access_token query parameter is ignored unless enabled", async () => {
      await problem(
        `/control/shards/watch?access_token=${suiteTokens.read}`,
        { token: null },
        401,
        "shards.http.unauthorized",
      );
    });
  });

  describe(`shards http (${runner.store}): list`, () => {
    withFixture(
      "ListShards_WithScopeReturnsResults: every item in the namespace, statuses as strings",
      async () => {
        await fx.seed("mesh.control", 5, ["node-a", "node-b"]);
        await fx.seed("other", 2, ["node-a"]);
        const r = await json("/control/shards?namespace=mesh.control", { token: suiteTokens.read });
        expect(r.status).toBe(200);
        expect(r.body.items).toHaveLength(5);
        for (const item of r.body.items) {
          expect(item.namespace).toBe("mesh.control");
          expect(item.status).toBe("active");
        }
        expect(r.body.nextCursor).toBeNull();
        expect(r.body.version).toBe(7);
        expect(r.res.headers.get("content-type")).toMatch(/^application\/json/);
      },
    );

    withFixture(
      "filters: owner, search (case-insensitive), statuses by name, number and separators",
      async () => {
        await fx.seed("ns", 6, ["node-a", "node-b"]);
        await upsert({ namespace: "ns", shardId: "shard-0000", ownerNodeId: "node-a", status: "paused" });
        await upsert({ namespace: "ns", shardId: "shard-0001", ownerNodeId: "node-b", status: 1 });
        const ids = async (q: string) =>
          (await json(`/control/shards?${q}`, { token: suiteTokens.read })).body.items.map(
            (i: { shardId: string }) => i.shardId,
          );
        expect(await ids("owner=node-a")).toEqual(["shard-0000", "shard-0002", "shard-0004"]);
        expect(await ids("ownerNodeId=node-b&search=SHARD-000")).toEqual([
          "shard-0001",
          "shard-0003",
          "shard-0005",
        ]);
        expect(await ids("status=PAUSED")).toEqual(["shard-0000"]);
        expect(await ids("status=1")).toEqual(["shard-0001"]);
        expect(await ids("status=paused,draining")).toEqual(["shard-0000", "shard-0001"]);
        expect(await ids("status=paused&status=draining")).toEqual(["shard-0000", "shard-0001"]);
        expect(await ids("status=paused;2")).toEqual(["shard-0000"]);
        expect(await ids("namespace=NS")).toEqual([]);
      },
    );

    withFixture(
      "hyperscale: 2,000 shards paged at 500 through HTTP, no duplicates",
      async () => {
        await fx.seed("mesh.hyperscale", 2000, ["node-a", "node-b", "node-c", "node-d"]);
        const seen = new Set<string>();
        let cursor: string | null = null;
        let requests = 0;
        do {
          const q: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
          const r = await json(`/control/shards?namespace=mesh.hyperscale&pageSize=500${q}`, {
            token: suiteTokens.read,
          });
          expect(r.status).toBe(200);
          expect(r.body.items.length).toBeGreaterThan(0);
          for (const item of r.body.items) seen.add(item.shardId);
          cursor = r.body.nextCursor;
          requests++;
          expect(requests <= 5).toBe(true);
        } while (cursor !== null);
        expect(seen.size).toBe(2000);
      },
      120_000,
    );

    withFixture(
      "default page is 100; ETag on the highest change position; 304 on If-None-Match",
      async () => {
        await fx.seed("ns", 120, ["a"]);
        const first = await json("/control/shards", { token: suiteTokens.read });
        expect(first.body.items).toHaveLength(100);
        const tag = first.res.headers.get("etag");
        expect(tag).toBe('"shards-120"');
        expect(first.res.headers.get("x-pipe-shards-position")).toBe("120");
        const again = await call("/control/shards", {
          token: suiteTokens.read,
          headers: { "if-none-match": tag! },
        });
        expect(again.status).toBe(304);
        expect(again.headers.get("etag")).toBe(tag);
        expect(await again.text()).toBe("");
        const weak = await call("/control/shards", {
          token: suiteTokens.read,
          headers: { "if-none-match": `"x", W/${tag}` },
        });
        expect(weak.status).toBe(304);
        await upsert({ namespace: "ns", shardId: "shard-0000", ownerNodeId: "b" });
        const changed = await call("/control/shards", {
          token: suiteTokens.read,
          headers: { "if-none-match": tag! },
        });
        expect(changed.status).toBe(200);
        expect(changed.headers.get("etag")).toBe('"shards-121"');
      },
    );

    withFixture("bad input is a clear 400 with paths: cursor, page sizes, statuses, parameters", async () => {
      await fx.seed("ns", 3, ["a"]);
      const before = await position();
      const c = await problem(
        "/control/shards?cursor=not-a-cursor!",
        { token: suiteTokens.read },
        400,
        "shards.control.cursor.invalid",
      );
      expect(c.detail).toBe("Invalid cursor token.");
      for (const size of ["0", "-1", "501", "1000000000", "abc", "1.5", "1e3"]) {
        const p = await problem(
          `/control/shards?pageSize=${size}`,
          { token: suiteTokens.read },
          400,
          "error.validation",
        );
        expect(p.metadata.issues[0].path).toBe("$.query.pageSize");
      }
      const s = await problem(
        "/control/shards?status=bogus",
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
      expect(s.metadata.issues[0].path).toBe("$.query.status[0]");
      const u = await problem(
        "/control/shards?pagesize=10",
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
      expect(u.metadata.issues[0].path).toBe("$.query.pagesize");
      await problem(
        "/control/shards?pageSize=10&pageSize=20",
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
      await problem(
        `/control/shards?cursor=${"A".repeat(12_000)}`,
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
      expect(await position()).toBe(before);
    });
  });

  describe(`shards http (${runner.store}): diff`, () => {
    withFixture(
      "from/to inclusive (aliases fromVersion/toVersion), filter on current, lastPosition",
      async () => {
        await fx.seed("ns", 10, ["node-a"]);
        await upsert({
          namespace: "ns",
          shardId: "shard-0003",
          ownerNodeId: "node-b",
          changeTicket: "chg-002",
        });
        const all = await json("/control/shards/diff");
        expect(all.status).toBe(200);
        expect(all.body.items).toHaveLength(11);
        expect(all.body.lastPosition).toBe(11);
        const range = await json("/control/shards/diff?fromPosition=3&toPosition=5");
        expect(range.body.items.map((d: { position: number }) => d.position)).toEqual([3, 4, 5]);
        const alias = await json("/control/shards/diff?fromVersion=11&toVersion=11");
        expect(alias.body.items).toHaveLength(1);
        const move = alias.body.items[0];
        expect(move.current.ownerNodeId).toBe("node-b");
        expect(move.previous.ownerNodeId).toBe("node-a");
        expect(move.history.changeTicket).toBe("chg-002");
        expect(move.history.previousOwnerNodeId).toBe("node-a");
        const owner = await json("/control/shards/diff?owner=node-b");
        expect(owner.body.items).toHaveLength(1);
        const none = await json("/control/shards/diff?fromPosition=100");
        expect(none.body).toEqual({ items: [], lastPosition: null });
      },
    );

    withFixture("bad bounds are 400 with paths", async () => {
      for (const q of [
        "fromPosition=abc",
        "toPosition=-1",
        "fromPosition=5&toPosition=2",
        "fromVersion=1.5",
      ]) {
        const p = await problem(`/control/shards/diff?${q}`, {}, 400, "error.validation");
        expect(p.metadata.issues[0].path).toMatch(/^\$\.query\.(fromPosition|toPosition)/);
      }
    });
  });

  describe(`shards http (${runner.store}): watch`, () => {
    withFixture("replays after resumeToken (exclusive) as SSE with ids, then tails live writes", async () => {
      await fx.seed("ns", 4, ["node-a"]);
      const res = await call("/control/shards/watch?namespace=ns&resumeToken=2", { token: suiteTokens.read });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("cache-control")).toMatch(/no-cache/);
      let wrote = false;
      const events = await readSse(res, (ev) => {
        if (!wrote && diffs(ev).length === 2) {
          wrote = true;
          void upsert({ namespace: "ns", shardId: "shard-0009", ownerNodeId: "node-z" });
        }
        return diffs(ev).length >= 3;
      });
      expect(events[0]!.retry).toBe("2000");
      const d = diffs(events);
      expect(d.map((e) => e.id)).toEqual(["3", "4", "5"]);
      const live = JSON.parse(d[2]!.data!);
      expect(live.current.shardId).toBe("shard-0009");
      expect(live.current.status).toBe("active");
      expect(live.position).toBe(5);
    });

    withFixture("Last-Event-ID wins over resumeToken (browser reconnect)", async () => {
      await fx.seed("ns", 5, ["node-a"]);
      const res = await call("/control/shards/watch?resumeToken=1", {
        token: suiteTokens.read,
        headers: { "last-event-id": "4" },
      });
      const events = await readSse(res, (ev) => diffs(ev).length >= 1);
      expect(diffs(events)[0]!.id).toBe("5");
    });

    withFixture("bad resume tokens and filters are 400 before the stream opens", async () => {
      const p = await problem(
        "/control/shards/watch?resumeToken=abc",
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
      expect(p.metadata.issues[0].path).toBe("$.query.resumeToken");
      const h = await problem(
        "/control/shards/watch",
        { token: suiteTokens.read, headers: { "last-event-id": "x1" } },
        400,
        "error.validation",
      );
      expect(h.metadata.issues[0].path).toBe("$.headers.last-event-id");
      await problem(
        "/control/shards/watch?status=nope",
        { token: suiteTokens.read },
        400,
        "error.validation",
      );
    });
  });

  describe(`shards http (${runner.store}): simulate`, () => {
    withFixture("SimulateShards_ReturnsPlan: namespace echoed, assignments, changes, balance", async () => {
      await fx.seed("mesh.control", 40, ["node-a"]);
      const r = await json("/control/shards/simulate", {
        body: {
          namespace: "mesh.control",
          strategyId: "rendezvous",
          nodes: [{ nodeId: "node-a" }, { nodeId: "node-b", weight: 2 }],
        },
      });
      expect(r.status).toBe(200);
      expect(r.body.namespace).toBe("mesh.control");
      expect(r.body.strategyId).toBe("rendezvous");
      expect(r.body.assignments).toHaveLength(40);
      expect(r.body.changes.length).toBeGreaterThan(0);
      expect(r.body.moves).toBe(r.body.changes.length);
      expect(r.body.balance.perNode["node-b"]).toBeGreaterThan(0);
      for (const change of r.body.changes) {
        expect(change.currentOwner).toBe("node-a");
        expect(change.proposedOwner).toBe("node-b");
        expect(change.currentVersion).toBe(1);
      }
    });

    withFixture("service errors map to statuses with the original's codes", async () => {
      await fx.seed("ns", 5, ["a"]);
      const before = await position();
      const nodes = [{ nodeId: "a" }];
      await problem(
        "/control/shards/simulate",
        { body: { namespace: "  ", nodes } },
        400,
        "shards.control.namespace.required",
      );
      await problem(
        "/control/shards/simulate",
        { body: { namespace: "ns", nodes: [] } },
        400,
        "shards.control.nodes.required",
      );
      const blank = await problem(
        "/control/shards/simulate",
        { body: { namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: " " }] } },
        400,
        "shards.control.node_id.invalid",
      );
      expect(blank.detail).toBe("Node id cannot be empty.");
      const missing = await problem(
        "/control/shards/simulate",
        { body: { namespace: "nope", nodes } },
        404,
        "shards.control.namespace.missing",
      );
      expect(missing.metadata.namespace).toBe("nope");
      await problem(
        "/control/shards/simulate",
        { body: { namespace: "ns", strategyId: "bogus", nodes } },
        400,
        "shards.hashing.strategy.unknown",
      );
      const dup = await problem(
        "/control/shards/simulate",
        { body: { namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }, { nodeId: "a" }] } },
        400,
        "error.validation",
      );
      expect(dup.metadata.issues[0].path).toBe("$.nodes[2].nodeId");
      const typed = await problem(
        "/control/shards/simulate",
        { body: { namespace: "ns", nodes: [{ nodeId: "a", weight: "heavy" }] } },
        400,
        "error.validation",
      );
      expect(typed.metadata.issues[0].path).toBe("$.nodes[0].weight");
      await problem("/control/shards/simulate", { body: [1, 2] }, 400, "error.validation");
      expect(await position()).toBe(before);
    });

    withFixture(
      "transport errors: malformed JSON, empty body, wrong content type, oversized bodies",
      async () => {
        await fx.seed("ns", 2, ["a"]);
        const before = await position();
        for (const path of ["/control/shards/simulate", "/control/shards/upsert", "/control/shards/apply"]) {
          const m = await problem(
            path,
            { raw: '{"namespace": "ns", "nodes": [', headers: { "content-type": "application/json" } },
            400,
            "shards.http.json.malformed",
          );
          expect(m.detail).toMatch(/^Malformed JSON body/);
          await problem(
            path,
            { raw: "", headers: { "content-type": "application/json" } },
            400,
            "shards.http.json.malformed",
          );
          await problem(
            path,
            { raw: "namespace=ns", headers: { "content-type": "application/x-www-form-urlencoded" } },
            415,
            "shards.http.unsupported_media_type",
          );
          const big = JSON.stringify({
            namespace: "ns",
            nodes: [{ nodeId: "a", region: "x".repeat(suiteLimits.maxBodyBytes) }],
          });
          const p = await problem(
            path,
            { raw: big, headers: { "content-type": "application/json" } },
            413,
            "shards.http.payload_too_large",
          );
          expect(p.metadata.limit).toBe(suiteLimits.maxBodyBytes);
          const chunk = new TextEncoder().encode(`{"pad":"${"y".repeat(16 * 1024)}`);
          let sent = 0;
          const stream = new ReadableStream<Uint8Array>({
            pull(ctrl) {
              if (sent++ < 100) ctrl.enqueue(chunk);
              else ctrl.close();
            },
          });
          await problem(
            path,
            { raw: stream, headers: { "content-type": "application/json" } },
            413,
            "shards.http.payload_too_large",
          );
          expect(sent < 100).toBe(true);
        }
        expect(await position()).toBe(before);
      },
    );
  });

  describe(`shards http (${runner.store}): mutations`, () => {
    withFixture(
      "upsert: 201 on create, 200 on update, integer status accepted, strings answered",
      async () => {
        const created = await upsert({
          namespace: "ns",
          shardId: "s1",
          ownerNodeId: "node-a",
          status: 1,
          changeMetadata: { actor: "ops", reason: "bootstrap", changeTicket: "CHG-1" },
        });
        expect(created.status).toBe(201);
        expect(created.body.created).toBe(true);
        expect(created.body.record).toMatchObject({ version: 1, status: "draining", changeTicket: "CHG-1" });
        expect(created.body.history).toMatchObject({
          actor: "ops",
          reason: "bootstrap",
          previousOwnerNodeId: null,
        });
        const updated = await upsert({
          namespace: "ns",
          shardId: "s1",
          ownerNodeId: "node-b",
          status: "Active",
          expectedVersion: 1,
        });
        expect(updated.status).toBe(200);
        expect(updated.body.record).toMatchObject({ version: 2, status: "active", ownerNodeId: "node-b" });
        expect(updated.body.history.previousOwnerNodeId).toBe("node-a");
      },
    );

    withFixture(
      "upsert: stale expectedVersion is 409 and changes nothing; bad fields are 400 with paths",
      async () => {
        await upsert({ namespace: "ns", shardId: "s1", ownerNodeId: "node-a" });
        const before = await position();
        const stale = await problem(
          "/control/shards/upsert",
          {
            body: {
              namespace: "ns",
              shardId: "s1",
              strategyId: "ring",
              ownerNodeId: "node-x",
              expectedVersion: 5,
            },
          },
          409,
          "shards.control.version.conflict",
        );
        expect(stale.detail).toMatch(/expected version 5 but was 1/);
        await problem(
          "/control/shards/upsert",
          {
            body: {
              namespace: "ns",
              shardId: "s1",
              strategyId: "ring",
              ownerNodeId: "node-x",
              expectedVersion: 0,
            },
          },
          409,
          "shards.control.version.conflict",
        );
        const blank = await problem(
          "/control/shards/upsert",
          { body: { namespace: "ns", shardId: " ", strategyId: "ring", ownerNodeId: "a" } },
          400,
          "error.validation",
        );
        expect(blank.metadata.issues[0].path).toBe("$.shardId");
        const status = await problem(
          "/control/shards/upsert",
          { body: { namespace: "ns", shardId: "s2", strategyId: "ring", ownerNodeId: "a", status: "bogus" } },
          400,
          "error.validation",
        );
        expect(status.metadata.issues[0].path).toBe("$.status");
        await problem(
          "/control/shards/upsert",
          { body: { namespace: "ns", shardId: "s2", strategyId: "ring", ownerNodeId: "a", status: 7 } },
          400,
          "error.validation",
        );
        const actor = await problem(
          "/control/shards/upsert",
          {
            body: {
              namespace: "ns",
              shardId: "s2",
              strategyId: "ring",
              ownerNodeId: "a",
              changeMetadata: { actor: " ", reason: "r" },
            },
          },
          400,
          "error.validation",
        );
        expect(actor.detail).toBe("Actor must be provided.");
        expect(await position()).toBe(before);
        const r = await json("/control/shards?namespace=ns", { token: suiteTokens.read });
        expect(r.body.items).toHaveLength(1);
        expect(r.body.items[0].ownerNodeId).toBe("node-a");
      },
    );

    withFixture(
      "apply: persists a simulation's moves with one ticket; a stale plan is 409 and changes nothing",
      async () => {
        await fx.seed("ns", 30, ["node-a"]);
        const sim = await json("/control/shards/simulate", {
          body: { namespace: "ns", nodes: [{ nodeId: "node-a" }, { nodeId: "node-b" }] },
        });
        const moves = sim.body.changes.length;
        expect(moves).toBeGreaterThan(0);
        const request = { simulation: sim.body, actor: "ops", reason: "rebalance", changeTicket: "CHG-42" };
        const applied = await json("/control/shards/apply", { body: request });
        expect(applied.status).toBe(200);
        expect(applied.body.changeTicket).toBe("CHG-42");
        expect(applied.body.applied).toHaveLength(moves);
        const owned = await json("/control/shards?namespace=ns&owner=node-b&pageSize=500", {
          token: suiteTokens.read,
        });
        expect(owned.body.items).toHaveLength(moves);
        for (const item of owned.body.items) expect(item.changeTicket).toBe("CHG-42");
        const before = await position();
        const again = await problem(
          "/control/shards/apply",
          { body: request },
          409,
          "shards.control.version.conflict",
        );
        expect(again.metadata.applied).toBe(0);
        expect(await position()).toBe(before);
        await problem("/control/shards/apply", { body: { ...request, actor: " " } }, 400, "error.validation");
        const shape = await problem(
          "/control/shards/apply",
          { body: { simulation: { namespace: "ns" }, actor: "a", reason: "r", changeTicket: "t" } },
          400,
          "error.validation",
        );
        expect(shape.metadata.issues.map((i: { path: string }) => i.path)).toContain(
          "$.simulation.strategyId",
        );
        expect(await position()).toBe(before);
      },
    );
  });

  describe(`shards http (${runner.store}): health, metrics, routing`, () => {
    withFixture("healthz is public; metrics is Prometheus text behind shards.read", async () => {
      await fx.seed("ns", 2, ["a"]);
      const h = await json("/healthz", { token: null });
      expect(h.body).toEqual({ status: "ok", position: 2 });
      await json("/control/shards", { token: suiteTokens.read });
      await call("/control/shards?pageSize=0", { token: suiteTokens.read });
      const m = await call("/metrics", { token: suiteTokens.read });
      expect(m.status).toBe(200);
      expect(m.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await m.text();
      expect(text).toContain(
        'shards_http_requests_total{route="/control/shards",method="GET",status="200"} 1',
      );
      expect(text).toContain('shards_http_errors_total{code="error.validation"} 1');
      expect(text).toContain("shards_http_watchers_active 0");
      expect(text).toContain("shards_store_position 2");
      expect(text).toContain("# TYPE shards_http_request_duration_seconds histogram");
    });

    withFixture("404 for unknown routes and trailing slashes; 405 with Allow for wrong methods", async () => {
      await problem("/control/nope", {}, 404, "shards.http.route.not_found");
      await problem("/control/shards/", {}, 404, "shards.http.route.not_found");
      const res = await call("/control/shards/simulate", { method: "GET" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      await problem("/control/shards", { method: "DELETE" }, 405, "shards.http.method_not_allowed");
    });
  });
}
