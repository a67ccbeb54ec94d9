/**
 * `POST /control/shards/simulate` in pages over HTTP, and other requests served while a large simulation runs
 * and while its whole (unpaged) body is written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp } from "../../src/http/index.ts";
import { streamedJsonResponse } from "../../src/http/internal/json-stream.ts";
import { InMemoryShardRepository, ShardControlPlaneService, type ShardRecord } from "../../src/index.ts";
import { seed } from "../support.ts";
import { readWhileAnswering } from "./streamed.ts";

const OPS = "ops-token-0123456789abcdef";
const headers = { authorization: `Bearer ${OPS}`, "content-type": "application/json" };
const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ nodeId: `node-${i}` }));

async function make(shards: number) {
  const repository = new InMemoryShardRepository();
  await seed(repository, "ns", shards, ["node-0", "old"]);
  const service = new ShardControlPlaneService({ repository });
  const app = createShardControlPlaneApp({ service, tokens: [{ token: OPS, scopes: ["shards.operate"] }] });
  return { app, service };
}

/** A namespace "big" of `count` shards, all on `node-0`, answered by the repository's `list`. */
function bigNamespace(service: ShardControlPlaneService, count: number): void {
  const records: ShardRecord[] = Array.from({ length: count }, (_, i) => ({
    namespace: "big",
    shardId: `s-${String(i).padStart(6, "0")}`,
    strategyId: "rendezvous",
    ownerNodeId: "node-0",
    leaderId: null,
    capacityHint: 1,
    status: "active",
    version: 1,
    checksum: "0",
    updatedAt: "2025-01-01T00:00:00.000Z",
    changeTicket: null,
  }));
  const repository = service.repository as InMemoryShardRepository;
  const list = repository.list.bind(repository);
  repository.list = async (namespace, options) =>
    namespace === "big"
      ? ((await list("ns", options)).map(() => records) as never)
      : list(namespace, options);
}

describe("a whole simulation's body", () => {
  it("is JSON.stringify of the value, whatever the value", async () => {
    const value = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const field = fc.oneof(value, fc.array(value, { maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.dictionary(fc.string(), field), fc.array(value)), async (object) => {
        const res = streamedJsonResponse(object);
        expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(await res.text()).toBe(JSON.stringify(object));
      }),
      { numRuns: 200 },
    );
  });

  it("is JSON.stringify of pieces that straddle a chunk or are longer than one, in any script", async () => {
    // Chunks hold 128 KB; a piece is encoded into the chunk only when it fits even at 3 bytes per unit.
    const long = (unit: string, n: number) => unit.repeat(n);
    const object = {
      a: [long("x", 40_000), long("é", 50_000), long("😀", 30_000), "z"],
      b: long("€", 200_000),
      c: Array.from({ length: 5_000 }, (_, i) => ({ i, s: long("ü", i % 97) })),
    };
    const res = streamedJsonResponse(object);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const expected = new TextEncoder().encode(JSON.stringify(object));
    expect(bytes.length).toBe(expected.length);
    expect(bytes.findIndex((b, i) => b !== expected[i])).toBe(-1);
  });

  it("is the simulation's JSON, and other requests are answered while it is written", async () => {
    const { app, service } = await make(1);
    // Enough shards for a body of many chunks (about 7 MB); two nodes keep the placement itself short.
    bigNamespace(service, 50_000);
    const res = await app.request("/control/shards/simulate", {
      method: "POST",
      headers,
      body: JSON.stringify({ namespace: "big", nodes: nodes(2) }),
    });
    expect(res.status).toBe(200);
    // A request arriving after the body started must be answered before the body ends, which only happens
    // when writing the body yields to the event loop between chunks.
    const { text, chunksAfterAnswer } = await readWhileAnswering(res, () =>
      app.request("/control/shards?namespace=ns", { headers }),
    );
    expect(chunksAfterAnswer).toBeGreaterThan(0);
    const simulation = JSON.parse(text) as { assignments: unknown[]; changes: unknown[]; moves: number };
    expect(simulation.assignments).toHaveLength(50_000);
    expect(simulation.changes.length).toBe(simulation.moves);
  });
});

describe("simulate in pages over HTTP", () => {
  it("pages by cursor to the same plan as one simulation", async () => {
    const { app } = await make(23);
    const body = JSON.stringify({ namespace: "ns", nodes: nodes(4) });
    const whole = await (
      await app.request("/control/shards/simulate", { method: "POST", headers, body })
    ).json();
    const assignments: unknown[] = [];
    const changes: unknown[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const q: string = cursor === null ? "pageSize=5" : `pageSize=5&cursor=${cursor}`;
      const res = await app.request(`/control/shards/simulate?${q}`, { method: "POST", headers, body });
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        assignments: unknown[];
        changes: unknown[];
        nextCursor: string | null;
        version: number;
      };
      expect(page.version).toBe(23);
      assignments.push(...page.assignments);
      changes.push(...page.changes);
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(assignments).toEqual(whole.assignments);
    expect(changes).toEqual(whole.changes);
  });

  it("answers 400 for a page size out of range, a broken cursor and unknown parameters", async () => {
    const { app } = await make(3);
    const body = JSON.stringify({ namespace: "ns", nodes: nodes(2) });
    for (const [q, code] of [
      ["pageSize=0", "error.validation"],
      ["pageSize=10001", "error.validation"],
      ["cursor=%21%21", "shards.control.cursor.invalid"],
      ["pages=2", "error.validation"],
    ] as const) {
      const res = await app.request(`/control/shards/simulate?${q}`, { method: "POST", headers, body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe(code);
    }
  });

  it("serves other requests while a large simulation runs", async () => {
    const { app, service } = await make(1);
    // A namespace big enough for many slices of placement work (40,000 shards × 64 nodes).
    bigNamespace(service, 40_000);
    let done = false;
    const simulation = Promise.resolve(
      app.request("/control/shards/simulate", {
        method: "POST",
        headers,
        body: JSON.stringify({ namespace: "big", nodes: nodes(64) }),
      }),
    ).then(async (res) => {
      const answer = (await res.json()) as { assignments: unknown[] };
      done = true;
      return answer;
    });
    // Requests arrive as macrotasks (I/O): one queued after the simulation started must be answered before the
    // simulation is, which only happens when the simulation yields to the event loop between slices.
    const answeredWhileRunning = await new Promise<boolean[]>((resolve) => {
      setTimeout(async () => {
        const seen: boolean[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await app.request("/control/shards?namespace=ns", { headers });
          expect(res.status).toBe(200);
          seen.push(!done);
        }
        resolve(seen);
      }, 0);
    });
    expect(answeredWhileRunning).toEqual([true, true, true]);
    expect((await simulation).assignments).toHaveLength(40_000);
  });
});
