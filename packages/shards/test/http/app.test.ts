/**
 * HTTP-surface behaviour the shared suite cannot express portably: the status table's coverage, heartbeats on
 * a virtual clock, disconnects and shutdown, store faults, cancellation, unmapped codes, logging hygiene.
 */
import { VirtualTimeProvider } from "@pipe/channels";
import { ErrorCodes, err, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";
import {
  createShardControlPlaneApp,
  createShardTokenVerifier,
  parseBearer,
  type ShardControlPlaneAppOptions,
  type ShardHttpLogEntry,
  shardHttpStatuses,
  shardHttpStatusOf,
  shardScopeGranted,
  toShardProblem,
} from "../../src/http/index.ts";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardErrorCodes,
  type ShardRepository,
} from "../../src/index.ts";
import { FlakyRepository, seed } from "../support.ts";

const OPS = "ops-token-0123456789abcdef";
const READ = "read-token-0123456789abcdef";
const tokens: ShardControlPlaneAppOptions["tokens"] = [
  { name: "ops", token: OPS, scopes: ["shards.operate"] },
  { name: "reader", token: READ, scopes: ["shards.read"] },
];
const auth = (token = OPS) => ({ authorization: `Bearer ${token}` });

function make(
  repository: ShardRepository = new InMemoryShardRepository(),
  extra: Partial<ShardControlPlaneAppOptions> = {},
  serviceExtra: Partial<ConstructorParameters<typeof ShardControlPlaneService>[0]> = {},
) {
  const logs: ShardHttpLogEntry[] = [];
  const service = new ShardControlPlaneService({ repository, ...serviceExtra });
  const app = createShardControlPlaneApp({ service, tokens, log: (e) => logs.push(e), ...extra });
  return { app, service, repository, logs };
}

const metric = async (app: ReturnType<typeof make>["app"], name: string): Promise<string | undefined> => {
  const text = await (await app.request("/metrics", { headers: auth(READ) })).text();
  return text.split("\n").find((l) => l.startsWith(name));
};

/** Reads decoded text from an SSE body until `done(text)`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean) {
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe("status table", () => {
  it("maps every registered shards.* and error.* code (none falls through to 500 silently)", () => {
    const codes = ErrorCodes.list()
      .map((d) => d.code)
      .filter((c) => c.startsWith("shards.") || c.startsWith("error."));
    expect(codes.length).toBeGreaterThan(25);
    const missing = codes.filter((c) => shardHttpStatuses[c] === undefined);
    expect(missing).toEqual([]);
    for (const c of codes) expect(shardHttpStatusOf(PipeError.from("x", c)).mapped).toBe(true);
  });

  it("pins the spec's decisions", () => {
    const s = (code: string) => shardHttpStatusOf(PipeError.from("x", code)).status;
    expect(s(ErrorCodes.canceled)).toBe(499);
    expect(s(ErrorCodes.validation)).toBe(400);
    expect(s(ShardErrorCodes.namespaceMissing)).toBe(404);
    expect(s(ShardErrorCodes.versionConflict)).toBe(409);
    expect(s(ShardErrorCodes.assignmentMissing)).toBe(409);
    expect(s(ShardErrorCodes.simulationRequestRequired)).toBe(400);
    expect(s(ShardErrorCodes.hashingNoEligibleNodes)).toBe(422);
    expect(s(ShardErrorCodes.repositoryFailure)).toBe(503);
  });

  it("aggregates take their children's common status, else 500; unknown codes fall back visibly", () => {
    const conflict = PipeError.from("c", ShardErrorCodes.versionConflict);
    expect(shardHttpStatusOf(PipeError.aggregate("two", [conflict, conflict])).status).toBe(409);
    const mixed = PipeError.aggregate("two", [conflict, PipeError.from("v", ErrorCodes.validation)]);
    expect(shardHttpStatusOf(mixed).status).toBe(500);
    expect(toShardProblem(mixed).errors?.map((e) => e.status)).toEqual([409, 400]);
    expect(shardHttpStatusOf(PipeError.from("x", "custom.thing"))).toEqual({ status: 500, mapped: false });
    expect(shardHttpStatusOf(PipeError.from("x", "custom.canceled"))).toEqual({ status: 499, mapped: false });
    expect(shardHttpStatusOf(PipeError.from("x"))).toEqual({ status: 500, mapped: false });
  });

  it("problem bodies hide exception messages and stack metadata", () => {
    const p = toShardProblem(PipeError.fromException(new Error("secret at /srv/db.ts:12")), "/x");
    expect(p.detail).toBe("An internal error occurred.");
    expect(p.metadata).toEqual({});
    const q = toShardProblem(
      PipeError.from("m", ErrorCodes.validation, { metadata: { stackTrace: "s", issues: [] } }),
    );
    expect(q.metadata).toHaveProperty("issues");
    expect(q.metadata).not.toHaveProperty("stackTrace");
  });
});

describe("tokens", () => {
  it("verifies in constant time over every configured token, whatever the presented length", async () => {
    const verify = createShardTokenVerifier(tokens);
    expect((await verify(OPS))?.name).toBe("ops");
    expect((await verify(READ))?.scopes).toEqual(["shards.read"]);
    for (const wrong of ["", "o", OPS.slice(0, -1), `${OPS}x`, "x".repeat(10_000)])
      expect(await verify(wrong)).toBeUndefined();
  });

  it("rejects programmer errors synchronously", () => {
    expect(() => createShardTokenVerifier([{ token: "short", scopes: [] }])).toThrow(TypeError);
    expect(() =>
      createShardTokenVerifier([
        { token: OPS, scopes: [] },
        { token: OPS, scopes: [] },
      ]),
    ).toThrow(TypeError);
    expect(() => createShardTokenVerifier([{ token: OPS, scopes: ["admin" as "shards.read"] }])).toThrow(
      TypeError,
    );
  });

  it("parses bearer headers and scope implication", () => {
    expect(parseBearer("bearer abc")).toBe("abc");
    expect(parseBearer("Bearer")).toBeUndefined();
    expect(parseBearer("Basic abc")).toBeUndefined();
    expect(shardScopeGranted({ name: "r", scopes: ["shards.read"] }, "shards.operate")).toBe(false);
  });

  it("never logs a token, an Authorization header or a query string", async () => {
    const { app, logs } = make(undefined, { allowQueryToken: true });
    await app.request("/control/shards", { headers: auth() });
    await app.request("/control/shards", { headers: auth("wrong-token-value-000000") });
    const res = await app.request(`/control/shards/watch?access_token=${READ}&resumeToken=0`);
    await res.body?.cancel();
    await app.request("/control/shards/simulate", {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: "{",
    });
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(3);
    for (const secret of [OPS, READ, "wrong-token-value", "access_token", "Bearer"])
      expect(text).not.toContain(secret);
    expect(logs.find((l) => l.event === "request")?.principal).toBe("ops");
  });
});

describe("watch", () => {
  it("sends heartbeats on the injected clock and ends the service watch when the client leaves", async () => {
    const time = new VirtualTimeProvider();
    const inner = new InMemoryShardRepository();
    await seed(inner, "ns", 2, ["a"]);
    const signals: AbortSignal[] = [];
    const repository: ShardRepository = Object.assign(Object.create(inner) as ShardRepository, {
      watch: (since?: number | null, o?: { signal?: AbortSignal }) => {
        if (o?.signal !== undefined) signals.push(o.signal);
        return inner.watch(since, o);
      },
    });
    const { app } = make(repository, { timeProvider: time, heartbeatMs: 1000 });
    const res = await app.request("/control/shards/watch", { headers: auth(READ) });
    const reader = res.body!.getReader();
    let text = await readUntil(reader, (t) => (t.match(/event: shard\.diff/g) ?? []).length >= 2);
    expect(await metric(app, "shards_http_watchers_active")).toBe("shards_http_watchers_active 1");
    expect(text).not.toContain(": heartbeat");
    await time.advance(1000);
    text += await readUntil(reader, (t) => t.includes(": heartbeat"));
    await time.advance(1000);
    text += await readUntil(reader, (t) => t.includes(": heartbeat"));
    expect(await metric(app, "shards_http_watch_heartbeats_total")).toBe(
      "shards_http_watch_heartbeats_total 2",
    );
    await reader.cancel();
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(await metric(app, "shards_http_watchers_active")).toBe("shards_http_watchers_active 0");
    expect(time.pendingTimers).toBe(0);
  });

  it("queues no heartbeat while the client is not reading (each one stayed queued: a stalled client grew the server for as long as it stayed connected)", async () => {
    const time = new VirtualTimeProvider();
    const inner = new InMemoryShardRepository();
    await seed(inner, "ns", 100, ["a"]);
    const { app } = make(inner, { timeProvider: time, heartbeatMs: 1000 });
    const res = await app.request("/control/shards/watch", { headers: auth(READ) });
    // The client reads nothing: the stream fills its queue (64 events) and the watch waits.
    const deadline = Date.now() + 30_000;
    while ((await metric(app, "shards_http_watch_events_total")) !== "shards_http_watch_events_total 63") {
      if (Date.now() > deadline) throw new Error("the watch did not fill the stream's queue");
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 200; i++) await time.advance(1000);
    expect(await metric(app, "shards_http_watch_heartbeats_total")).toBe(
      "shards_http_watch_heartbeats_total 0",
    );
    // Once the client reads again, events flow and heartbeats resume.
    const reader = res.body!.getReader();
    let text = await readUntil(reader, (t) => (t.match(/event: shard\.diff/g) ?? []).length >= 100);
    await time.advance(1000);
    text += await readUntil(reader, (t) => t.includes(": heartbeat"));
    expect(text.match(/: heartbeat/g)).toHaveLength(1);
    await reader.cancel();
    expect(time.pendingTimers).toBe(0);
  });

  it("ends streams on the shutdown signal and refuses new ones; caps concurrent streams", async () => {
    const shutdown = new AbortController();
    const { app } = make(undefined, { signal: shutdown.signal, maxWatchers: 1 });
    const first = await app.request("/control/shards/watch", { headers: auth(READ) });
    const reader = first.body!.getReader();
    await readUntil(reader, (t) => t.includes("retry:"));
    const second = await app.request("/control/shards/watch", { headers: auth(READ) });
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("5");
    expect(((await second.json()) as { code: string }).code).toBe("shards.http.watchers.exhausted");
    shutdown.abort();
    // The stream ends cleanly after a last reconnect hint (EventSource then reconnects with Last-Event-ID).
    const tail = await readUntil(reader, () => false);
    expect(tail).toMatch(/retry: 2000\n: the server is shutting down; reconnect with Last-Event-ID\n\n$/);
    expect((await reader.read()).done).toBe(true);
    const after = await app.request("/control/shards/watch", { headers: auth(READ) });
    expect(after.status).toBe(503);
  });

  it("ends the stream when the request signal aborts (server-side disconnect)", async () => {
    const { app } = make();
    const client = new AbortController();
    const res = await app.fetch(
      new Request("http://x/control/shards/watch", { headers: auth(READ), signal: client.signal }),
    );
    const reader = res.body!.getReader();
    await readUntil(reader, (t) => t.includes("retry:"));
    client.abort();
    expect((await reader.read()).done).toBe(true);
    expect(await metric(app, "shards_http_watchers_active")).toBe("shards_http_watchers_active 0");
  });

  it("accepts access_token on watch only when enabled (EventSource), and only there", async () => {
    const { app } = make(undefined, { allowQueryToken: true });
    const res = await app.request(`/control/shards/watch?access_token=${READ}`);
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect((await app.request(`/control/shards?access_token=${READ}`)).status).toBe(401);
  });

  it("writes one shard.error event and closes when the stream fails after retries", async () => {
    const flaky = new FlakyRepository();
    flaky.failures.watch = 10;
    const time = new VirtualTimeProvider();
    const { app } = make(flaky, {}, { timeProvider: time });
    const res = await app.request("/control/shards/watch", { headers: auth(READ) });
    const reader = res.body!.getReader();
    const pending = readUntil(reader, (t) => t.includes("event: shard.error"));
    await time.advance(100);
    await time.advance(100);
    const text = await pending;
    expect(text).toContain('"code":"shards.control.stream.failure"');
    expect((await reader.read()).done).toBe(true);
  });
});

describe("service faults over HTTP", () => {
  it("a store failure after retries is 503 with its code", async () => {
    const flaky = new FlakyRepository();
    flaky.failures.query = 10;
    const time = new VirtualTimeProvider();
    const { app, logs } = make(flaky, {}, { timeProvider: time });
    let settled = false;
    const pending = Promise.resolve(app.request("/control/shards", { headers: auth(READ) })).finally(() => {
      settled = true;
    });
    // The token check (crypto.subtle) resolves on the real event loop; then the retries wait on virtual time.
    while (!settled) {
      await new Promise((r) => setTimeout(r, 1));
      await time.advance(25);
    }
    const res = await pending;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe(ShardErrorCodes.repositoryFailure);
    expect(logs.some((l) => l.level === "error" && l.code === ShardErrorCodes.repositoryFailure)).toBe(true);
  });

  it("a request canceled by the client is 499 error.canceled", async () => {
    const { app } = make();
    const client = new AbortController();
    client.abort();
    const res = await app.fetch(
      new Request("http://x/control/shards/diff", { headers: auth(), signal: client.signal }),
    );
    expect(res.status).toBe(499);
    expect(((await res.json()) as { code: string }).code).toBe(ErrorCodes.canceled);
  });

  it("a throwing store is a 500 with a generic detail; an unmapped code is a 500 that is counted and logged", async () => {
    const inner = new InMemoryShardRepository();
    let throws = 1;
    const throwing: ShardRepository = Object.assign(Object.create(inner) as ShardRepository, {
      highestPosition: (o?: { signal?: AbortSignal }) => {
        if (throws-- > 0) throw new Error("boom with secrets");
        return inner.highestPosition(o);
      },
      query: async () => err(PipeError.from("odd", "custom.unmapped")),
    });
    const { app, logs } = make(throwing);
    const boom = await app.request("/healthz");
    expect(boom.status).toBe(500);
    const body = (await boom.json()) as { code: string; detail: string };
    expect(body).toMatchObject({ code: ErrorCodes.exception, detail: "An internal error occurred." });
    const odd = await app.request("/control/shards", { headers: auth(READ) });
    expect(odd.status).toBe(500);
    expect(logs.some((l) => l.event === "unmapped-code" && l.code === "custom.unmapped")).toBe(true);
    expect(await metric(app, 'shards_http_unmapped_codes_total{code="custom.unmapped"}')).toBe(
      'shards_http_unmapped_codes_total{code="custom.unmapped"} 1',
    );
  });

  it("a failing simulation worker (reconcile hook) is 500 shards.control.assignment.failed", async () => {
    const repository = new InMemoryShardRepository();
    await seed(repository, "ns", 8, ["a"]);
    const { app } = make(
      repository,
      {},
      {
        reconcile: ({ assignment }) =>
          assignment.shardId === "shard-0003" ? err(PipeError.from("Simulated worker failure.")) : undefined,
      },
    );
    const res = await app.request("/control/shards/simulate", {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] }),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { code: string }).code).toBe(ShardErrorCodes.assignmentFailed);
  });

  it("rejects a declared Content-Length over the limit before reading", async () => {
    const { app } = make(undefined, { maxBodyBytes: 100 });
    const res = await app.request("/control/shards/upsert", {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json", "content-length": "5000000" },
      body: "{}",
    });
    expect(res.status).toBe(413);
  });
});

describe("metrics labels", () => {
  it('counts requests with a method outside the HTTP set under method="other" (each new method was a new series: unbounded on Deno, before any token)', async () => {
    const { app } = make();
    for (let i = 0; i < 50; i++) {
      const res = await app.request("/control/shards", { method: `X${i}${"A".repeat(1_000)}` });
      expect(res.status).toBe(405);
    }
    await app.request("/control/shards", { method: "PATCH" });
    const text = await (await app.request("/metrics", { headers: auth(READ) })).text();
    const rows = text
      .split("\n")
      .filter((l) => l.startsWith('shards_http_requests_total{route="/control/shards"'));
    expect(rows).toEqual([
      'shards_http_requests_total{route="/control/shards",method="other",status="405"} 50',
      'shards_http_requests_total{route="/control/shards",method="PATCH",status="405"} 1',
    ]);
  });
});
