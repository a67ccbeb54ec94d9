/**
 * The control plane's HTTP boundary under hostile and careless input: whatever arrives in a query string or
 * a body, the answer is a 2xx or a 4xx problem+json with a documented code, never a 5xx or a throw, and a
 * rejected request leaves the store as it was. Identifiers that are special to plain objects (`__proto__`)
 * are counted like any other.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp, shardHttpStatuses } from "../../src/http/index.ts";
import { InMemoryShardRepository, ShardControlPlaneService } from "../../src/index.ts";

const OPS = "ops-token-0123456789abcdef";
const auth = { authorization: `Bearer ${OPS}` };
const meta = { actor: "fuzz", reason: "hostile input" };

function fixture() {
  const repository = new InMemoryShardRepository();
  const service = new ShardControlPlaneService({ repository });
  const app = createShardControlPlaneApp({ service, tokens: [{ token: OPS, scopes: ["shards.operate"] }] });
  const upsert = async (shardId: string, ownerNodeId: string) => {
    const res = await app.request("/control/shards/upsert", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        namespace: "ns",
        shardId,
        strategyId: "rendezvous",
        ownerNodeId,
        changeMetadata: meta,
      }),
    });
    expect(res.status).toBe(201);
  };
  return { app, repository, upsert };
}

/**
 * A 2xx, or a 4xx problem+json whose code has a row in `shardHttpStatuses` with that status (or the one
 * documented 503 a query can ask for: `minPosition` past the store's position, answered with `Retry-After`).
 */
async function expectDocumentedAnswer(res: Response): Promise<void> {
  if (res.status < 400) {
    expect(res.status).toBeLessThan(300);
    await res.body?.cancel();
    return;
  }
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = (await res.json()) as { code: string; status: number };
  if (res.status === 503) {
    expect(problem.code).toBe("shards.control.view.behind");
    expect(res.headers.get("retry-after")).not.toBeNull();
  } else expect(res.status).toBeLessThan(500);
  expect(shardHttpStatuses[problem.code]).toBe(res.status);
  expect(problem.status).toBe(res.status);
}

describe("owner ids that are special to plain objects", () => {
  it("ownership counts an owner named __proto__ in perNode (it vanished: fails without the fix)", async () => {
    const { app, upsert } = fixture();
    for (const owner of ["__proto__", "n1", "constructor"])
      for (let i = 0; i < 2; i++) await upsert(`${owner}-${i}`, owner);
    const res = await app.request("/control/shards/ownership?namespace=ns", { headers: auth });
    const body = (await res.json()) as { shards: number; balance: { perNode: Record<string, number> } };
    expect(body.shards).toBe(6);
    expect(Object.keys(body.balance.perNode).sort()).toEqual(["__proto__", "constructor", "n1"]);
    expect(Object.values(body.balance.perNode)).toEqual([2, 2, 2]);
  });

  it("simulate's balance counts a node named __proto__ (it vanished: fails without the fix)", async () => {
    const { app, upsert } = fixture();
    for (let i = 0; i < 40; i++) await upsert(`s-${i}`, "n1");
    const res = await app.request("/control/shards/simulate", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ namespace: "ns", nodes: [{ nodeId: "__proto__" }, { nodeId: "b" }] }),
    });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as {
      assignments: { ownerNodeId: string }[];
      balance: { perNode: Record<string, number>; mean: number };
    };
    const onProto = plan.assignments.filter((a) => a.ownerNodeId === "__proto__").length;
    expect(onProto).toBeGreaterThan(0);
    expect(Object.keys(plan.balance.perNode).sort()).toEqual(["__proto__", "b"]);
    expect(Object.getOwnPropertyDescriptor(plan.balance.perNode, "__proto__")?.value).toBe(onProto);
    expect(plan.balance.mean).toBe(20);
  });
});

describe("repeated parameters", () => {
  it("ownership rejects a repeated namespace as list does (it answered for the first: fails without the fix)", async () => {
    const { app, upsert } = fixture();
    await upsert("s-0", "n1");
    const res = await app.request("/control/shards/ownership?namespace=ns&namespace=other", {
      headers: auth,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: "error.validation",
      metadata: { issues: [{ path: "$.query.namespace", message: "Expected a single value" }] },
    });
  });
});

describe("percent-escapes that are not UTF-8", () => {
  it("are a 400 naming the parameter on every route, not a lookup of U+FFFD (fails without the fix)", async () => {
    const { app, upsert } = fixture();
    await upsert("s-0", "n1");
    for (const route of ["/control/shards", "/control/shards/ownership", "/control/shards/diff"])
      for (const bytes of ["%FF", "%ED%A0%80", "%C3", "ns%80"]) {
        const res = await app.request(`${route}?namespace=${bytes}`, { headers: auth });
        expect([route, bytes, res.status]).toEqual([route, bytes, 400]);
        expect(await res.json()).toMatchObject({
          code: "error.validation",
          metadata: {
            issues: [{ path: "$.query.namespace", message: "Expected percent-escapes of UTF-8 text" }],
          },
        });
      }
    const fine = await app.request("/control/shards?namespace=%6E%73&search=%C3%A9%F0%9F%98%80", {
      headers: auth,
    });
    expect(fine.status).toBe(200);
  });
});

describe("apply", () => {
  it("rejects a plan naming one shard twice before writing anything (it wrote and rolled back every change, then blamed another actor: fails without the fix)", async () => {
    const { app, repository, upsert } = fixture();
    for (let i = 0; i < 6; i++) await upsert(`s-${i}`, "n1");
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const simulation = (await (
      await post("/control/shards/simulate", { namespace: "ns", nodes: [{ nodeId: "a" }, { nodeId: "b" }] })
    ).json()) as { changes: { shardId: string }[] };
    const head = (await repository.highestPosition()).unwrap();
    const changes = [...simulation.changes, simulation.changes[0]];
    const res = await post("/control/shards/apply", {
      simulation: { ...simulation, changes },
      actor: "fuzz",
      reason: "concatenated plans",
      changeTicket: "T-1",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: "shards.control.plan.invalid",
      metadata: { issues: [{ path: `$.simulation.changes[${changes.length - 1}].shardId` }] },
    });
    expect((await repository.highestPosition()).unwrap()).toBe(head);
  });
});

describe("any query string", () => {
  const PARAMS = [
    "namespace",
    "owner",
    "ownerNodeId",
    "search",
    "status",
    "pageSize",
    "cursor",
    "minPosition",
    "fromPosition",
    "toPosition",
    "from",
    "to",
    "resumeToken",
    "access_token",
    "x",
    "",
  ];
  /** Text, percent-escapes that are not UTF-8 (lone bytes, encoded surrogates), NUL and long runs. */
  const value = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom(
      "%FF",
      "%ED%A0%80",
      "%00",
      "%",
      "%zz",
      "+",
      "%2B",
      "1e3",
      "-1",
      "0",
      "500",
      "501",
      "9007199254740993",
      "AAAA",
      "bnN8YQ",
      "active,bogus",
      "3",
      "__proto__",
      "x".repeat(6000),
    ),
    fc.nat(2000).map(String),
  );
  const query = fc
    .array(fc.tuple(fc.constantFrom(...PARAMS), value), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
  const ROUTES = ["/control/shards", "/control/shards/ownership", "/control/shards/diff"];

  it("answers every read route with a 2xx or a documented 4xx problem+json", async () => {
    const { app, upsert } = fixture();
    await upsert("s-0", "n1");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), query, async (route, q) => {
        await expectDocumentedAnswer(await app.request(`${route}?${q}`, { headers: auth }));
      }),
      { numRuns: 300 },
    );
  });
});
