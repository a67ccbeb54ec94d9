/**
 * Envelopes the store cannot hold as they are: U+0000 or a lone surrogate in the payload (PostgreSQL's jsonb
 * refuses both) or U+0000 in an id (text refuses it). Such an envelope is invalid input: it is dead-lettered
 * with `tenant-router.invalid-envelope`, stored and acknowledged, and its tenant keeps running. Before, every
 * append of it failed: the tenant was restarted, parked and its whole ledger rolled back, and the dead-letter
 * batch holding it (up to 256 rows, other tenants' included) failed to store, so none of them was kept.
 */
import { ResultRetryPolicy, VirtualTimeProvider } from "@pipe/pipeline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdminApp, MAX_TENANT_CAPACITY } from "../src/admin.ts";
import { TenantRouterApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { escapeLabel, renderMetrics } from "../src/metrics.ts";
import { INVALID_ENVELOPE_CODE } from "../src/processor.ts";
import { type LedgerStore, openStore } from "../src/store.ts";
import { drive, env, manualIngress } from "./helpers.ts";

let store: LedgerStore;
beforeEach(async () => {
  store = await openStore({ dataDir: "memory://" });
});
afterEach(async () => {
  await store.close();
});

describe("envelopes the store cannot hold", () => {
  const deadLetters = () =>
    store.query<{ tenant_id: string | null; message_id: string; code: string }>(
      "SELECT tenant_id, message_id, code FROM tenant_router.dead_letters ORDER BY seq",
    );

  it("are dead-lettered with a code while the tenant keeps its ledger and runs on (fails without the fix)", async () => {
    const clock = new VirtualTimeProvider();
    const ingress = manualIngress();
    const app = new TenantRouterApp({
      store,
      ingress,
      tenants: ["acme"],
      retry: ResultRetryPolicy.exponential(2, 50),
      timeProvider: clock,
    });
    const run = app.run();
    for (let n = 1; n <= 3; n++) ingress.push(env("acme", n));
    ingress.push({ tenantId: "acme", messageId: "nul", payload: { text: "a\u0000b" } });
    ingress.push({ tenantId: "acme", messageId: "surrogate", payload: { "\ud800": 1 } });
    ingress.push({ tenantId: "acme", messageId: "id\u0000", payload: 1 });
    for (let n = 4; n <= 5; n++) ingress.push(env("acme", n));
    ingress.end();
    const summary = await drive(run, clock);
    expect(summary.tenants.find((t) => t.tenantId === "acme")).toMatchObject({
      state: "stopped",
      restarts: 0,
    });
    expect(await store.ledger("acme")).toEqual(["t-acme-1", "t-acme-2", "t-acme-3", "t-acme-4", "t-acme-5"]);
    expect((await deadLetters()).map((d) => [d.message_id, d.code])).toEqual([
      ["nul", INVALID_ENVELOPE_CODE],
      ["surrogate", INVALID_ENVELOPE_CODE],
      [JSON.stringify("id\u0000").slice(1, -1), INVALID_ENVELOPE_CODE],
    ]);
    expect(ingress.acked).toHaveLength(8);
    expect(summary.deadLetterStoreFailures).toBe(0);
  });

  it("an unknown tenant id with U+0000 does not keep the dead letters batched with it from being stored (fails without the fix)", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({ store, ingress, tenants: [] });
    const run = app.run();
    ingress.push(
      env("ghost", 1),
      { tenantId: "ghost\u0000", messageId: "g", payload: "x\u0000" },
      env("ghost", 2),
    );
    ingress.end();
    const summary = await run;
    expect(summary.deadLetterStoreFailures).toBe(0);
    expect((await deadLetters()).map((d) => d.message_id)).toEqual(["t-ghost-1", "g", "t-ghost-2"]);
    expect(ingress.acked).toHaveLength(3);
  });
});

/** A running app with tenant `acme` and its admin API; `post` sends a body to `POST /admin/tenants`. */
function runningAdmin() {
  const ingress = manualIngress();
  const app = new TenantRouterApp({ store, ingress, tenants: ["acme"] });
  const admin = createAdminApp(app, "test-token-1234");
  const run = app.run();
  const auth = { authorization: "Bearer test-token-1234", "content-type": "application/json" };
  const post = (body: string) => admin.request("/admin/tenants", { method: "POST", headers: auth, body });
  const stop = async () => {
    ingress.end();
    await run;
  };
  return { app, admin, auth, post, stop };
}

describe("the admin API under careless and hostile bodies", () => {
  it("rejects tenant ids the store or the routing cannot use, unbounded capacities and oversized bodies; nothing is added (fails without the fix)", async () => {
    const { app, post, stop } = runningAdmin();
    const cases: [string, number][] = [
      [JSON.stringify({ tenantId: "nul\u0000" }), 400],
      [JSON.stringify({ tenantId: "\ud800" }), 400],
      [JSON.stringify({ tenantId: "tab\tin" }), 400],
      [JSON.stringify({ tenantId: " padded " }), 400],
      [JSON.stringify({ tenantId: "zero\u200bwidth" }), 400],
      [JSON.stringify({ tenantId: "rlo\u202eeulav" }), 400],
      [JSON.stringify({ tenantId: "soft\u00adhyphen" }), 400],
      [JSON.stringify({ tenantId: "\ufeffbom" }), 400],
      [JSON.stringify({ tenantId: "line\u2028sep" }), 400],
      ['{"tenantId":"big","capacity":1e300}', 400],
      [JSON.stringify({ tenantId: "big", capacity: MAX_TENANT_CAPACITY + 1 }), 400],
      [JSON.stringify({ tenantId: "neg", capacity: -1 }), 400],
      [JSON.stringify({ tenantId: "half", capacity: 0.5 }), 400],
      [JSON.stringify({ tenantId: "text", capacity: "10" }), 400],
      [JSON.stringify({ tenantId: "null", capacity: null }), 400],
      ['{"tenantId":"inf","capacity":1e309}', 400],
      ['{"tenantId":"ninf","capacity":-1e309}', 400],
      [JSON.stringify({ tenantId: "huge", pad: "x".repeat(70_000) }), 413],
    ];
    for (const [body, status] of cases) {
      const res = await post(body);
      expect([body.slice(0, 40), res.status]).toEqual([body.slice(0, 40), status]);
    }
    expect(app.router.snapshot().tenants.map((t) => t.tenantId)).toEqual(["acme"]);
    expect((await post(JSON.stringify({ tenantId: "max", capacity: MAX_TENANT_CAPACITY }))).status).toBe(201);
    await stop();
  });
});

describe("admin API errors", () => {
  it("are application/problem+json with a code, like the shard control plane's (fails without the fix)", async () => {
    const { admin, auth, post, stop } = runningAdmin();
    const cases: [string, Response | Promise<Response>, number, string][] = [
      ["no token", admin.request("/admin/tenants"), 401, "tenant-router.http.unauthorized"],
      [
        "wrong token",
        admin.request("/admin/tenants", { headers: { authorization: "Bearer nope" } }),
        403,
        "tenant-router.http.forbidden",
      ],
      ["not JSON", post("{"), 400, "tenant-router.http.json.malformed"],
      ["no id", post("{}"), 400, "error.validation"],
      ["bad id", post(JSON.stringify({ tenantId: "\ud800" })), 400, "error.validation"],
      ["bidi id", post(JSON.stringify({ tenantId: "ac\u202eme" })), 400, "error.validation"],
      ["bad capacity", post(JSON.stringify({ tenantId: "x", capacity: -1 })), 400, "error.validation"],
      ["bad overflow", post(JSON.stringify({ tenantId: "x", overflow: "nope" })), 400, "error.validation"],
      [
        "too large",
        post(JSON.stringify({ tenantId: "x", pad: "x".repeat(70_000) })),
        413,
        "tenant-router.http.payload_too_large",
      ],
      ["duplicate", post(JSON.stringify({ tenantId: "acme" })), 409, "tenants.duplicate"],
      [
        "remove unknown",
        admin.request("/admin/tenants/ghost", { method: "DELETE", headers: auth }),
        404,
        "tenants.not_found",
      ],
      ["no route", admin.request("/nope"), 404, "tenant-router.http.route.not_found"],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      const body = (await res.json()) as Record<string, unknown>;
      expect([name, res.status, res.headers.get("content-type"), body.status, body.code]).toEqual([
        name,
        status,
        "application/problem+json",
        status,
        code,
      ]);
      expect(body).toMatchObject({
        type: `urn:pipe:error:${code}`,
        title: expect.any(String),
        detail: expect.any(String),
      });
    }
    const invalid = (await (await post(JSON.stringify({ tenantId: "x", capacity: 1.5 }))).json()) as {
      metadata: { issues: { path: string }[] };
    };
    expect(invalid.metadata.issues.map((i) => i.path)).toEqual(["$.capacity"]);
    const invisible = (await (await post(JSON.stringify({ tenantId: "zero\u200bwidth" }))).json()) as {
      metadata: { issues: { path: string }[] };
    };
    expect(invisible.metadata.issues.map((i) => i.path)).toEqual(["$.tenantId"]);
    expect((await admin.request("/admin/tenants")).headers.get("www-authenticate")).toContain("Bearer");
    await stop();
  });
});

describe("tenant ids from envelopes in /metrics", () => {
  /** One sample line per series, label values escaped as the Prometheus text format (0.0.4) wants them. */
  const SAMPLE = /^[a-z_]+(\{([a-z]+="([^"\\\n]|\\[\\"n])*",?)*\})? -?\d+(\.\d+)?$/;
  const LONE_SURROGATE = /\p{Cs}/u;

  it("never creates a tenant or a series from an id the admin API would refuse: tenants.key.invalid (fails without the fix)", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({
      store,
      ingress,
      tenants: ["acme"],
      unknownTenant: "createOnFirstSight",
    });
    const admin = createAdminApp(app, "test-token-1234");
    const run = app.run();
    const bad = [
      "\ud800",
      "a\udc00b",
      "tab\tin",
      "new\nline",
      " padded",
      "x".repeat(201),
      "ac\u200bme",
      "\u202eemca",
      "acme\u00ad",
      "\ufeffacme",
      "ac\u2029me",
    ];
    for (const [i, tenantId] of bad.entries()) ingress.push({ tenantId, messageId: `bad-${i}`, payload: i });
    ingress.push({ tenantId: 'quo"te\\back', messageId: "q", payload: 1 });
    ingress.end();
    const summary = await run;
    expect(
      app.router
        .snapshot()
        .tenants.map((t) => t.tenantId)
        .sort(),
    ).toEqual(["acme", 'quo"te\\back']);
    expect(summary.deadLetterStoreFailures).toBe(0);
    const letters = await store.query<{ tenant_id: string | null; message_id: string; code: string }>(
      "SELECT tenant_id, message_id, code FROM tenant_router.dead_letters ORDER BY seq",
    );
    expect(letters.map((d) => [d.tenant_id, d.message_id, d.code])).toEqual(
      bad.map((_, i) => [null, `bad-${i}`, "tenants.key.invalid"]),
    );
    const text = await (await admin.request("/metrics")).text();
    expect(LONE_SURROGATE.test(text)).toBe(false);
    for (const line of text.trim().split("\n")) if (!line.startsWith("#")) expect(line).toMatch(SAMPLE);
    expect(text).toContain('tenant_router_processed_total{tenant="quo\\"te\\\\back"} 1');
    expect(app.stats.tenants.has("\ud800")).toBe(false);
  });

  it("unknown tenants under deadLetter add no series for an unusable id either (fails without the fix)", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({ store, ingress, tenants: [] });
    const run = app.run();
    ingress.push({ tenantId: "\ud800", messageId: "m", payload: 1 });
    ingress.end();
    await run;
    const text = renderMetrics(app.router.snapshot(), app.stats, ingress.stats);
    expect(LONE_SURROGATE.test(text)).toBe(false);
  });

  it("labels stay well-formed for ids registered in code, past the app's checks", () => {
    const escaped = escapeLabel('a\ud800\\"\n\udc00');
    expect(LONE_SURROGATE.test(escaped)).toBe(false);
    expect(escaped).toBe('a\ufffd\\\\\\"\\n\ufffd');
    expect(escapeLabel("\ud83d\ude00")).toBe("\ud83d\ude00");
  });

  it("the app and the CLI refuse such ids among the tenants registered at start", () => {
    expect(
      () => new TenantRouterApp({ store, ingress: manualIngress(), tenants: ["ok", "bad\u0000"] }),
    ).toThrow(RangeError);
    expect(() => parseConfig(["--tenants", "a,b\u0085c"], {})).toThrow(RangeError);
  });
});

describe("envelopes for tenants nobody registered", () => {
  it("add no per-tenant counters or /metrics series, however many ids arrive (fails without the fix)", async () => {
    const ingress = manualIngress();
    const app = new TenantRouterApp({ store, ingress, tenants: ["acme"] });
    const run = app.run();
    for (let n = 0; n < 200; n++) ingress.push(env(`ghost-${n}`, n));
    ingress.push(env("acme", 1));
    ingress.end();
    const summary = await run;
    expect(summary.deadLetterStoreFailures).toBe(0);
    expect(app.router.snapshot().unknown).toBe(200);
    expect([...app.stats.tenants.keys()]).toEqual(["acme"]);
    expect(renderMetrics(app.router.snapshot(), app.stats, ingress.stats)).not.toContain("ghost-");
  });
});
