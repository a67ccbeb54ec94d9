/**
 * @pipe/shards/http conformance: the shared HTTP suite (http-fixture.ts) through the built app over the PGlite
 * store, in memory.
 */
import { PGliteShardRepository } from "@pipe/shards/pglite";
import { httpStoreSuite } from "./http-fixture.ts";

httpStoreSuite("pglite", async () => (await PGliteShardRepository.open()).unwrap());
