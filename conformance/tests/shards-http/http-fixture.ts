/**
 * The shared HTTP suite (packages/shards/test/http/suite.ts) against the BUILT `@pipe/shards/http` app over one
 * store, through the app's fetch handler (`app.fetch(new Request(...))`, the handler a Worker exports); run by
 * http.test.ts on the in-memory store and by http-pglite.test.ts on PGlite.
 */

import { ShardControlPlaneService, type ShardRepository } from "@pipe/shards";
import { createShardControlPlaneApp } from "@pipe/shards/http";
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

/** Registers the HTTP suite over the store `open` makes, named `store`. */
export function httpStoreSuite(store: string, open: () => Promise<ShardRepository>): void {
  httpSuite({
    describe,
    it: (name, fn, timeout) => it(name, fn, timeout ?? 60_000),
    expect: (actual) => expect(actual) as unknown as SuiteExpect,
    store,
    open: fixture(open),
  });
}
