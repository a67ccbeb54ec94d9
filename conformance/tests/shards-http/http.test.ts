/**
 * @pipe/shards/http conformance: the shared HTTP suite (packages/shards/test/http/suite.ts) against the BUILT
 * `@pipe/shards/http` app, in-process through `app.fetch(new Request(...))`, over the in-memory and PGlite
 * stores, on Node, Deno and Bun.
 */

import { ErrorCodes } from "@pipe/result";
import { InMemoryShardRepository, ShardControlPlaneService, type ShardRepository } from "@pipe/shards";
import { createShardControlPlaneApp, shardHttpStatuses } from "@pipe/shards/http";
import { PGliteShardRepository } from "@pipe/shards/pglite";
import {
  type HttpFixture,
  httpSuite,
  type SuiteExpect,
  suiteLimits,
  suiteTokens,
} from "../../../packages/shards/test/http/suite.ts";
import { describe, expect, it } from "../../src/harness.ts";

async function seed(repo: ShardRepository, namespace: string, count: number, owners: readonly string[]) {
  for (let i = 0; i < count; i++)
    (
      await repo.upsert({
        namespace,
        shardId: `shard-${String(i).padStart(4, "0")}`,
        strategyId: "rendezvous",
        ownerNodeId: owners[i % owners.length]!,
        capacityHint: 1,
      })
    ).unwrap();
}

function fixture(open: () => Promise<ShardRepository>): () => Promise<HttpFixture> {
  return async () => {
    const repository = await open();
    const service = new ShardControlPlaneService({ repository });
    const app = createShardControlPlaneApp({ service, tokens: suiteTokens.config, ...suiteLimits });
    return {
      fetch: (request) => app.fetch(request),
      seed: (namespace, count, owners) => seed(repository, namespace, count, owners),
      close: () => repository.close(),
    };
  };
}

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

const stores: [string, () => Promise<ShardRepository>][] = [
  ["in-memory", async () => new InMemoryShardRepository()],
  ["pglite", async () => (await PGliteShardRepository.open()).unwrap()],
];

for (const [store, open] of stores)
  httpSuite({
    describe,
    it: (name, fn, timeout) => it(name, fn, timeout ?? 60_000),
    expect: (actual) => expect(actual) as unknown as SuiteExpect,
    store,
    open: fixture(open),
  });
