import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminApp, tokenMatches } from "../src/admin.ts";
import { TenantRouterApp } from "../src/app.ts";
import { escapeLabel } from "../src/metrics.ts";
import { startAdminServer } from "../src/server.ts";
import { type LedgerStore, openStore } from "../src/store.ts";
import type { RunSummary } from "../src/summary.ts";
import { env, type ManualIngress, manualIngress, until } from "./helpers.ts";

const TOKEN = "test-token-1234";

describe("admin API and /metrics", () => {
  let store: LedgerStore;
  let ingress: ManualIngress;
  let app: TenantRouterApp;
  let admin: ReturnType<typeof createAdminApp>;
  let run: Promise<RunSummary>;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, "content-type": "application/json" };

  beforeAll(async () => {
    store = await openStore({ dataDir: "memory://" });
    ingress = manualIngress();
    app = new TenantRouterApp({ store, ingress, tenants: ["acme"] });
    admin = createAdminApp(app, TOKEN);
    run = app.run();
  });
  afterAll(async () => {
    ingress.end();
    await run;
    await store.close();
  });

  it("rejects a missing or non-bearer Authorization header with 401 and a wrong token with 403", async () => {
    const none = await admin.request("/admin/tenants");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(
      (await admin.request("/admin/tenants", { headers: { authorization: `Basic ${btoa("a:b")}` } })).status,
    ).toBe(401);
    expect(
      (await admin.request("/admin/tenants", { headers: { authorization: "Bearer nope" } })).status,
    ).toBe(403);
    const post = await admin.request("/admin/tenants", {
      method: "POST",
      headers: { authorization: "Bearer wrong", "content-type": "application/json" },
      body: JSON.stringify({ tenantId: "evil" }),
    });
    expect(post.status).toBe(403);
    expect((await admin.request("/admin/tenants/acme", { method: "DELETE" })).status).toBe(401);
    expect(app.router.has("evil")).toBe(false);
    expect(app.router.has("acme")).toBe(true);
  });

  it("compares tokens in constant time on digests (any length)", () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches("", TOKEN)).toBe(false);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(() => createAdminApp(app, "")).toThrow(RangeError);
  });

  it("adds a tenant at run time (201), which then receives its envelopes; duplicates 409; bad bodies 400", async () => {
    ingress.push(env("newco", 1));
    await until(() => app.router.snapshot().unknown === 1, 5_000, "unknown dead letter");
    const added = await admin.request("/admin/tenants", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ tenantId: "newco", capacity: 10, overflow: "deadLetter" }),
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      tenantId: "newco",
      state: "running",
      capacity: 10,
      overflow: "deadLetter",
    });
    const dup = await admin.request("/admin/tenants", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ tenantId: "newco" }),
    });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ code: "tenants.duplicate" });
    for (const body of [
      "not json",
      JSON.stringify({}),
      JSON.stringify({ tenantId: "  " }),
      JSON.stringify({ tenantId: "x", capacity: 0 }),
      JSON.stringify({ tenantId: "x", overflow: "nope" }),
    ])
      expect((await admin.request("/admin/tenants", { method: "POST", headers: json, body })).status).toBe(
        400,
      );
    ingress.push(env("newco", 2), env("acme", 1));
    await until(
      () => app.stats.tenant("newco").processed === 1 && app.stats.tenant("acme").processed === 1,
      5_000,
      "processing",
    );
    expect(await store.ledger("newco")).toEqual(["t-newco-2"]);
    const list = await admin.request("/admin/tenants", { headers: auth });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      tenants: { tenantId: string; processed: number }[];
      unknown: number;
    };
    expect(body.tenants.map((t) => t.tenantId).sort()).toEqual(["acme", "newco"]);
    expect(body.unknown).toBe(1);
  });

  it("serves per-tenant counters on /metrics in the Prometheus text format (no token needed)", async () => {
    const res = await admin.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain("# TYPE tenant_router_processed_total counter");
    expect(text).toMatch(/^tenant_router_processed_total\{tenant="acme"\} 1$/m);
    expect(text).toMatch(/^tenant_router_processed_total\{tenant="newco"\} 1$/m);
    expect(text).toMatch(/^tenant_router_tenant_state\{tenant="newco",state="running"\} 1$/m);
    expect(text).toMatch(/^tenant_router_ledger_appended_total\{tenant="newco"\} 1$/m);
    expect(text).toMatch(/^tenant_router_dead_letters_total\{code="tenants.unknown"\} 1$/m);
    expect(text).toMatch(/^tenant_router_unknown_total 1$/m);
    for (const line of text.trim().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it("removes a tenant at run time (200 after its drain); later envelopes are unknown; 404 for no such tenant", async () => {
    const removed = await admin.request("/admin/tenants/newco", { method: "DELETE", headers: auth });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({
      tenantId: "newco",
      removed: true,
      ledger: { processed: 1 },
    });
    expect(app.router.has("newco")).toBe(false);
    expect((await admin.request("/admin/tenants/newco", { method: "DELETE", headers: auth })).status).toBe(
      404,
    );
    ingress.push(env("newco", 3));
    await until(() => app.router.snapshot().unknown === 2, 5_000, "second unknown");
    expect(await store.ledger("newco")).toEqual(["t-newco-2"]);
  });

  it("binds a real server on 127.0.0.1 (health check and token over HTTP)", async () => {
    const server = await startAdminServer(admin, "127.0.0.1", 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/admin/tenants`)).status).toBe(401);
      expect((await fetch(`${server.url}/admin/tenants`, { headers: auth })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
