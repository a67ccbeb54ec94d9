/**
 * @pipe/shards/http conformance: the status table, and the shared HTTP suite (http-fixture.ts) through the built
 * app's fetch handler over the in-memory store, on every runtime: in workerd that handler runs inside a Worker.
 */
import { ErrorCodes } from "@pipe/result";
import { InMemoryShardRepository } from "@pipe/shards";
import { shardHttpStatuses } from "@pipe/shards/http";
import { describe, expect, it } from "../../src/harness.ts";
import { httpStoreSuite } from "./http-fixture.ts";

describe("shards http: status table", () => {
  it("every registered shards.* and error.* code has a status", () => {
    const missing = ErrorCodes.list()
      .map((d) => d.code)
      .filter(
        (c) => (c.startsWith("shards.") || c.startsWith("error.")) && shardHttpStatuses[c] === undefined,
      );
    expect(missing).toEqual([]);
  });
});

httpStoreSuite("in-memory", async () => new InMemoryShardRepository());
