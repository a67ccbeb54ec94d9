/**
 * Runs the shared HTTP suite on source, over the in-memory and PGlite (in memory) stores.
 */
import { describe, expect, it } from "vitest";
import { createShardControlPlaneApp } from "../../src/http/index.ts";
import { InMemoryShardRepository, ShardControlPlaneService, type ShardRepository } from "../../src/index.ts";
import { PGliteShardRepository } from "../../src/pglite/index.ts";
import { seed } from "../support.ts";
import { type HttpFixture, httpSuite, type SuiteExpect, suiteLimits, suiteTokens } from "./suite.ts";

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
