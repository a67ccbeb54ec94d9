import { afterAll, describe, expect, it } from "vitest";
import { connectRedis, produce, TenantStreams } from "../src/stream-ingress.ts";
import { cleanup, REDIS_URL, serversMissing, uniqueName, until } from "./helpers.ts";

const missing = await serversMissing();
if (missing !== undefined) console.log(`tenant-cluster stream tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)("tenant streams on Redis", () => {
  const prefix = uniqueName("tc-streams");
  afterAll(() => cleanup(uniqueName("tc_unused"), prefix));

  it("keeps reading after its connections are dropped, from the same cursors (nothing skipped, nothing twice)", async () => {
    const streams = await TenantStreams.connect({ url: REDIS_URL, prefix, readAhead: 1_000, blockMs: 50 });
    const admin = await connectRedis(REDIS_URL);
    try {
      const ids = [
        await streams.commands.sendCommand(["CLIENT", "ID"]),
        await streams.blocking.sendCommand(["CLIENT", "ID"]),
      ];
      const send = (from: number, n: number) =>
        produce({
          url: REDIS_URL,
          prefix,
          envelopes: Array.from({ length: n }, (_, i) => ({
            tenantId: "acme",
            messageId: `m${from + i}`,
            payload: i,
          })),
        });
      await send(0, 10);
      streams.open("acme", 1, "0-0");
      const got: string[] = [];
      const reading = (async () => {
        for await (const e of streams.reader) {
          got.push(e.messageId);
          streams.done(e);
        }
      })();
      await until(() => got.length === 10, 10_000, "the first 10 envelopes");
      // The server drops both connections (a restart, a proxy, an idle timeout); traffic goes on meanwhile.
      for (const id of ids) await admin.sendCommand(["CLIENT", "KILL", "ID", String(id)]);
      await send(10, 10);
      await until(() => got.length === 20, 10_000, "the envelopes sent after the connections dropped");
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      await until(
        async () => (await streams.tenants().catch((): string[] => [])).includes("acme"),
        10_000,
        "commands to work again",
      );
      await streams.close();
      await reading;
    } finally {
      await streams.close();
      await admin.close();
    }
  });

  it("discovers only tenant ids the router accepts: invisible or bidi ids never become shards", async () => {
    const streams = await TenantStreams.connect({ url: REDIS_URL, prefix, readAhead: 10, blockMs: 50 });
    try {
      const ids = ["acme", "ac\u202eme", "zero\u200bwidth", " padded", "soft\u00adhyphen"];
      await produce({
        url: REDIS_URL,
        prefix,
        envelopes: ids.map((tenantId, i) => ({ tenantId, messageId: `d${i}`, payload: i })),
      });
      expect(await streams.tenants()).toEqual(["acme"]);
    } finally {
      await streams.close();
    }
  });
});
