/**
 * A graceful restart of the server process on the same port, with a CLI `watch` and an EventSource client
 * (the `eventsource` package, which follows the WHATWG algorithm browsers use: reconnect with Last-Event-ID
 * when a stream ends or the connection fails, give up for good on a non-200 answer) connected throughout.
 * Writes made after the restart arrive exactly once at both, resumed from the last event id. On Node, Deno and
 * Bun (each bootstrap from source).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventSource } from "eventsource";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli-core.ts";
import { freePort, OPERATOR, READER, startServerProcess, until } from "./support.ts";

const upsert = async (url: string, i: number): Promise<void> => {
  const res = await fetch(`${url}/control/shards/upsert`, {
    method: "POST",
    headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
    body: JSON.stringify({
      namespace: "demo",
      shardId: `shard-${String(i).padStart(2, "0")}`,
      strategyId: "rendezvous",
      ownerNodeId: `node-r${i}`,
      changeTicket: `CHG-R${i}`,
    }),
  });
  expect(res.status).toBe(200);
};

// Each runtime's bootstrap has its own shutdown path (node-server.ts, deno.ts, bun.ts).
describe.each(["node", "deno", "bun"] as const)("graceful restart on %s", (runtime) => {
  it("a CLI watch and an EventSource resume from Last-Event-ID; writes after the restart arrive once", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "shards-restart-"));
    const port = await freePort();
    let server = await startServerProcess(port, dataDir, runtime);
    const url = server.url;
    expect(server.output()).toContain(`store:          PGlite at ${dataDir}`);
    const es = new EventSource(
      `${url}/control/shards/watch?namespace=demo&resumeToken=64&access_token=${READER}`,
    );
    try {
      const esPositions: number[] = [];
      let esFatal = false;
      es.addEventListener("shard.diff", (e) =>
        esPositions.push((JSON.parse(e.data) as { position: number }).position),
      );
      es.addEventListener("error", () => {
        if (es.readyState === EventSource.CLOSED) esFatal = true;
      });

      const out: string[] = [];
      const err: string[] = [];
      const requests: Request[] = [];
      const cli = runCli(
        [
          "watch",
          "--url",
          url,
          "--token",
          READER,
          "--namespace",
          "demo",
          "--from",
          "64",
          "--count",
          "6",
          "--json",
        ],
        {
          stdout: (t) => out.push(t),
          stderr: (t) => err.push(t),
          stderrIsTty: false,
          env: {},
          fetch: (r) => {
            requests.push(r);
            return fetch(r);
          },
        },
      );
      const cliPositions = (): number[] =>
        out
          .join("")
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => (JSON.parse(l) as { position: number }).position);

      await until(
        "both clients connected",
        () => es.readyState === EventSource.OPEN && requests.length === 1,
      );
      for (const i of [1, 2, 3]) await upsert(url, i);
      await until("3 events at both clients", () => esPositions.length === 3 && cliPositions().length === 3);

      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain("SIGTERM: shutting down");
      server = await startServerProcess(port, dataDir, runtime);
      for (const i of [4, 5, 6]) await upsert(url, i);

      expect(await cli).toBe(0);
      await until("6 events at the EventSource", () => esPositions.length >= 6);
      expect(cliPositions()).toEqual([65, 66, 67, 68, 69, 70]);
      expect(esPositions).toEqual([65, 66, 67, 68, 69, 70]);
      // The EventSource reconnected by itself: never a fatal (non-200) answer from the closing server.
      expect(esFatal).toBe(false);
      // The CLI resumed after the last position it printed, and said so on stderr.
      expect(requests.length).toBeGreaterThan(1);
      expect(requests.slice(1).every((r) => r.headers.get("last-event-id") === "67")).toBe(true);
      expect(err.join("")).toMatch(/watch: .*reconnecting after position 67/);
      expect(err.join("")).toContain("watch: resumed after position 67");
    } finally {
      es.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
