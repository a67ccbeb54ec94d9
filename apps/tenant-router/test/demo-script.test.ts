import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDemoScript } from "../src/demo.ts";
import { generateEnvelopes } from "../src/generator.ts";
import { createMemoryIngress } from "../src/memory-ingress.ts";

describe("the demo script's feed gate", () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeEach(async () => {
    seen.length = 0;
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(req.method === "POST" ? 201 : 200).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
  });

  it("holds the feed at 30% and 60% until the router drained and the admin call was answered", async () => {
    let routed = 0;
    const log: string[] = [];
    const script = createDemoScript(
      { url, token: "t" },
      10,
      (fed) => routed >= fed,
      (l) => log.push(l),
      new AbortController().signal,
    );
    expect(script.gate(0)).toBeUndefined();
    expect(script.gate(2)).toBeUndefined();
    const held = script.gate(3) as Promise<void>;
    let released = false;
    void held.then(() => (released = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(released).toBe(false); // the router has not taken the first 3 yet
    expect(seen).toEqual([]);
    routed = 3;
    await held;
    expect(seen).toEqual(["POST /admin/tenants"]);
    expect(script.gate(4)).toBeUndefined();
    routed = 6;
    await script.gate(6);
    expect(seen).toEqual(["POST /admin/tenants", "DELETE /admin/tenants/initech"]);
    expect(script.gate(7)).toBeUndefined();
    await script.done;
    expect(log.map((l) => l.split(" -> ")[1]?.slice(0, 3))).toEqual(["201", "200"]);
  });

  it("a feed that reaches a mark late (or both at once) still runs each call once, in order", async () => {
    const script = createDemoScript(
      { url, token: "t" },
      10,
      () => true,
      () => {},
      new AbortController().signal,
    );
    await script.gate(9);
    expect(seen).toEqual(["POST /admin/tenants", "DELETE /admin/tenants/initech"]);
    expect(script.gate(9)).toBeUndefined();
  });

  it("an abort releases a held feed without calling the admin API", async () => {
    const stop = new AbortController();
    const script = createDemoScript(
      { url, token: "t" },
      10,
      () => false,
      () => {},
      stop.signal,
    );
    const held = script.gate(3) as Promise<void>;
    stop.abort();
    await held;
    await script.done;
    expect(seen).toEqual([]);
  });

  it("the in-memory ingress's close() releases a feed held by its gate", async () => {
    const ingress = createMemoryIngress({
      envelopes: generateEnvelopes({ tenants: ["a"], count: 10, runId: "r" }),
      gate: (fed) => (fed === 2 ? new Promise<void>(() => {}) : undefined), // never settles
    });
    ingress.start?.();
    await new Promise((r) => setTimeout(r, 20));
    expect(ingress.stats.read).toBe(2);
    await ingress.close(); // would hang before the fix
    expect(ingress.stats.read).toBe(2);
  });
});
