/**
 * Issue 14 item 3: one identifier grammar at every boundary, lookups lenient enough that legacy rows stay
 * reachable, cursors validated on decode, no driver text in any response, client-data errors never retried.
 */
import { PGlite } from "@electric-sql/pglite";
import { VirtualTimeProvider } from "@pipe/channels";
import { ErrorCodes, err, type Result } from "@pipe/result";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createShardControlPlaneApp, type ShardHttpLogEntry } from "../src/http/index.ts";
import {
  InMemoryShardRepository,
  ShardControlPlaneService,
  ShardErrorCodes,
  ShardFilter,
  ShardIdentifierLimits,
  type ShardListPage,
  type ShardRepository,
  shardIdentifierProblem,
  shardLookupProblem,
  shardTextProblem,
} from "../src/index.ts";
import { repositoryFailure } from "../src/internal/store-common.ts";
import { PGliteShardRepository } from "../src/pglite/index.ts";
import { FlakyRepository, mutation } from "./support.ts";

const encoder = new TextEncoder();
const wellFormed = (s: string): boolean => new TextDecoder().decode(encoder.encode(s)) === s;
const TAMPERED = "AGVtb3xzaGFyZC0wMQ"; // base64url of "\0emo|shard-01"

let engine: Promise<PGlite> | undefined;
let schemas = 0;
const pglite = async (): Promise<PGliteShardRepository> => {
  engine ??= PGlite.create();
  return (await PGliteShardRepository.open({ pglite: await engine, schema: `ids_${schemas++}` })).unwrap();
};
afterAll(async () => {
  await (await engine)?.close();
});

describe("the identifier grammar", () => {
  it("accepts 1..512 UTF-8 bytes of well-formed text without control characters or surrounding space", () => {
    expect(ShardIdentifierLimits).toEqual({ maxBytes: 512, lookupMaxBytes: 4096 });
    for (const ok of ["a", "shard-01", "ß İ ς %_|", "€".repeat(170), "😀".repeat(128), "x".repeat(512)])
      expect(shardIdentifierProblem(ok)).toBeUndefined();
    const bad: [string, RegExp][] = [
      ["", /non-empty/],
      ["   ", /non-blank/],
      [" a", /white space/],
      ["a\u00a0", /white space/],
      ["a\u0000b", /control/],
      ["a\tb", /control/],
      ["a\u007fb", /control/],
      ["a\u0085b", /control/],
      ["a\ud800b", /lone surrogate/],
      ["\udc00", /lone surrogate/],
      ["x".repeat(513), /512 UTF-8 bytes/],
      ["€".repeat(171), /512 UTF-8 bytes/],
      [`${"😀".repeat(128)}x`, /512 UTF-8 bytes/],
    ];
    for (const [value, message] of bad) expect(shardIdentifierProblem(value)).toMatch(message);
  });

  it("matches its definition for arbitrary strings (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 40 }),
          fc.string({ unit: fc.constantFrom("a", "€", "😀", "\ud800", "\u0000", " ", "\t"), maxLength: 300 }),
        ),
        (s) => {
          const expected =
            s.length > 0 &&
            wellFormed(s) &&
            !/\p{Cc}/u.test(s) &&
            s.trim() === s &&
            encoder.encode(s).length <= 512;
          expect(shardIdentifierProblem(s) === undefined).toBe(expected);
          const lookup = wellFormed(s) && !s.includes("\u0000") && encoder.encode(s).length <= 4096;
          expect(shardLookupProblem(s) === undefined).toBe(lookup);
          expect(shardTextProblem(s) === undefined).toBe(wellFormed(s) && !s.includes("\u0000"));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

const stores: [string, () => Promise<ShardRepository>][] = [
  ["in-memory", async () => new InMemoryShardRepository()],
  ["pglite", pglite],
];

describe.each(stores)("every store rejects bad ids at the boundary (%s)", (_name, open) => {
  it("upsert, filters and cursors: 400-class codes, nothing reaches the store, nothing retried", async () => {
    const counting = new FlakyRepository(await open());
    const service = new ShardControlPlaneService({ repository: counting });
    const bad = [
      mutation("ns", "a\u0000b", "n"),
      mutation("n\u0000s", "a", "n"),
      mutation("ns", "a", "n\u0000"),
      mutation("ns", "a\ud800", "n"),
      mutation("ns", "x".repeat(3000), "n"),
      mutation("ns", "a\nb", "n"),
      mutation("ns", " a", "n"),
      mutation("ns", "a", "n", { leaderId: "l\u0001" }),
      mutation("ns", "a", "n", { changeMetadata: { actor: "a\u0000", reason: "r" } }),
    ];
    for (const m of bad) {
      const r = await service.upsert(m);
      expect(r.error?.code, JSON.stringify(m).slice(0, 80)).toBe(ErrorCodes.validation);
      expect(r.error?.metadata.issues).toHaveLength(1);
    }
    expect(counting.calls.upsert).toBeUndefined();
    for (const f of [{ namespace: "a\u0000" }, { ownerNodeId: "\ud800" }, { search: "%\u0000" }]) {
      const filter = ShardFilter.create(f);
      expect((await service.list(filter)).error?.code).toBe(ErrorCodes.validation);
      expect((await service.diff(null, null, filter)).error?.code).toBe(ErrorCodes.validation);
      expect((await service.collectWatch(0, filter)).error?.code).toBe(ErrorCodes.validation);
    }
    const tampered = await service.list(ShardFilter.all, { cursor: TAMPERED });
    expect(tampered.error?.code).toBe(ShardErrorCodes.cursorInvalid);
    expect(counting.calls.query).toBeUndefined();
    await counting.close();
  });

  it("the store itself refuses text it cannot hold exactly, identically, when called directly", async () => {
    const repo = await open();
    for (const m of [mutation("ns", "a\u0000", "n"), mutation("ns", "a\udfff", "n")])
      expect((await repo.upsert(m)).error?.code).toBe(ErrorCodes.validation);
    expect((await repo.get({ namespace: "ns", shardId: "\u0000" })).error?.code).toBe(ErrorCodes.validation);
    expect((await repo.list("\u0000")).error?.code).toBe(ErrorCodes.validation);
    const q = await repo.query({ pageSize: 10, cursor: { namespace: "\u0000emo", shardId: "shard-01" } });
    expect(q.error?.code).toBe(ErrorCodes.validation);
    expect((await repo.highestPosition()).unwrap()).toBe(0);
    await repo.close();
  });

  it("a well-formed id at the cap pages without looping; lone surrogates never get in", async () => {
    const repo = await open();
    const service = new ShardControlPlaneService({ repository: repo });
    const ids = ["\ufffd", "😀", "\uffff", "a", "€".repeat(170)];
    for (const id of ids) (await service.upsert(mutation("ns", id, "n"))).unwrap();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: ShardListPage = (await service.list(ShardFilter.all, { pageSize: 1, cursor })).unwrap();
      seen.push(...page.items.map((r) => r.shardId));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect([...seen].sort()).toEqual([...ids].sort());
    await repo.close();
  });
});

describe("SQL faults never show driver text and client-data faults are not retried", () => {
  it("PGlite refusing a value gives repository.rejected with a generic message and the SQLSTATE", async () => {
    const repo = await pglite();
    // Bypasses the grammar on purpose: an incompressible key over PostgreSQL's B-tree entry limit.
    const random = Array.from({ length: 1500 }, (_, i) =>
      String.fromCharCode(0x4e00 + ((i * 7919) % 20000)),
    ).join("");
    const r = await repo.upsert(mutation("ns", random, "n"));
    expect(r.error?.code).toBe(ShardErrorCodes.repositoryRejected);
    expect(r.error?.message).toBe("The shard store rejected the request's data.");
    expect(r.error?.metadata).toMatchObject({ stage: "shards.repository.upsert", sqlState: "54000" });
    expect(String((r.error?.cause as Error | undefined)?.message)).toMatch(/index row/);
    await repo.close();
  });

  it("the service does not retry rejected data (repository.failure alone is retried)", async () => {
    let calls = 0;
    const inner = new InMemoryShardRepository();
    const repository: ShardRepository = Object.assign(Object.create(inner) as ShardRepository, {
      query: async (): Promise<Result<never>> => {
        calls++;
        const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
          code: "22021",
        });
        return err(repositoryFailure(cause, "shards.repository.query"));
      },
    });
    // The virtual clock never advances: a retry would wait forever, so resolving proves there was none.
    const service = new ShardControlPlaneService({ repository, timeProvider: new VirtualTimeProvider() });
    const rejected = await service.list(ShardFilter.all);
    expect(rejected.error?.code).toBe(ShardErrorCodes.repositoryRejected);
    expect(rejected.error?.message).not.toMatch(/byte sequence/);
    expect(calls).toBe(1);
  });
});

describe("HTTP: bad ids and cursors are 400 problems with a code, never 503 or 304", () => {
  const OPS = "ops-token-0123456789abcdef";
  const auth = { authorization: `Bearer ${OPS}` };
  const app = async (repository: ShardRepository) => {
    const logs: ShardHttpLogEntry[] = [];
    const service = new ShardControlPlaneService({ repository });
    const hono = createShardControlPlaneApp({
      service,
      tokens: [{ name: "ops", token: OPS, scopes: ["shards.operate", "shards.read"] }],
      log: (e) => logs.push(e),
    });
    return { hono, service, logs };
  };

  it.each(stores)("%s", async (_name, open) => {
    const repo = await open();
    const { hono, service } = await app(repo);
    (await service.upsert(mutation("ns", "shard-01", "n"))).unwrap();
    const expectProblem = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe(code);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(body.detail).not.toMatch(/byte sequence|UTF8|index row|postgres/i);
      return body;
    };
    for (const q of ["namespace=%00", "owner=a%00", "search=%25%00", "cursor=x&namespace=%00"])
      await expectProblem(
        await hono.request(`/control/shards?${q}`, { headers: auth }),
        400,
        "error.validation",
      );
    await expectProblem(
      await hono.request(`/control/shards?cursor=${TAMPERED}`, { headers: auth }),
      400,
      ShardErrorCodes.cursorInvalid,
    );
    // A matching If-None-Match does not hide an invalid cursor.
    const etag = (await hono.request("/control/shards", { headers: auth })).headers.get("etag")!;
    await expectProblem(
      await hono.request(`/control/shards?cursor=${TAMPERED}`, {
        headers: { ...auth, "if-none-match": etag },
      }),
      400,
      ShardErrorCodes.cursorInvalid,
    );
    expect(
      (await hono.request("/control/shards", { headers: { ...auth, "if-none-match": etag } })).status,
    ).toBe(304);
    for (const shardId of ["a\u0000b", "x".repeat(3000), "a\ud800"]) {
      const res = await hono.request("/control/shards/upsert", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ namespace: "ns", shardId, strategyId: "ring", ownerNodeId: "n" }),
      });
      const body = await expectProblem(res, 400, "error.validation");
      expect(body.detail).toMatch(/\$\.shardId/);
    }
    expect((await repo.highestPosition()).unwrap()).toBe(1);
    await repo.close();
  });

  it("a store failure's problem has a generic detail; the driver's text goes to the log only", async () => {
    const flaky = new FlakyRepository(await pglite());
    const { hono, logs } = await app(flaky);
    const cause = Object.assign(new Error('relation "x" does not exist'), { code: "42P01" });
    flaky.query = async () => err(repositoryFailure(cause, "shards.repository.query"));
    const res = await hono.request("/control/shards", { headers: auth });
    const body = (await res.json()) as { code: string; detail: string; metadata: Record<string, unknown> };
    expect(res.status).toBe(503);
    expect(body.code).toBe(ShardErrorCodes.repositoryFailure);
    expect(body.detail).toBe("The shard store failed.");
    expect(JSON.stringify(body)).not.toMatch(/relation/);
    expect(logs.find((l) => l.event === "error")?.cause).toBe('relation "x" does not exist');
    await flaky.close();
  });
});
